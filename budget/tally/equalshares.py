"""The Method of Equal Shares with cost utilities, and its Add1 completion, in exact arithmetic.

The definition implemented (README of shared/pabulib, generalised to points ballots):

- Every voter starts with the same money `s` (plain rule: `s = B / n`, n counting empty ballots).
- Voter i gives project p `u_i(p)` points: 1 for an approved project and 0 otherwise on approval
  ballots, the points given on cumulative/scoring ballots. Supporters of p are voters with
  `u_i(p) > 0`; only they pay for p.
- For an unfunded project p, the price `q` is the smallest number with
  `sum over supporters of min(money_i, q * u_i(p)) == cost(p)`: a price per point, so a voter pays
  in proportion to their points until their money runs out. If the supporters together hold less
  than `cost(p)`, p can never be funded any more. Its effective vote count is `cost(p) / q`; when
  every supporter pays in full this is p's total points (on approval ballots, its votes).
- Each round the project with the highest effective vote count is funded (ties: lower cost, then
  more points, then the lower project id as in `project_id_key`); supporter i pays
  `min(money_i, q * u_i(p))`. Rounds repeat until no project can be funded.
- Projects that cost nothing and have a supporter are funded first (their price is 0, so their
  effective vote count is unbounded), ordered like a tie.

In pabutools' terms this is `method_of_equal_shares` with the additive satisfaction
`u_i(p) * cost(p)` (`Cost_Sat` on approval ballots): its "affordability" is our `q / cost(p)`, so
its smallest affordability is our highest effective vote count. Note that pabutools'
`Additive_Cardinal_Sat` (satisfaction = points, not scaled by cost) is a different rule, which
favours cheap projects; we do not implement it.

Add1 (README): run the rule with `s = floor(B / n)`, `floor(B / n) + 1`, ...; keep the last outcome
whose real cost is within B; stop at the first run that costs more than B, or after a run that funds
every project with a supporter.

How it is fast (figures in benchmarks/README.md):
- A voter's money is `max(0, s - sum of q_f * u_i(f))` over the funded f they support, so voters
  fall into few money *states*. Identical ballots are merged into weighted groups (`Profile`);
  each group points to a state, and a price comes from a histogram state -> weight of the
  project's supporters, counted in C by `collections.Counter`.
- A run can only fund projects whose supporters start with enough money (`cost <= s * backers`);
  ballots are regrouped on those projects only (`restrict`), which merges most groups.
- Scores only fall as money is spent, so candidates wait in a heap keyed by their last score (an
  upper bound) and only the top one is recomputed.
- Money is kept in integers, in units of 1/scale, the scale refined when a price does not divide
  evenly. All amounts are ints or Fractions: no decision depends on floating point.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from fractions import Fraction
from math import floor, gcd, lcm

from budget.tally.election import Amount
from budget.tally.profile import Profile, restrict

BROKE = 0


def equal_shares(*, profile: Profile) -> list[int]:
    """Plain Method of Equal Shares with the budget shared equally: `B / n` per voter."""
    if profile.voters == 0:
        return []
    return run_equal_shares(profile=profile, share=Fraction(profile.budget, profile.voters))


def equal_shares_add1(*, profile: Profile) -> list[int]:
    """Equal Shares completed by Add1: raise the share by 1 while the outcome stays within B."""
    if profile.voters == 0:
        return []
    everything = len(profile.supported())
    share = floor(Fraction(profile.budget, profile.voters))
    best: list[int] = []
    view, view_limit = profile, -1
    while True:
        if share > view_limit:
            # Regroup the ballots on the projects a share somewhat above this one could fund: a
            # superset of what the next runs can fund, so the view stays exact for several runs.
            view_limit = share + share // 4 + 1
            view = restrict(profile=profile, keep=_fundable(profile=profile, share=view_limit))
        outcome = _Run(profile=view, share=share).count()
        if profile.cost_of(outcome) > profile.budget:
            return best
        best = outcome
        if len(outcome) == everything:
            return best
        share += 1


def run_equal_shares(*, profile: Profile, share: Amount) -> list[int]:
    """One run of Equal Shares with `share` money per voter; funded projects in order."""
    view = restrict(profile=profile, keep=_fundable(profile=profile, share=share))
    return _Run(profile=view, share=share).count()


def _fundable(*, profile: Profile, share: Amount) -> frozenset[int]:
    """Projects whose supporters hold enough at the start, with `share` each, to pay for them."""
    return frozenset(
        p for p, cost in enumerate(profile.costs) if cost <= share * profile.backers[p]
    )


class _Run:
    """The mutable state of one run: each group's money state and the candidates' heap."""

    def __init__(self, *, profile: Profile, share: Amount) -> None:
        self.profile = profile
        # Money is kept as integers counted in 1/scale units: exact like Fractions, without their
        # cost. The scale grows whenever a price does not divide evenly.
        share = Fraction(share)
        self.scale = lcm(share.denominator, *(Fraction(c).denominator for c in profile.costs))
        # State 0 is "no money left", state 1 the starting share; funding adds new states.
        self.money: list[int] = [0, _scaled(share, self.scale)]
        self.state = [1] * len(profile.weights)

    def count(self) -> list[int]:
        profile = self.profile
        candidates = [p for p, people in enumerate(profile.supporters) if people]
        free = [p for p in candidates if profile.costs[p] == 0]
        share = self.money[1]
        # A score never exceeds the project's points, so the points are a valid first bound.
        # Projects that cost more than their supporters' shares together are out from the start.
        heap = [
            (-profile.support[p], profile.tie_keys[p], p)
            for p in candidates
            if 0 < _scaled(profile.costs[p], self.scale) <= share * profile.backers[p]
        ]
        heapq.heapify(heap)
        funded = sorted(free, key=profile.tie_keys.__getitem__)
        price_of = self._approval_price if profile.utilities is None else self._points_price
        while heap:
            _, tie_key, project = heapq.heappop(heap)
            cost = _scaled(profile.costs[project], self.scale)
            price = price_of(project, cost)
            if price is None:
                continue  # money only shrinks, so an unaffordable project stays unaffordable
            rest, paying = price
            entry = (-Fraction(cost * paying, rest), tie_key, project)
            if heap and entry > heap[0]:
                heapq.heappush(heap, entry)  # another candidate may now be better: look again
                continue
            funded.append(project)
            self._charge(project=project, rest=rest, paying=paying)
        return funded

    def _approval_price(self, project: int, cost: int) -> tuple[int, int] | None:
        """(rest, paying) with the price q = rest / paying, or None if the supporters cannot pay."""
        profile = self.profile
        state = self.state
        # Weight of the supporters in each money state; Counter counts in C, which is what makes
        # a 100,000-voter count fast.
        histogram = Counter(map(state.__getitem__, profile.expanded[project]))
        for group, weight in profile.heavy[project]:
            histogram[state[group]] += weight
        money = self.money
        rest = cost
        paying = profile.support[project]
        # Poorest first: a state that cannot pay the even split pays all it has and drops out.
        for at in sorted(histogram, key=money.__getitem__):
            cash = money[at]
            if cash * paying >= rest:
                return rest, paying
            rest -= cash * histogram[at]
            paying -= histogram[at]
        return None

    def _points_price(self, project: int, cost: int) -> tuple[int, int] | None:
        """Like `_approval_price`, with payments in proportion to each supporter's points."""
        profile = self.profile
        assert profile.utilities is not None
        histogram: dict[tuple[int, int], int] = {}
        get = histogram.get
        people = profile.supporters[project]
        weights = profile.weights
        for group, points in zip(people, profile.utilities[project], strict=True):
            key = (self.state[group], points)
            histogram[key] = get(key, 0) + weights[group]
        money = self.money
        rest = cost
        paying = profile.support[project]
        # Voters drop out in the order of money per point: the price at which they run dry.
        for key in sorted(histogram, key=lambda k: Fraction(money[k[0]], k[1])):
            state, points = key
            cash = money[state]
            if cash * paying >= rest * points:
                return rest, paying
            rest -= cash * histogram[key]
            paying -= points * histogram[key]
        return None

    def _charge(self, *, project: int, rest: int, paying: int) -> None:
        """Every supporter pays q = rest / paying per point, or all their money if that is less."""
        profile = self.profile
        common = gcd(rest, paying)
        factor = paying // common
        if factor != 1:
            # Refine the unit so that the price is a whole number of units.
            self.scale *= factor
            self.money = [cash * factor for cash in self.money]
        price = rest // common
        money = self.money
        state = self.state
        people = profile.supporters[project]
        if profile.utilities is None:
            moves = {}
            for old in set(map(state.__getitem__, people)):
                cash = money[old] - price
                if cash > 0:
                    moves[old] = len(money)
                    money.append(cash)
                else:
                    moves[old] = BROKE
            new = list(map(moves.__getitem__, map(state.__getitem__, people)))
            deque(map(state.__setitem__, people, new), maxlen=0)  # state[g] = new[i], in C
            return
        point_moves: dict[tuple[int, int], int] = {}
        for group, points in zip(people, profile.utilities[project], strict=True):
            key = (state[group], points)
            if key not in point_moves:
                point_moves[key] = self._new_state(money[key[0]] - price * points)
            state[group] = point_moves[key]

    def _new_state(self, cash: int) -> int:
        """A state holding `cash` (BROKE if nothing is left)."""
        if cash <= 0:
            return BROKE
        self.money.append(cash)
        return len(self.money) - 1


def _scaled(amount: Amount, scale: int) -> int:
    """`amount * scale`, which the choice of scale makes a whole number."""
    scaled = amount * scale
    if isinstance(scaled, Fraction):
        assert scaled.denominator == 1
        return scaled.numerator
    return scaled

"""The counting rules Wijkplein offers, by their Pabulib names, and figures to compare outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from budget.tally.election import Amount, Election
from budget.tally.equalshares import equal_shares, equal_shares_add1
from budget.tally.greedy import greedy
from budget.tally.profile import Profile, build_profile

GREEDY = "greedy"
EQUAL_SHARES = "equalshares"
EQUAL_SHARES_ADD1 = "equalshares/add1"
EQUAL_SHARES_ADD1_COMPARISON = "equalshares/add1-comparison"
RULES = (GREEDY, EQUAL_SHARES, EQUAL_SHARES_ADD1, EQUAL_SHARES_ADD1_COMPARISON)


class UnknownRuleError(ValueError):
    """The rule is not one of `RULES`."""


@dataclass(frozen=True)
class OutcomeFigures:
    """What an outcome means for the voters: its cost and who sees a project of theirs funded."""

    funded: tuple[str, ...]
    total_cost: Amount
    voters: int
    voters_with_funded_project: int

    @property
    def share_with_funded_project(self) -> Fraction:
        """Fraction of voters with at least one approved (or pointed) project funded."""
        if self.voters == 0:
            return Fraction(0)
        return Fraction(self.voters_with_funded_project, self.voters)


def tally(*, election: Election, rule: str) -> list[str]:
    """Count the election with `rule`; the funded project ids in the order they were selected."""
    profile = build_profile(election=election)
    return [profile.ids[p] for p in _count(profile=profile, rule=rule, done={})]


def outcome_figures(*, election: Election, funded: Iterable[str]) -> OutcomeFigures:
    """Cost of an outcome and how many voters approve (or gave points to) a funded project."""
    return _figures(profile=build_profile(election=election), funded=tuple(funded))


def compare_rules(*, election: Election, rules: Sequence[str] = RULES) -> dict[str, OutcomeFigures]:
    """Count the election with each rule and return each outcome's figures, by rule."""
    profile = build_profile(election=election)
    done: dict[str, list[int]] = {}
    figures = {}
    for rule in rules:
        funded = tuple(profile.ids[p] for p in _count(profile=profile, rule=rule, done=done))
        figures[rule] = _figures(profile=profile, funded=funded)
    return figures


def voters_preferring(
    *, profile: Profile, first: Iterable[int], second: Iterable[int]
) -> tuple[int, int]:
    """How many voters see more of their points funded in `first`, and how many in `second`."""
    first, second = frozenset(first), frozenset(second)
    for_first = for_second = 0
    for group, weight in enumerate(profile.weights):
        gained = profile.satisfaction(group=group, funded=first)
        other = profile.satisfaction(group=group, funded=second)
        if gained > other:
            for_first += weight
        elif other > gained:
            for_second += weight
    return for_first, for_second


def _count(*, profile: Profile, rule: str, done: dict[str, list[int]]) -> list[int]:
    if rule in done:
        return done[rule]
    if rule == GREEDY:
        funded = greedy(profile=profile)
    elif rule == EQUAL_SHARES:
        funded = equal_shares(profile=profile)
    elif rule == EQUAL_SHARES_ADD1:
        funded = equal_shares_add1(profile=profile)
    elif rule == EQUAL_SHARES_ADD1_COMPARISON:
        shares = _count(profile=profile, rule=EQUAL_SHARES_ADD1, done=done)
        plain = _count(profile=profile, rule=GREEDY, done=done)
        for_greedy, for_shares = voters_preferring(profile=profile, first=plain, second=shares)
        # Only a strict majority for greedy overturns Equal Shares; ties keep Equal Shares.
        funded = plain if for_greedy > for_shares else shares
    else:
        raise UnknownRuleError(f"unknown rule {rule!r}; known rules: {', '.join(RULES)}")
    done[rule] = funded
    return funded


def _figures(*, profile: Profile, funded: tuple[str, ...]) -> OutcomeFigures:
    index = {project_id: number for number, project_id in enumerate(profile.ids)}
    chosen = frozenset(index[project_id] for project_id in funded)
    reached = sum(
        weight
        for group, weight in enumerate(profile.weights)
        if any(project in chosen for project, _ in profile.groups[group])
    )
    return OutcomeFigures(
        funded=funded,
        total_cost=profile.cost_of(chosen),
        voters=profile.voters,
        voters_with_funded_project=reached,
    )

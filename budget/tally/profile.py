"""Ballots ready for counting: projects by index, identical ballots merged into weighted groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from budget.tally.election import Amount, Election, project_id_key

TieKey = tuple[Amount, int, tuple[int, int, str]]
GroupKey = frozenset[tuple[int, int]]

# Groups of up to this many identical ballots are listed once per voter in `Profile.expanded`, so
# that C-level counting (collections.Counter) adds up their weights; bigger groups are cheaper
# to add one by one from `Profile.heavy`.
EXPAND_UP_TO = 3


@dataclass(frozen=True, eq=False)
class Profile:
    """An election as the counting loops want it: flat tuples indexed by project and by group."""

    ids: tuple[str, ...]
    costs: tuple[Amount, ...]
    support: tuple[int, ...]  # votes, or total points
    backers: tuple[int, ...]  # voters giving the project a vote or points
    tie_keys: tuple[TieKey, ...]  # lower is better: cost, then more support, then project id
    weights: tuple[int, ...]  # voters per group
    groups: tuple[GroupKey, ...]  # each group's ballot: (project, points), points 1 on approval
    supporters: tuple[tuple[int, ...], ...]
    expanded: tuple[tuple[int, ...], ...]
    heavy: tuple[tuple[tuple[int, int], ...], ...]
    utilities: tuple[tuple[int, ...], ...] | None  # points of each supporter; None on approval
    voters: int
    budget: Amount

    def supported(self) -> frozenset[int]:
        """Projects with at least one supporter."""
        return frozenset(p for p, people in enumerate(self.supporters) if people)

    def cost_of(self, projects: Iterable[int]) -> Amount:
        """Total cost of the given projects."""
        return sum((self.costs[p] for p in projects), 0)

    def satisfaction(self, *, group: int, funded: frozenset[int]) -> int:
        """Points (approval: number of approved projects) one voter of `group` sees funded."""
        return sum(points for p, points in self.groups[group] if p in funded)


def build_profile(*, election: Election) -> Profile:
    """Index the projects and merge identical ballots into groups with a weight."""
    ids = tuple(election.projects)
    index = {project_id: number for number, project_id in enumerate(ids)}
    # Voters with identical ballots start with the same money, pay the same prices and so keep
    # the same money throughout: counting them once with a weight is exact and much faster.
    if election.uses_points:
        counted = Counter(
            frozenset((index[p], points) for p, points in ballot.items() if points > 0)
            for ballot in election.ballots
        )
    else:
        counted = Counter(frozenset((index[p], 1) for p in ballot) for ballot in election.ballots)
    costs = tuple(election.projects.values())
    support = [0] * len(ids)
    backers = [0] * len(ids)
    for ballot, weight in counted.items():
        for project, points in ballot:
            support[project] += weight * points
            backers[project] += weight
    return _assemble(
        ids=ids,
        costs=costs,
        support=tuple(support),
        backers=tuple(backers),
        tie_keys=tuple((costs[p], -support[p], project_id_key(ids[p])) for p in range(len(ids))),
        counted=counted,
        points=election.uses_points,
        voters=len(election.ballots),
        budget=election.budget,
    )


def restrict(*, profile: Profile, keep: frozenset[int]) -> Profile:
    """The same profile seen only through the projects in `keep`, regrouping the ballots."""
    # Voters whose ballots agree on the kept projects have the same money for as long as no
    # other project is funded, so a run that can only fund kept projects may merge them. Far
    # fewer groups make a run much cheaper; votes, points and tie-breaks stay those of `profile`.
    items = frozenset().union(*profile.groups)
    allowed = frozenset(item for item in items if item[0] in keep)
    counted: Counter[GroupKey] = Counter()
    for ballot, weight in zip(profile.groups, profile.weights, strict=True):
        counted[ballot & allowed] += weight
    return _assemble(
        ids=profile.ids,
        costs=profile.costs,
        support=profile.support,
        backers=profile.backers,
        tie_keys=profile.tie_keys,
        counted=counted,
        points=profile.utilities is not None,
        voters=profile.voters,
        budget=profile.budget,
    )


def _assemble(
    *,
    ids: tuple[str, ...],
    costs: tuple[Amount, ...],
    support: tuple[int, ...],
    backers: tuple[int, ...],
    tie_keys: tuple[TieKey, ...],
    counted: Counter[GroupKey],
    points: bool,
    voters: int,
    budget: Amount,
) -> Profile:
    supporters: list[list[int]] = [[] for _ in ids]
    utilities: list[list[int]] = [[] for _ in ids]
    expanded: list[list[int]] = [[] for _ in ids]
    heavy: list[list[tuple[int, int]]] = [[] for _ in ids]
    weights = []
    for group, (ballot, weight) in enumerate(counted.items()):
        weights.append(weight)
        for project, score in ballot:
            supporters[project].append(group)
            utilities[project].append(score)
            if weight <= EXPAND_UP_TO:
                expanded[project].extend([group] * weight)
            else:
                heavy[project].append((group, weight))
    return Profile(
        ids=ids,
        costs=costs,
        support=support,
        backers=backers,
        tie_keys=tie_keys,
        weights=tuple(weights),
        groups=tuple(counted),
        supporters=tuple(map(tuple, supporters)),
        expanded=tuple(map(tuple, expanded)),
        heavy=tuple(map(tuple, heavy)),
        utilities=tuple(map(tuple, utilities)) if points else None,
        voters=voters,
        budget=budget,
    )

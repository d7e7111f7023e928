"""The election being counted: budget, project costs and ballots, free of files and databases."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Amount = int | Fraction
ApprovalBallot = frozenset[str]
PointsBallot = Mapping[str, int]
Ballot = ApprovalBallot | PointsBallot

APPROVAL_TYPES = frozenset({"approval", "choose-1"})
POINTS_TYPES = frozenset({"cumulative", "scoring"})
VOTE_TYPES = APPROVAL_TYPES | POINTS_TYPES

_NUMERIC_ID = re.compile(r"[0-9]+")


class ElectionError(ValueError):
    """The election data is inconsistent (unknown project, negative cost, bad points, ...)."""


def project_id_key(project_id: str) -> tuple[int, int, str]:
    """Sort key for project ids: numeric ids by value, before all others compared as strings."""
    # "Numerically when both ids are numeric, else as strings" is not transitive when a file mixes
    # the two ("2" < "10" < "1a" < "2"), so numeric ids come first; the string keeps "07" != "7".
    if _NUMERIC_ID.fullmatch(project_id):
        return (0, int(project_id), project_id)
    return (1, 0, project_id)


def as_amount(value: object, *, what: str) -> Amount:
    """Check that a budget or cost is an exact, non-negative number; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise ElectionError(f"{what} must be an int or Fraction, not {type(value).__name__}")
    if value < 0:
        raise ElectionError(f"{what} must not be negative: {value}")
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


@dataclass(frozen=True)
class Election:
    """One budget vote: the budget, each project's cost and the ballots cast."""

    budget: Amount
    projects: Mapping[str, Amount]
    ballots: Sequence[Ballot]
    vote_type: str = "approval"
    meta: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    votes: Mapping[str, int] = field(default_factory=dict)
    selected: frozenset[str] | None = None

    def __post_init__(self) -> None:
        # Normalised here so that an Election built by hand equals the same one parsed from a file.
        object.__setattr__(self, "budget", as_amount(self.budget, what="budget"))
        costs = {
            str(p): as_amount(c, what=f"cost of project {p}") for p, c in self.projects.items()
        }
        object.__setattr__(self, "projects", costs)
        if self.vote_type not in VOTE_TYPES:
            raise ElectionError(f"unsupported vote_type {self.vote_type!r}")
        if self.uses_points:
            ballots = tuple(self._points_ballot(b) for b in self.ballots)
        else:
            ballots = tuple(self._approval_ballot(b) for b in self.ballots)
        object.__setattr__(self, "ballots", ballots)
        object.__setattr__(self, "meta", dict(self.meta))
        object.__setattr__(self, "names", dict(self.names))
        object.__setattr__(self, "votes", dict(self.votes))
        for what, ids in (("names", self.names), ("votes", self.votes)):
            if not ids.keys() <= costs.keys():
                raise ElectionError(f"{what} mention unknown projects")
        if self.selected is not None:
            object.__setattr__(self, "selected", frozenset(self.selected))
            if not self.selected <= costs.keys():
                raise ElectionError("selected mentions unknown projects")

    @property
    def uses_points(self) -> bool:
        """True for cumulative or scoring ballots, False for approval ballots."""
        return self.vote_type in POINTS_TYPES

    def _approval_ballot(self, ballot: object) -> ApprovalBallot:
        if isinstance(ballot, Mapping) or not isinstance(ballot, frozenset | set | tuple | list):
            raise ElectionError(f"an approval ballot is a set of project ids, not {ballot!r}")
        approved = frozenset(ballot)
        if not approved <= self.projects.keys():
            unknown = sorted(approved - self.projects.keys())
            raise ElectionError(f"ballot approves unknown projects {unknown}")
        return approved

    def _points_ballot(self, ballot: object) -> PointsBallot:
        if not isinstance(ballot, Mapping):
            raise ElectionError(f"a points ballot maps project ids to points, not {ballot!r}")
        for project_id, points in ballot.items():
            if project_id not in self.projects:
                raise ElectionError(f"ballot gives points to unknown project {project_id!r}")
            if isinstance(points, bool) or not isinstance(points, int) or points < 0:
                raise ElectionError(f"points must be non-negative integers, not {points!r}")
        return dict(ballot)

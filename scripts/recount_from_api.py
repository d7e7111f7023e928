"""Recount a published wijkbudget round from the open-data API alone (docs/api.md).

    uv run python scripts/recount_from_api.py https://wijkplein.example.nl 12

1. GET /api/v1/budget-rounds/<id>: the round, its counting rule and its published result.
2. Download the anonymised ballots (`result.pb_url`, a Pabulib .pb file).
3. Check the file's SHA-256 against `result.pb_sha256`.
4. Count the ballots with pabutools (an independent implementation of the rules, not ours)
   and compare the funded projects with `result.funded`.

Exits 0 when the hash and the funded projects agree, 1 otherwise. Needs pabutools (a
development dependency of Wijkplein; `pip install pabutools` elsewhere).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from pabutools.election import AdditiveSatisfaction, Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

Fetch = Callable[[str], bytes]
_NUMERIC = re.compile(r"[0-9]+")


def fetch(url: str) -> bytes:
    """GET a URL of the API (http or https only)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) address: {url}")
    accept = {"Accept": "application/json, text/plain"}
    request = urllib.request.Request(url, headers=accept)  # noqa: S310 - http(s), checked above
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - as above
        return response.read()


def _id_key(project_id: str) -> tuple[int, int, str]:
    """Project ids as Wijkplein orders them: numeric ids by value, before any others."""
    if _NUMERIC.fullmatch(project_id):
        return (0, int(project_id), project_id)
    return (1, 0, project_id)


def _points_sat(instance, profile, ballot, project, precomputed_values):
    return ballot.get(project, 0) * project.cost


class PointsCostSat(AdditiveSatisfaction):
    """Points ballots: a voter's points on a project times its cost."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, _points_sat)


@dataclass
class Election:
    instance: object
    profile: object
    points: bool

    @property
    def sat(self):
        return PointsCostSat if self.points else Cost_Sat

    def support(self) -> dict[str, int]:
        """Votes per project (points on a points ballot)."""
        totals = {project.name: 0 for project in self.instance}
        for ballot in self.profile:
            for project in ballot:
                totals[project.name] += ballot[project] if self.points else 1
        return totals

    def satisfaction(self, ballot, funded: set[str]) -> int:
        """Approved projects (or points) of one voter that `funded` pays for."""
        return sum(
            (ballot[project] if self.points else 1) for project in ballot if project.name in funded
        )


def greedy(election: Election) -> list[str]:
    """Most votes first while the money lasts; ties: the cheaper, then the lower id."""
    ties = TieBreakingRule(lambda inst, prof, p: (p.cost, _id_key(p.name)))
    outcome = greedy_utilitarian_welfare(
        election.instance, election.profile, sat_class=election.sat, tie_breaking=ties
    )
    return [project.name for project in outcome]


def equal_shares(election: Election, *, share=None) -> list[str]:
    """The Method of Equal Shares; `share` pretends each voter had that much."""
    totals = election.support()
    ties = TieBreakingRule(lambda inst, prof, p: (p.cost, -totals[p.name], _id_key(p.name)))
    instance = election.instance
    budget = instance.budget_limit
    if share is not None:
        instance.budget_limit = share * len(election.profile)
    try:
        outcome = method_of_equal_shares(
            instance, election.profile, sat_class=election.sat, tie_breaking=ties
        )
    finally:
        instance.budget_limit = budget
    return [project.name for project in outcome]


def equal_shares_add1(election: Election) -> list[str]:
    """Equal Shares with the share raised by one euro until the next step would overspend
    (or every supported project is funded); the last affordable outcome."""
    if not len(election.profile):
        return []
    budget = Fraction(election.instance.budget_limit)
    costs = {project.name: Fraction(project.cost) for project in election.instance}
    supported = {name for name, total in election.support().items() if total > 0}
    share = floor(budget / len(election.profile))
    kept: list[str] = []
    while True:
        outcome = equal_shares(election, share=share)
        if sum(costs[name] for name in outcome) > budget:
            return kept
        kept = outcome
        if set(outcome) == supported:
            return kept
        share += 1


def add1_compared_with_greedy(election: Election) -> list[str]:
    """Equal Shares (add1), unless strictly more voters see more of their choices funded by
    greedy's outcome."""
    shares, plain = equal_shares_add1(election), greedy(election)
    for_greedy = for_shares = 0
    for ballot in election.profile:
        by_greedy = election.satisfaction(ballot, set(plain))
        by_shares = election.satisfaction(ballot, set(shares))
        for_greedy += by_greedy > by_shares
        for_shares += by_shares > by_greedy
    return plain if for_greedy > for_shares else shares


RULES = {
    "greedy": greedy,
    "equalshares": equal_shares,
    "equalshares/add1": equal_shares_add1,
    "equalshares/add1-comparison": add1_compared_with_greedy,
}


@dataclass
class Recount:
    round_name: str
    rule: str
    hash_matches: bool
    published: list[int]
    recounted: list[int]

    @property
    def agrees(self) -> bool:
        return self.hash_matches and self.published == self.recounted


def recount(*, base_url: str, round_id: int, get: Fetch = fetch) -> Recount:
    """Fetch the round, download its .pb, check its hash, count it with pabutools."""
    budget_round = json.loads(get(f"{base_url.rstrip('/')}/api/v1/budget-rounds/{round_id}"))
    result = budget_round["result"]
    if result is None:
        raise SystemExit(f"round {round_id} has no published result yet")
    pb = get(result["pb_url"])
    hash_matches = hashlib.sha256(pb).hexdigest() == result["pb_sha256"]
    with tempfile.NamedTemporaryFile(suffix=".pb") as file:
        file.write(pb)
        file.flush()
        instance, profile = parse_pabulib(file.name)
    points = instance.meta.get("vote_type", "approval") == "cumulative"
    election = Election(instance=instance, profile=profile, points=points)
    funded = RULES[result["rule"]](election)
    return Recount(
        round_name=budget_round["name"],
        rule=result["rule"],
        hash_matches=hash_matches,
        published=list(result["funded"]),
        recounted=[int(name) for name in funded],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="the site, e.g. https://wijkplein.example.nl")
    parser.add_argument("round_id", type=int, help="the round's id in the API")
    args = parser.parse_args(argv)
    report = recount(base_url=args.base_url, round_id=args.round_id)
    print(f"Round: {report.round_name} (rule {report.rule})")
    print(f"SHA-256 of the .pb file matches the API: {'yes' if report.hash_matches else 'NO'}")
    print(f"Funded according to the API:  {report.published}")
    print(f"Funded according to pabutools: {report.recounted}")
    print("The recount agrees." if report.agrees else "The recount DIFFERS.")
    return 0 if report.agrees else 1


if __name__ == "__main__":
    sys.exit(main())

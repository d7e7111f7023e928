"""Wijkbudget pages: as many database queries with 100 objects as with 5 (issue #7).

See tests/performance/support.py for how each test counts and what it checks.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import Ballot, RealisationStage, Result, Via
from initiatives.models import InitiativeStatus
from tests.factories import VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.initiatives import (
    InitiativeFactory,
)
from tests.performance.support import (
    _n,
    _projects,
    assert_queries_constant,
)

pytestmark = pytest.mark.django_db


# --- Wijkbudget -------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["proposals", "voting"])
def test_round_page(client, wijk, phase):
    budget_round = RoundFactory(wijk=wijk, phase=phase)
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    proposer = VerifiedProfileFactory(wijk=wijk).user

    def add(n):
        return _projects(budget_round, n, initiative=initiative, proposed_by=proposer)

    assert_queries_constant(client, f"/wijkbudget/{budget_round.pk}/", add)


def test_round_list(client, wijk):
    def add(n):
        return [RoundFactory(wijk=wijk, name=f"Ronde {_n()}").name for _ in range(n)]

    assert_queries_constant(client, "/wijkbudget/", add)


def test_ballot_page_for_an_eligible_resident(client, resident, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="voting", max_choices=3)
    client.force_login(resident)

    def add(n):
        return _projects(budget_round, n)

    assert_queries_constant(client, f"/wijkbudget/{budget_round.pk}/stemmen/", add)


def test_project_page(client, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="voting")
    project = ProjectFactory(round=budget_round, title="Speeltuin Akerplein")

    def add(n):
        _projects(budget_round, n)
        return ["Speeltuin Akerplein"]

    assert_queries_constant(client, f"/wijkbudget/project/{project.pk}/", add)


def test_results_page(client, wijk, staff):
    budget_round = RoundFactory(wijk=wijk, phase="realisation")
    projects = []

    def add(n):
        projects.extend(
            ProjectFactory(round=budget_round, title=f"Project {_n()}") for _ in range(n)
        )
        for number in range(20 * n):  # many ballots: the page reads the stored count
            Ballot.objects.create(
                round=budget_round,
                voter_key=f"{len(projects)}-{number:060d}",
                choices={str(projects[number % len(projects)].pk): 1},
                via=Via.WEB,
            )
        funded = [p.pk for p in projects[::2]]
        for project in projects[::2]:
            project.updates.create(
                stage=RealisationStage.IN_PROGRESS,
                text=f"Voortgang van {project.title}",
                created_by=staff,
            )
        Result.objects.update_or_create(
            round=budget_round,
            defaults={
                "rule": "greedy",
                "funded": funded,
                "votes": {str(p.pk): 20 for p in projects},
                "figures": {
                    "greedy": {"funded": funded, "total_cost": "0", "voters": 1, "reached": 1}
                },
                "ballot_count": 20 * len(projects),
                "eligible_count": 40 * len(projects),
                "budget_used": Decimal("1000"),
                "published_at": timezone.now(),
            },
        )
        return [projects[0].title, projects[-1].title]

    assert_queries_constant(client, f"/wijkbudget/{budget_round.pk}/uitslag/", add)

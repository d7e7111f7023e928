"""The API makes as many database queries with 100 objects as with 5 (the 5-versus-100 check of
tests/performance, extended to the API)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from initiatives.models import InitiativeStatus
from subsidies.models import Status
from tests.factories import WijkFactory
from tests.factories.budget import RoundFactory
from tests.factories.cms import DecisionPageFactory, EventPageFactory, NewsPageFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory
from tests.performance.support import (
    _n,
    _projects,
    _published_initiatives,
    assert_queries_constant,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives",
        "/api/v1/initiatives?wijk=brunssum-noord&status=published&page_size=100",
        "/api/v1/initiatives?page=2&page_size=2",
    ],
)
def test_initiatives(client, wijk, url):
    def add(n):
        shown = _published_initiatives(wijk, n)
        return [] if "page=2" in url else shown[-3:]

    assert_queries_constant(client, url, add)


def test_wijken(client):
    def add(n):
        return [WijkFactory(name=f"Wijk nummer {_n()}").name for _ in range(n)][:1]

    assert_queries_constant(client, "/api/v1/wijken?page_size=100", add)


def test_schemes_and_granted_subsidies(client, wijk):
    scheme = SchemeFactory(wijk=wijk, pot=Decimal("1000000.00"))

    def add(n):
        names = []
        for _ in range(n):
            number = _n()
            SchemeFactory(wijk=wijk, name=f"Regeling {number}")
            initiative = InitiativeFactory(
                wijk=wijk, title=f"Plan {number}", status=InitiativeStatus.PUBLISHED
            )
            ApplicationFactory(
                scheme=scheme,
                initiative=initiative,
                status=Status.GRANTED,
                granted_amount=Decimal("400.00"),
                decided_at=timezone.now(),
            )
            names.append(f"Plan {number}")
        return names[-1:]

    assert_queries_constant(client, "/api/v1/subsidies?page_size=100", add)
    assert_queries_constant(client, "/api/v1/subsidy-schemes?page_size=100", lambda n: [])


def test_rounds_and_a_rounds_projects(client, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="voting")

    def add_rounds(n):
        names = [
            RoundFactory(wijk=wijk, name=f"Ronde {_n()}", phase="proposals").name for _ in range(n)
        ]
        return names[-1:]

    def add_projects(n):
        return _projects(budget_round, n)[-1:]

    assert_queries_constant(client, "/api/v1/budget-rounds?page_size=100", add_rounds)
    assert_queries_constant(client, f"/api/v1/budget-rounds/{budget_round.pk}", add_projects)


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/v1/news", NewsPageFactory),
        ("/api/v1/decisions", DecisionPageFactory),
        ("/api/v1/events", EventPageFactory),
    ],
)
def test_news_decisions_and_events(client, home, wijk, url, factory):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    def add(n):
        dated = {"date": tomorrow} if factory is EventPageFactory else {}
        made = [factory(title=f"Pagina {_n()}", wijken=[wijk], **dated).title for _ in range(n)]
        # Newest first for news and decisions; events soonest first (then by id).
        return made[:1] if factory is EventPageFactory else made[-1:]

    assert_queries_constant(client, url, add)


def test_statistics(client, wijk):
    def add(n):
        _published_initiatives(wijk, n)
        for _ in range(n):
            WijkFactory(name=f"Statistiekwijk {_n()}")
        return []

    assert_queries_constant(client, "/api/v1/statistics", add)

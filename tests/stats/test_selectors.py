"""The raw figures: right for a realistic data set, per wijk, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import InitiativeStatus
from stats import selectors
from stats.tables import statistics_page
from subsidies.models import Status
from tests.factories import ProfileFactory, VerifiedProfileFactory, WijkFactory
from tests.factories.budget import RoundFactory
from tests.factories.initiatives import InitiativeFactory, SupportFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory


def test_wijk_totals_add_up(dataset, wijk, other_wijk):
    totals = selectors.wijk_totals()
    brunssum = totals[wijk.pk]
    assert brunssum.residents_registered == 10
    assert brunssum.residents_verified == 7
    assert brunssum.initiatives_public == 5
    assert brunssum.initiatives_all == 8
    assert brunssum.initiatives_hidden == 1
    assert brunssum.initiatives_by_status[InitiativeStatus.PUBLISHED] == 2
    assert brunssum.supports_public == 6
    assert brunssum.supports_all == 8
    # The draft application is not counted: six submitted.
    assert brunssum.applications_submitted == 6
    assert brunssum.amount_requested == Decimal("4000.00")
    assert brunssum.applications_granted == 4
    assert brunssum.amount_granted == Decimal("2900.00")
    # Advance 480 (not settled yet) + final 900 (settled) + final 0 (reclaimed).
    assert brunssum.amount_paid == Decimal("1380.00")
    assert brunssum.applications_by_status[Status.REJECTED].count == 1


def test_other_wijken_are_not_mixed_in(dataset, wijk, other_wijk):
    totals = selectors.wijk_totals()
    beijum = totals[other_wijk.pk]
    assert beijum.residents_registered == 4
    assert beijum.residents_verified == 3
    assert beijum.initiatives_public == 1
    assert beijum.supports_public == 1
    assert beijum.applications_submitted == 0
    assert totals[dataset["third"].pk].residents_registered == 6


def test_rounds_leave_out_rehearsals_and_other_wijken(dataset, wijk):
    rounds = list(selectors.rounds_with_turnout(wijk=wijk))
    assert [r.name for r in rounds] == ["Wijkbudget 2025", "Wijkbudget 2026"]
    assert rounds[0].result.turnout.quantize(Decimal("0.1")) == Decimal("57.1")
    assert rounds[1].participation_count == 2
    assert len(selectors.rounds_with_turnout()) == 3


def test_activity_per_month(dataset, wijk):
    months = selectors.activity_over_time(wijk=wijk, today=datetime.date(2026, 6, 15))
    assert [m.code for m in months][0] == "2025-07"
    assert [m.code for m in months][-1] == "2026-06"
    june, april = months[-1], months[-3]
    assert june.registrations == 10
    assert june.initiatives_public == 4
    assert april.initiatives_public == 1
    assert june.supports_public == 6
    assert june.applications_submitted == 6
    assert june.amount_requested == Decimal("4000.00")
    assert june.applications_granted == 4
    assert june.amount_granted == Decimal("2900.00")
    assert june.advances_paid == Decimal("1680.00")
    assert sum(m.registrations for m in months[:-1]) == 0


def test_activity_per_quarter(dataset):
    quarters = selectors.activity_over_time(
        period=selectors.QUARTER, today=datetime.date(2026, 6, 15)
    )
    assert [q.code for q in quarters] == [
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    # All wijken together; April and June fall in the same quarter.
    assert quarters[-1].registrations == 20
    assert quarters[-1].initiatives_public == 6


def test_period_starts_cross_the_year():
    starts = selectors.period_starts(period=selectors.MONTH, today=datetime.date(2026, 1, 31))
    assert starts[0] == datetime.date(2025, 2, 1)
    assert starts[-1] == datetime.date(2026, 1, 1)


def _grow(n: int) -> list:
    """n of everything in two wijken: residents, initiatives, supports, applications, rounds."""
    wijken = [WijkFactory(), WijkFactory()]
    for i in range(n):
        wijk = wijken[i % 2]
        user = VerifiedProfileFactory(wijk=wijk).user
        ProfileFactory(wijk=wijk)
        initiative = InitiativeFactory(
            wijk=wijk, created_by=user, status=InitiativeStatus.PUBLISHED
        )
        SupportFactory(initiative=initiative, user=user)
        ApplicationFactory(
            scheme=SchemeFactory(wijk=wijk),
            initiative=initiative,
            created_by=user,
            status=Status.GRANTED,
            granted_amount=Decimal("400"),
        )
        RoundFactory(wijk=wijk)
    return list(WijkFactory._meta.model.objects.order_by("name"))


def _queries_for_page(detailed: bool) -> int:
    wijken = list(WijkFactory._meta.model.objects.order_by("name"))
    with CaptureQueriesContext(connection) as queries:
        statistics_page(wijk=None, detailed=detailed, wijken=wijken)
        statistics_page(wijk=wijken[0], detailed=detailed, wijken=wijken)
    return len(queries)


@pytest.mark.parametrize("detailed", [False, True])
def test_query_count_does_not_grow_with_the_data(db, detailed):
    _grow(5)
    few = _queries_for_page(detailed)
    _grow(45)
    assert _queries_for_page(detailed) == few

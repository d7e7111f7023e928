"""A realistic data set for the statistics: three wijken, residents, initiatives in several
statuses, supports, subsidy applications from draft to settled, and wijkbudget rounds.

The clock stands still on 15 June 2026, so every month of the figures over time is known.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import Participation, Result, Via
from initiatives.models import Initiative, InitiativeStatus
from subsidies.models import Status
from tests.factories import ProfileFactory, VerifiedProfileFactory, WijkFactory
from tests.factories.budget import RoundFactory
from tests.factories.initiatives import InitiativeFactory, SupportFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(time_machine):
    """15 June 2026, 14:00 in the Netherlands."""
    time_machine.move_to(NOW, tick=False)
    return NOW


def _residents(wijk, *, verified: int, unverified: int, start: int = 1):
    people = [
        VerifiedProfileFactory(wijk=wijk, house_number=str(start + i)).user for i in range(verified)
    ]
    people += [
        ProfileFactory(wijk=wijk, house_number=str(start + verified + i)).user
        for i in range(unverified)
    ]
    return people


def _application(initiative, status, *, requested, granted=None, advance=None, final=None):
    """An application put straight into a status with its money (the workflow has its own tests)."""
    decided = status not in (Status.CONCEPT, Status.SUBMITTED)
    return ApplicationFactory(
        scheme=SchemeFactory(wijk=initiative.wijk),
        initiative=initiative,
        created_by=initiative.created_by,
        status=status,
        requested_amount=Decimal(requested),
        granted_amount=None if granted is None else Decimal(granted),
        advance_amount=None if advance is None else Decimal(advance),
        advance_paid_on=None if advance is None else timezone.localdate(),
        final_amount=None if final is None else Decimal(final),
        submitted_at=None if status == Status.CONCEPT else timezone.now(),
        decided_at=timezone.now() if decided else None,
    )


@pytest.fixture
def dataset(frozen, wijk, other_wijk):
    """What the statistics of `wijk`, `other_wijk` and a third wijk should add up to.

    wijk (Brunssum-Noord): 10 residents of whom 7 verified; 8 initiatives (5 public, 1
    hidden, 1 draft, 1 submitted); 8 supports of which 6 on public initiatives; 7
    applications (1 draft; 6 submitted asking € 4.000; 4 granted € 2.900; € 1.380 paid).
    other_wijk (Beijum): 4 residents (3 verified), 1 public initiative with 1 support.
    Third wijk (Hoensbroek): 6 verified residents.
    """
    third = WijkFactory(name="Hoensbroek", slug="hoensbroek", municipality="Heerlen")
    people = _residents(wijk, verified=7, unverified=3)
    _residents(other_wijk, verified=2, unverified=1, start=50)
    _residents(third, verified=6, unverified=0, start=80)
    creator = people[0]

    def initiative(status, **kwargs):
        return InitiativeFactory(wijk=wijk, created_by=creator, status=status, **kwargs)

    published = initiative(InitiativeStatus.PUBLISHED)
    initiative(InitiativeStatus.PUBLISHED)
    initiative(InitiativeStatus.IN_PROGRESS)
    completed = initiative(InitiativeStatus.COMPLETED)
    initiative(InitiativeStatus.REJECTED)
    initiative(InitiativeStatus.CONCEPT)
    submitted = initiative(InitiativeStatus.SUBMITTED)
    hidden = initiative(InitiativeStatus.PUBLISHED, hidden=True, hidden_reason="Scheldwoorden.")
    for user in people[1:7]:
        SupportFactory(initiative=published, user=user)
    SupportFactory(initiative=hidden, user=people[1])
    SupportFactory(initiative=submitted, user=people[2])

    # Two months ago: one public initiative started then (for the figures over time).
    Initiative.objects.filter(pk=completed.pk).update(created_at=NOW - datetime.timedelta(days=62))

    other_creator = VerifiedProfileFactory(wijk=other_wijk, house_number="99").user
    other_initiative = InitiativeFactory(
        wijk=other_wijk, created_by=other_creator, status=InitiativeStatus.PUBLISHED
    )
    SupportFactory(initiative=other_initiative, user=other_creator)

    _application(published, Status.CONCEPT, requested="300")
    _application(published, Status.SUBMITTED, requested="500")
    _application(published, Status.REJECTED, requested="400")
    _application(published, Status.GRANTED, requested="1000", granted="800")
    _application(published, Status.ADVANCE_PAID, requested="600", granted="600", advance="480")
    _application(
        published, Status.SETTLED, requested="1000", granted="1000", advance="800", final="900"
    )
    _application(
        published, Status.RECLAIMED, requested="500", granted="500", advance="400", final="0"
    )

    # A counted and published round: 4 ballots of 7 eligible residents.
    counted = RoundFactory(wijk=wijk, phase="realisation", name="Wijkbudget 2025")
    for user in people[:4]:
        Participation.objects.create(round=counted, user=user, via=Via.WEB)
    Result.objects.create(
        round=counted,
        rule="greedy",
        ballot_count=4,
        eligible_count=7,
        budget_used=Decimal("9000"),
        published_at=timezone.now(),
    )
    # Voting now: 2 have voted, nothing counted yet (staff only).
    voting = RoundFactory(wijk=wijk, phase="voting", name="Wijkbudget 2026")
    for user in people[4:6]:
        Participation.objects.create(round=voting, user=user, via=Via.WEB)
    # Counted but not published (staff only), and a rehearsal nobody sees here.
    unpublished = RoundFactory(wijk=other_wijk, phase="results", name="Beijum kiest")
    Result.objects.create(round=unpublished, rule="greedy", ballot_count=1, eligible_count=3)
    RoundFactory(wijk=wijk, phase="realisation", name="Proefstemming Kerkstraat", is_rehearsal=True)
    return {"third": third, "people": people}

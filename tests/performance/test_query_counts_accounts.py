"""The resident's own pages and the staff list pages: as many database queries with 100
objects as with 5 (issue #7, "Fast pages").

See tests/performance/support.py for how each test counts and what it checks.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, NotificationKind
from initiatives.models import InitiativeMember, InitiativeStatus, InitiatorRole, ReportStatus
from subsidies.models import Status
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory, WijkFactory
from tests.factories.budget import RoundFactory
from tests.factories.initiatives import (
    ContentReportFactory,
    InitiativeFactory,
    SupportFactory,
)
from tests.factories.review import MemberReviewFactory, ReviewFactory, ReviewInitiativeFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory
from tests.performance.support import (
    _n,
    _projects,
    assert_queries_constant,
)

pytestmark = pytest.mark.django_db


# --- The resident's own pages -----------------------------------------------------------


def test_own_profile_page(client, resident, wijk):
    client.force_login(resident)
    profile = resident.profile

    def add(n):
        for _ in range(n):
            profile.display_name = f"Naam {_n()}"
            profile._change_reason = "Naam gewijzigd"
            profile.save()
            PanelMembershipFactory(member=resident, wijk=WijkFactory())
        return [profile.display_name]

    assert_queries_constant(client, "/mijn-gegevens/", add)


def test_own_notifications(client, resident):
    client.force_login(resident)

    def add(n):
        for _ in range(n):
            subject = f"Uw initiatief is gepubliceerd ({_n()})"
            Notification.objects.create(
                user=resident,
                kind=NotificationKind.values[0],
                subject=subject,
                body="Het staat nu op de site.",
                link="/initiatieven/",
            )
        return [subject]

    assert_queries_constant(client, "/mijn-gegevens/meldingen/", add)


def test_own_initiatives(client, resident, wijk):
    client.force_login(resident)

    def add(n):
        for _ in range(n):
            initiative = InitiativeFactory(wijk=wijk, title=f"Buurtfeest {_n()}")
            InitiativeMember.objects.create(
                initiative=initiative, user=resident, role=InitiatorRole.CO_INITIATOR
            )
            SupportFactory(initiative=initiative)
        return [initiative.title]

    assert_queries_constant(client, "/mijn-initiatieven/", add)


def test_own_applications(client, resident, wijk):
    client.force_login(resident)
    scheme = SchemeFactory(wijk=wijk)

    def add(n):
        for _ in range(n):
            application = ApplicationFactory(scheme=scheme, created_by=resident)
            application.initiative.title = f"Buurtfeest {_n()}"
            application.initiative.save()
            InitiativeMember.objects.create(
                initiative=application.initiative, user=resident, role=InitiatorRole.INITIATOR
            )
        return [application.initiative.title]

    assert_queries_constant(client, "/subsidie/mijn-aanvragen/", add)


# --- Staff list pages ---------------------------------------------------------------------


def test_subsidy_applications_for_staff(staff_client, wijk):
    scheme = SchemeFactory(wijk=wijk)

    def add(n):
        for _ in range(n):
            application = ApplicationFactory(
                scheme=scheme, status=Status.SUBMITTED, submitted_at=timezone.now()
            )
            application.initiative.title = f"Buurtfeest {_n()}"
            application.initiative.save()
        return [application.initiative.title]

    assert_queries_constant(staff_client, "/beheer/subsidie/", add)


def test_subsidy_schemes(staff_client, client, wijk):
    def add(n):
        for _ in range(n):
            scheme = SchemeFactory(wijk=WijkFactory(), name=f"Regeling {_n()}")
            ApplicationFactory(scheme=scheme, status=Status.GRANTED, granted_amount=Decimal(500))
        return [scheme.name]

    assert_queries_constant(staff_client, "/beheer/subsidie/regelingen/", add)
    assert_queries_constant(staff_client, "/subsidie/", add)


def _add_reviews(wijk):
    """assert_queries_constant's `add`: n initiatives in review, each with a member review."""

    def add(n):
        for _ in range(n):
            subject = ReviewInitiativeFactory(wijk=wijk, title=f"Moestuin {_n()}")
            review = ReviewFactory(subject=subject)
            MemberReviewFactory(review=review)
        return [subject.title]

    return add


def test_review_queue_for_staff(staff_client, wijk):
    assert_queries_constant(staff_client, "/beheer/wijkpanel/", _add_reviews(wijk))


def test_review_dashboard_of_a_panel_member(totp_client, panel_chair, wijk):
    assert_queries_constant(totp_client(panel_chair), "/wijkpanel/", _add_reviews(wijk))


def test_rounds_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            budget_round = RoundFactory(wijk=WijkFactory(), name=f"Ronde {_n()}")
            _projects(budget_round, 2)
        return [budget_round.name]

    assert_queries_constant(staff_client, "/beheer/wijkbudget/", add)


def test_projects_for_staff(staff_client, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="review")
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)

    def add(n):
        shown = []
        for _ in range(n):
            proposer = VerifiedProfileFactory(wijk=wijk).user
            shown += _projects(budget_round, 1, initiative=initiative, proposed_by=proposer)
        return shown[-1:]

    assert_queries_constant(staff_client, f"/beheer/wijkbudget/{budget_round.pk}/", add)


def test_initiatives_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            initiative = InitiativeFactory(
                wijk=wijk, title=f"Moestuin {_n()}", status=InitiativeStatus.SUBMITTED
            )
            ContentReportFactory(initiative=initiative, status=ReportStatus.OPEN)
        return [initiative.title]

    assert_queries_constant(staff_client, "/beheer/initiatieven/", add)


def test_residents_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            profile = VerifiedProfileFactory(wijk=wijk, display_name=f"Bewoner {_n()}")
        return [profile.display_name]

    assert_queries_constant(staff_client, reverse("core:staff_residents"), add)

"""The people and votes of the privacy tests."""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from budget import services as budget_services
from core import notifications
from core.models import (
    Notification,
    NotificationKind,
    User,
)
from tests.core.privacy.support import EMAIL, NAME, OTHER_EMAIL, OTHER_NAME
from tests.factories import PanelMembershipFactory, UserFactory, VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.initiatives import (
    InitiativeFactory,
    ProgressUpdateFactory,
    SupportFactory,
    VolunteerFactory,
)
from tests.factories.review import MemberReviewFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory


@pytest.fixture
def person(wijk):
    """A verified resident with a recognisable name, e-mail address and birth year."""
    user = UserFactory(email=EMAIL)
    VerifiedProfileFactory(
        user=user,
        wijk=wijk,
        display_name=NAME,
        postcode="6441AB",
        house_number="77",
        birth_year=1961,
    )
    return user


@pytest.fixture
def neighbour(wijk):
    """Another resident of the same wijk, whose data must never show up in the export."""
    user = UserFactory(email=OTHER_EMAIL)
    VerifiedProfileFactory(user=user, wijk=wijk, display_name=OTHER_NAME, house_number="3")
    return user


@pytest.fixture
def round_with_votes(wijk, person, neighbour):
    """A round in which both voted: the person for Speeltuin, the neighbour for Bankjes."""
    budget_round = RoundFactory(wijk=wijk, phase="voting", min_choices=1, max_choices=2)
    speeltuin = ProjectFactory(round=budget_round, title="Speeltuin Zonnebloem", cost=6000)
    bankjes = ProjectFactory(round=budget_round, title="Bankjes Kerkplein", cost=3000)
    budget_services.ballot_cast(actor=person, budget_round=budget_round, choices={speeltuin.pk: 1})
    budget_services.ballot_cast(actor=neighbour, budget_round=budget_round, choices={bankjes.pk: 1})
    return budget_round


@pytest.fixture
def active_person(person, neighbour, wijk, round_with_votes):
    """The person has done a bit of everything on Wijkplein."""
    initiative = InitiativeFactory(
        wijk=wijk, created_by=person, title="Moestuin Op De Hoek", status="published"
    )
    ProgressUpdateFactory(initiative=initiative, author=person)
    neighbours_initiative = InitiativeFactory(
        wijk=wijk, created_by=neighbour, title="Buurtbarbecue", status="published"
    )
    SupportFactory(initiative=neighbours_initiative, user=person)
    VolunteerFactory(initiative=neighbours_initiative, user=person, message="Bel mij: 06-12345678")
    SupportFactory(initiative=initiative, user=neighbour)
    PanelMembershipFactory(wijk=wijk, member=person)
    MemberReviewFactory(member=person, reasoning="Sterk plan van de buurt.")
    ApplicationFactory(scheme=SchemeFactory(wijk=wijk), initiative=initiative, created_by=person)
    notifications.notification_preferences_set(
        user=person, muted_kinds={NotificationKind.VOTING_OPENS}
    )
    Notification.objects.create(
        user=person, kind=NotificationKind.DECISION, subject="Besluit", body=f"Beste {NAME}"
    )
    Notification.objects.create(
        user=neighbour, kind=NotificationKind.DECISION, subject="Besluit", body=OTHER_NAME
    )
    return person


@pytest.fixture
def old_and_new(wijk, person, neighbour, staff, settings):
    """Data just past and just within each retention period."""
    settings.WIJKPLEIN_RETENTION_DAYS = {
        **settings.WIJKPLEIN_RETENTION_DAYS,
        "voter_registry": 90,
        "letter_codes": 90,
        "notifications": 365,
        "unverified_accounts": 30,
        "invitations": 30,
    }
    now = timezone.now()
    old_round = RoundFactory(wijk=wijk, phase="voting")
    new_round = RoundFactory(wijk=wijk, phase="voting")
    for budget_round in (old_round, new_round):
        project = ProjectFactory(round=budget_round)
        budget_services.ballot_cast(
            actor=person, budget_round=budget_round, choices={project.pk: 1}
        )
    # Voting closed 91 and 89 days ago.
    for budget_round, days in ((old_round, 91), (new_round, 89)):
        end = now - datetime.timedelta(days=days)
        RoundFactory._meta.model.objects.filter(pk=budget_round.pk).update(
            proposals_start=end - datetime.timedelta(days=3),
            review_start=end - datetime.timedelta(days=2),
            voting_start=end - datetime.timedelta(days=1),
            voting_end=end,
            realisation_start=end,
        )
    old_note = Notification.objects.create(
        user=person,
        kind="decision",
        subject="Oud",
        body="x",
        created_at=now - datetime.timedelta(days=366),
    )
    new_note = Notification.objects.create(
        user=person,
        kind="decision",
        subject="Nieuw",
        body="x",
        created_at=now - datetime.timedelta(days=364),
    )
    stale = UserFactory(email="nooit.bevestigd@example.org")
    EmailAddress.objects.filter(user=stale).update(verified=False)
    User.objects.filter(pk=stale.pk).update(date_joined=now - datetime.timedelta(days=31))
    fresh = UserFactory(email="net.aangemeld@example.org")
    EmailAddress.objects.filter(user=fresh).update(verified=False)
    User.objects.filter(pk=fresh.pk).update(date_joined=now - datetime.timedelta(days=29))
    confirmed = UserFactory(email="wel.bevestigd@example.org")
    User.objects.filter(pk=confirmed.pk).update(date_joined=now - datetime.timedelta(days=400))
    # Made by a command or by staff (no allauth address row): not a stale sign-up.
    made_by_command = UserFactory(email="door.beheer@example.org")
    EmailAddress.objects.filter(user=made_by_command).delete()
    User.objects.filter(pk=made_by_command.pk).update(
        date_joined=now - datetime.timedelta(days=400)
    )
    return {
        "made_by_command": made_by_command,
        "old_round": old_round,
        "new_round": new_round,
        "old_note": old_note,
        "new_note": new_note,
        "stale": stale,
        "fresh": fresh,
        "confirmed": confirmed,
    }

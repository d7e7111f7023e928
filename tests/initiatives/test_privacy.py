"""Initiatives and a resident's privacy: export, deletion and expired invitations."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.privacy import account_erase, retention_run, user_data_export
from initiatives.models import CoInitiatorInvitation, InitiativeMember
from tests.factories import UserFactory, VerifiedProfileFactory
from tests.factories.initiatives import InitiativeFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(wijk):
    user = UserFactory(email="co.initiatief@example.org")
    VerifiedProfileFactory(user=user, wijk=wijk, display_name="Coby")
    return user


def test_co_initiators_are_exported_and_shown_as_former_resident(client, wijk, person):
    initiative = InitiativeFactory(wijk=wijk, status="published")
    InitiativeMember.objects.create(initiative=initiative, user=person, role="co_initiator")

    assert user_data_export(user=person)["initiatives"]["initiator_of"][0]["role"] == (
        "co_initiator"
    )
    account_erase(actor=person, user=person)

    page = client.get(f"/initiatieven/{initiative.pk}/").content.decode()
    assert "voormalig bewoner" in page and "Coby" not in page


def test_an_invitation_to_a_deleted_account_no_longer_names_or_works(wijk, person):
    invitation = InvitationFactory(initiative=InitiativeFactory(wijk=wijk), email=person.email)

    account_erase(actor=person, user=person)

    invitation.refresh_from_db()
    assert invitation.email.endswith("@verwijderd.invalid")
    assert not invitation.is_pending
    assert not CoInitiatorInvitation.history.filter(email="co.initiatief@example.org").exists()


def test_retention_deletes_long_expired_invitations_only(wijk, settings):
    settings.WIJKPLEIN_RETENTION_DAYS = {**settings.WIJKPLEIN_RETENTION_DAYS, "invitations": 30}
    initiative = InitiativeFactory(wijk=wijk)
    now = timezone.now()
    old = InvitationFactory(
        initiative=initiative, email="oud@example.org", expires_at=now - datetime.timedelta(31)
    )
    recent = InvitationFactory(
        initiative=initiative, email="recent@example.org", expires_at=now - datetime.timedelta(29)
    )
    accepted = InvitationFactory(
        initiative=initiative,
        email="aangenomen@example.org",
        expires_at=now - datetime.timedelta(60),
        accepted_at=now - datetime.timedelta(70),
    )

    lines = retention_run()

    assert not CoInitiatorInvitation.objects.filter(pk=old.pk).exists()
    assert not CoInitiatorInvitation.history.filter(email="oud@example.org").exists()
    assert CoInitiatorInvitation.objects.filter(pk__in=[recent.pk, accepted.pk]).count() == 2
    assert "initiatives: expired co-initiator invitations: 1 deleted" in lines

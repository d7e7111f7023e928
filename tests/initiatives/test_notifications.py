"""Supporters and volunteers hear of a progress update (the "initiative update" kind)."""

from __future__ import annotations

import datetime

import pytest

from core.models import MutedNotification, Notification, NotificationKind
from core.privacy import account_erase
from initiatives import services
from initiatives.models import InitiativeStatus as S
from tests.factories import VerifiedProfileFactory

pytestmark = pytest.mark.django_db


def _post(initiative):
    return services.update_post(
        actor=initiative.created_by,
        initiative=initiative,
        title="Eerste oogst",
        text="Vandaag de eerste tomaten.",
        date=datetime.date.today(),
    )


def test_a_progress_update_reaches_supporters_and_volunteers_once_each(
    make_initiative, wijk, resident, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    initiative = make_initiative(S.IN_PROGRESS)
    volunteer = VerifiedProfileFactory(wijk=wijk).user
    muted = VerifiedProfileFactory(wijk=wijk).user
    services.support_add(actor=resident, initiative=initiative)
    services.volunteer_signup(actor=resident, initiative=initiative, message="Ik help mee")
    services.support_add(actor=muted, initiative=initiative)
    services.volunteer_signup(actor=volunteer, initiative=initiative, message="Ik schoffel")
    MutedNotification.objects.create(user=muted, kind=NotificationKind.INITIATIVE_UPDATE)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _post(initiative)

    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        [resident.email, volunteer.email]
    )
    assert "Eerste oogst" in mailoutbox[0].subject
    assert "Vandaag de eerste tomaten." in mailoutbox[0].body
    about_update = Notification.objects.filter(subject__contains="Eerste oogst")
    assert about_update.filter(kind=NotificationKind.INITIATIVE_UPDATE, user=resident).count() == 1
    assert not about_update.filter(user__in=[outsider, muted, initiative.created_by]).exists()


def test_a_supporter_who_deleted_their_account_gets_no_more_mail(
    make_initiative, wijk, resident, mailoutbox, django_capture_on_commit_callbacks
):
    initiative = make_initiative(S.IN_PROGRESS)
    gone = VerifiedProfileFactory(wijk=wijk).user
    services.support_add(actor=resident, initiative=initiative)
    services.support_add(actor=gone, initiative=initiative)
    account_erase(actor=gone, user=gone)  # the support stays, by a former resident
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _post(initiative)

    gone.refresh_from_db()
    assert [address for mail in mailoutbox for address in mail.to] == [resident.email]
    assert gone.email.endswith("@verwijderd.invalid")

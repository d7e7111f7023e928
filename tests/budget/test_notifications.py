"""Residents hear that voting opens, that it closes tomorrow, and that the result is out."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from budget import services
from core.models import MutedNotification, Notification, NotificationKind
from tests.budget.conftest import make_residents
from tests.factories import ProfileFactory, VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 5, 15, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def upcoming_round(wijk):
    """A round whose voting runs from 1 May 9:00 to 15 May 17:00 (UTC)."""
    budget_round = RoundFactory(
        wijk=wijk,
        name="Wijkbudget Noord",
        proposals_start=START - datetime.timedelta(days=40),
        review_start=START - datetime.timedelta(days=20),
        voting_start=START,
        voting_end=END,
        realisation_start=END + datetime.timedelta(days=30),
    )
    ProjectFactory(round=budget_round, title="Speeltuin", cost=Decimal("4000"))
    return budget_round


def _run(when, capture, times: int = 1):
    with time_machine.travel(when, tick=False), capture(execute=True):
        for _ in range(times):
            call_command("budget_notify", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _to(mailoutbox) -> list[str]:
    return sorted(address for mail in mailoutbox for address in mail.to)


def test_voting_opens_reaches_the_wijk_once_however_often_the_command_runs(
    upcoming_round, resident, other_resident, mailoutbox, django_capture_on_commit_callbacks
):
    _run(START - datetime.timedelta(minutes=5), django_capture_on_commit_callbacks)
    assert mailoutbox == []

    _run(START + datetime.timedelta(minutes=10), django_capture_on_commit_callbacks, times=2)
    _run(START + datetime.timedelta(minutes=20), django_capture_on_commit_callbacks)

    assert _to(mailoutbox) == [resident.email]  # not the resident of the other wijk
    mail = mailoutbox[0]
    assert mail.subject == "Het stemmen is begonnen in Brunssum-Noord"
    assert "Wijkbudget Noord" in mail.body
    assert "U kunt online stemmen" in mail.body
    assert f"/wijkbudget/{upcoming_round.pk}/" in mail.alternatives[0][0]
    assert "/afmelden/" in mail.extra_headers["List-Unsubscribe"]
    upcoming_round.refresh_from_db()
    assert upcoming_round.voting_opens_notified_at == START + datetime.timedelta(minutes=10)
    latest = upcoming_round.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Bewoners verteld dat het stemmen begint (1 berichten)"


def test_unverified_residents_are_told_how_to_become_eligible(
    upcoming_round, wijk, mailoutbox, django_capture_on_commit_callbacks
):
    unverified = ProfileFactory(wijk=wijk).user

    _run(START + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)

    assert _to(mailoutbox) == [unverified.email]
    assert "U kunt online stemmen" not in mailoutbox[0].body
    assert "/mijn-gegevens/briefcode/" in mailoutbox[0].body


def test_residents_under_the_minimum_age_are_not_called_to_vote(
    upcoming_round, wijk, mailoutbox, django_capture_on_commit_callbacks
):
    upcoming_round.min_age = 16
    upcoming_round.save()
    young = VerifiedProfileFactory(wijk=wijk, birth_year=2015).user
    adult = VerifiedProfileFactory(wijk=wijk, birth_year=1980).user

    _run(START + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)

    assert _to(mailoutbox) == [adult.email]
    assert young.email not in _to(mailoutbox)


def test_those_who_switched_voting_opens_off_get_nothing(
    upcoming_round, resident, mailoutbox, django_capture_on_commit_callbacks
):
    MutedNotification.objects.create(user=resident, kind=NotificationKind.VOTING_OPENS)

    _run(START + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert not Notification.objects.filter(user=resident).exists()


def test_voting_opens_is_not_sent_for_a_round_whose_voting_already_ended(
    upcoming_round, resident, mailoutbox, django_capture_on_commit_callbacks
):
    _run(END + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)

    assert mailoutbox == []
    upcoming_round.refresh_from_db()
    assert upcoming_round.voting_opens_notified_at is None


def test_a_late_run_still_tells_the_wijk_while_voting_is_open(
    upcoming_round, resident, mailoutbox, django_capture_on_commit_callbacks
):
    _run(START + datetime.timedelta(days=3), django_capture_on_commit_callbacks)

    assert [m.subject for m in mailoutbox] == ["Het stemmen is begonnen in Brunssum-Noord"]


def test_voting_closes_tomorrow_goes_once_to_those_who_have_not_voted(
    upcoming_round, resident, wijk, other_resident, mailoutbox, django_capture_on_commit_callbacks
):
    voter, muted = make_residents(wijk, 2)
    MutedNotification.objects.create(user=muted, kind=NotificationKind.VOTING_CLOSES)
    project = upcoming_round.projects.get()
    with time_machine.travel(START + datetime.timedelta(days=1), tick=False):
        services.ballot_cast(actor=voter, budget_round=upcoming_round, choices={project.pk: 1})
    _run(START + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    mailoutbox.clear()

    # A day and a half before the end: too early for the reminder.
    _run(END - datetime.timedelta(hours=36), django_capture_on_commit_callbacks)
    assert mailoutbox == []

    _run(END - datetime.timedelta(hours=20), django_capture_on_commit_callbacks, times=2)
    _run(END - datetime.timedelta(hours=2), django_capture_on_commit_callbacks)

    assert _to(mailoutbox) == [resident.email]
    assert mailoutbox[0].subject == "Het stemmen in Brunssum-Noord sluit morgen"
    assert "U hebt nog niet gestemd" in mailoutbox[0].body


def test_no_reminder_after_voting_closed(
    upcoming_round, resident, mailoutbox, django_capture_on_commit_callbacks
):
    _run(END + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks)

    assert mailoutbox == []


def test_moving_voting_to_later_announces_it_again(
    upcoming_round, resident, staff, mailoutbox, django_capture_on_commit_callbacks
):
    _run(START + datetime.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1

    with time_machine.travel(START + datetime.timedelta(hours=2), tick=False):
        services.round_update(
            actor=staff,
            budget_round=upcoming_round,
            voting_start=START + datetime.timedelta(days=2),
        )
    _run(START + datetime.timedelta(days=2, hours=1), django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2


def test_publishing_the_result_tells_the_wijk_after_commit(
    upcoming_round,
    resident,
    staff,
    colleague,
    wijk,
    other_resident,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    muted = make_residents(wijk, 1)[0]
    MutedNotification.objects.create(user=muted, kind=NotificationKind.RESULTS_PUBLISHED)
    unverified = ProfileFactory(wijk=wijk).user
    with time_machine.travel(END + datetime.timedelta(hours=1), tick=False):
        services.round_count(actor=staff, budget_round=upcoming_round)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.result_publication_request(actor=staff, budget_round=upcoming_round)
        # Asking is not publishing: nobody hears of it before a colleague confirms.
        assert mailoutbox == []
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.result_publication_confirm(actor=colleague, budget_round=upcoming_round)
            assert mailoutbox == []

    assert callbacks
    assert _to(mailoutbox) == sorted([resident.email, unverified.email])
    assert mailoutbox[0].subject == "De uitslag van Wijkbudget Noord is bekend"
    assert f"/wijkbudget/{upcoming_round.pk}/uitslag/" in mailoutbox[0].body
    assert Notification.objects.filter(kind=NotificationKind.RESULTS_PUBLISHED).count() == 2


def test_a_rehearsal_round_tells_nobody(
    wijk, resident, mailoutbox, django_capture_on_commit_callbacks
):
    RoundFactory(wijk=wijk, phase="voting", is_rehearsal=True)

    _run(timezone.now(), django_capture_on_commit_callbacks)

    assert mailoutbox == []

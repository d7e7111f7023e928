"""Withdrawing an initiative the wijkpanel is reviewing cancels that review, in one transaction."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from core.selectors import history_timeline
from initiatives.models import InitiativeStatus as S
from initiatives.services import initiative_transition
from review.models import ReviewStatus
from review.selectors import panel_dashboard, review_for
from review.services import review_proceed_without_advice

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(
    make_initiative, staff, panel_member, panel_chair, django_capture_on_commit_callbacks
):
    """An initiative the panel (one member and the chair) is reviewing."""
    initiative = make_initiative(S.SUBMITTED, title="Bankjes op het plein")
    with django_capture_on_commit_callbacks(execute=True):
        return initiative_transition(actor=staff, initiative=initiative, action="start_review")


def test_withdrawing_cancels_the_review_with_the_initiator_and_reason_in_its_trail(
    in_review, panel_member, panel_chair, mailoutbox, django_capture_on_commit_callbacks
):
    review = review_for(subject=in_review)
    assert review.status == ReviewStatus.OPEN
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        initiative_transition(
            actor=in_review.created_by, initiative=in_review, action="withdraw", reason="Verhuisd"
        )

    review.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED
    entry = history_timeline(obj=review)[0]
    assert entry.actor == str(in_review.created_by)
    assert entry.reason == "Beoordeling vervallen: Het initiatief is ingetrokken: Verhuisd"
    # Out of the panel's queue, and they were told.
    assert panel_dashboard(user=panel_member).open == []
    panel_mails = [m for m in mailoutbox if m.to[0] in (panel_member.email, panel_chair.email)]
    assert len(panel_mails) == 2
    assert all("Bankjes op het plein" in m.subject for m in panel_mails)


def test_without_a_reason_the_default_one_is_recorded(
    in_review, django_capture_on_commit_callbacks
):
    initiative_transition(actor=in_review.created_by, initiative=in_review, action="withdraw")

    review = review_for(subject=in_review)
    assert review.status == ReviewStatus.CANCELLED
    assert review.cancelled_reason == (
        "Het initiatief is ingetrokken: Ingetrokken door de initiatiefnemers"
    )


def test_a_concluded_review_stays_as_it_was(in_review, staff, time_machine):
    review = review_for(subject=in_review)
    time_machine.move_to(review.due_date + datetime.timedelta(days=1))
    review_proceed_without_advice(actor=staff, review=review, reason="Geen quorum")
    published = initiative_transition(actor=staff, initiative=in_review, action="publish")

    initiative_transition(actor=published.created_by, initiative=published, action="withdraw")

    review.refresh_from_db()
    assert review.status == ReviewStatus.WITHOUT_ADVICE and review.decided_at is not None


def test_the_chair_cannot_advise_on_a_withdrawn_initiative(
    in_review, panel_chair, client, django_capture_on_commit_callbacks
):
    initiative_transition(actor=in_review.created_by, initiative=in_review, action="withdraw")
    review = review_for(subject=in_review)
    client.force_login(panel_chair)

    response = client.post(
        reverse("review:advice", kwargs={"pk": review.pk}),
        {"advice": "positive", "text": "Doen."},
        follow=True,
    )

    assert "beoordeling door het panel is vervallen" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED and review.advice == ""

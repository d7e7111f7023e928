"""A cancelled review (its submission was withdrawn): out of the queue, no reminders, no advice."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from core.selectors import history_timeline
from initiatives.models import Initiative
from review import registry, selectors, services
from review.models import Advice, MemberReview, ReviewStatus

pytestmark = pytest.mark.django_db

REASON = "Het initiatief is ingetrokken: Verhuisd"


@pytest.fixture(autouse=True)
def initiators_may_cancel(initiative_kind):
    """Like the initiatives app: the initiative's creator may cancel (by withdrawing it)."""
    registry.register(
        Initiative,
        registry.SubjectKind(
            on_concluded=lambda **kwargs: initiative_kind.calls.append(kwargs),
            may_cancel=lambda user, subject: user.pk == subject.created_by_id,
        ),
    )


def _cancel(review, people, capture):
    with capture(execute=True):
        return services.review_cancel_open(
            actor=people.initiator, subject=review.subject, reason=REASON
        )


def test_the_initiator_cancels_and_the_trail_records_them_and_the_reason(
    review, people, initiative_kind, django_capture_on_commit_callbacks
):
    cancelled = _cancel(review, people, django_capture_on_commit_callbacks)

    assert cancelled.pk == review.pk
    assert cancelled.status == ReviewStatus.CANCELLED and cancelled.concluded_at is not None
    assert cancelled.cancelled_reason == REASON
    entry = history_timeline(obj=cancelled)[0]
    assert entry.actor == str(people.initiator)
    assert entry.reason == f"Beoordeling vervallen: {REASON}"
    # Not a conclusion with advice: the subject's app started it and needs no call back.
    assert initiative_kind.calls == []
    # Nothing left to cancel.
    assert (
        services.review_cancel_open(actor=people.initiator, subject=review.subject, reason=REASON)
        is None
    )


@pytest.mark.parametrize("who", ["member", "chair", "resident", "other"])
def test_only_staff_and_whom_the_subject_allows_may_cancel(review, people, who):
    with pytest.raises(PermissionDenied):
        services.review_cancel(actor=getattr(people, who), review=review, reason=REASON)
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN


def test_staff_may_cancel_but_not_a_concluded_review_or_without_reason(review, people):
    with pytest.raises(ValidationError):
        services.review_cancel(actor=people.staff, review=review, reason="  ")
    services.review_cancel(actor=people.staff, review=review, reason="Dubbel ingediend")
    with pytest.raises(ValidationError) as error:
        services.review_cancel(actor=people.staff, review=review, reason="Nogmaals")
    assert error.value.code == "review_concluded"


def test_the_panel_is_told_and_the_review_leaves_their_queue(
    review, people, mailoutbox, django_capture_on_commit_callbacks
):
    assert [row.review for row in selectors.panel_dashboard(user=people.member).open] == [review]
    mailoutbox.clear()

    _cancel(review, people, django_capture_on_commit_callbacks)

    # The active members of the wijk's panel, not the former member or another wijk's.
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [people.member.email, people.chair.email, people.recused.email]
    )
    assert "Moestuin Noord" in mailoutbox[0].subject
    assert "ingetrokken" in mailoutbox[0].body
    dashboard = selectors.panel_dashboard(user=people.member)
    assert dashboard.open == []
    assert [row.review for row in dashboard.history] == [review]


def test_reminders_skip_a_cancelled_review(
    review, people, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    _cancel(review, people, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    time_machine.move_to(review.due_date - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("review_reminders")

    assert mailoutbox == []
    assert not review.reminders.exists()


def _scores(review):
    return {f"score_{index}": 4 for index in range(len(review.criteria))}


def test_advice_and_reviews_are_refused_with_a_dutch_message(
    review, people, login, django_capture_on_commit_callbacks
):
    services.member_review_declare(actor=people.member, review=review, has_conflict=False)
    _cancel(review, people, django_capture_on_commit_callbacks)

    chair = login(people.chair)
    response = chair.post(
        reverse("review:advice", kwargs={"pk": review.pk}),
        {"advice": Advice.POSITIVE, "text": "Doen."},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("review:detail", kwargs={"pk": review.pk})
    assert "De aanvraag is ingetrokken en de beoordeling door het panel is vervallen" in page
    assert "Beoordeling vervallen" in page  # the heading on the review's page
    review.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED and review.advice == ""

    member = login(people.member)
    response = member.post(
        reverse("review:member_review", kwargs={"pk": review.pk}),
        {**_scores(review), "advice": Advice.POSITIVE, "reasoning": "Goed."},
        follow=True,
    )
    assert "beoordeling door het panel is vervallen" in response.content.decode()
    assert not MemberReview.objects.get(member=people.member).is_submitted
    response = member.post(
        reverse("review:declare", kwargs={"pk": review.pk}), {"has_conflict": "no"}, follow=True
    )
    assert "beoordeling door het panel is vervallen" in response.content.decode()

    # The services refuse it too, whatever the page.
    with pytest.raises(ValidationError) as error:
        services.review_write_advice(
            actor=people.chair, review=review, advice=Advice.POSITIVE, text="Doen."
        )
    assert error.value.code == "review_concluded"


def test_staff_see_the_reason_and_can_filter_cancelled_reviews(
    review, people, login, django_capture_on_commit_callbacks
):
    _cancel(review, people, django_capture_on_commit_callbacks)
    client = login(people.staff)

    page = client.get(reverse("review:detail", kwargs={"pk": review.pk})).content.decode()
    assert f"Reden: {REASON}" in page
    listing = client.get(reverse("review:staff_overview"), {"status": "cancelled"})
    assert "Moestuin Noord" in listing.content.decode()

    member_page = login(people.member).get(reverse("review:detail", kwargs={"pk": review.pk}))
    assert REASON not in member_page.content.decode()

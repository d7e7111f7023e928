"""Reminders a few days before the due date: to those who have not reviewed, each only once."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from review import services
from review.models import Advice, ReviewReminder

pytestmark = pytest.mark.django_db


def _run(capture, **options):
    with capture(execute=True):
        call_command("review_reminders", **options)


def test_reminders_go_once_to_members_who_have_not_reviewed(
    review, people, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    services.member_review_declare(actor=people.chair, review=review, has_conflict=False)
    services.member_review_submit(
        actor=people.chair,
        review=review,
        scores=dict.fromkeys(review.criteria, 3),
        advice=Advice.NEGATIVE,
        reasoning="Te duur.",
    )
    mailoutbox.clear()

    time_machine.move_to(review.due_date - datetime.timedelta(days=5))
    _run(django_capture_on_commit_callbacks)
    assert mailoutbox == []  # not yet: three days before by default

    time_machine.move_to(review.due_date - datetime.timedelta(days=3))
    _run(django_capture_on_commit_callbacks)
    # Not the chair (reviewed), the recused member, the former member or another wijk's.
    assert [mail.to for mail in mailoutbox] == [[people.member.email]]
    assert mailoutbox[0].subject.startswith("Herinnering: beoordeel")
    assert "Moestuin Noord" in mailoutbox[0].subject

    time_machine.move_to(review.due_date - datetime.timedelta(days=1))
    _run(django_capture_on_commit_callbacks)
    _run(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert ReviewReminder.objects.filter(review=review).count() == 1


def test_the_days_before_can_be_set_and_concluded_or_overdue_reviews_get_none(
    review, people, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    time_machine.move_to(review.due_date - datetime.timedelta(days=6))
    _run(django_capture_on_commit_callbacks, days=7)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people.member.email, people.chair.email])

    mailoutbox.clear()
    ReviewReminder.objects.all().delete()
    time_machine.move_to(review.due_date + datetime.timedelta(days=1))
    _run(django_capture_on_commit_callbacks, days=7)
    assert mailoutbox == []
    services.review_proceed_without_advice(actor=people.staff, review=review, reason="Te laat.")
    time_machine.move_to(review.due_date)
    _run(django_capture_on_commit_callbacks, days=7)
    assert mailoutbox == []

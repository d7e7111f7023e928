"""Under concurrency: reminders go once, and no review changes after the advice is written."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from review import services
from review.models import Advice, MemberReview, ReviewReminder, ReviewStatus
from tests.factories import PanelMembershipFactory, WijkFactory
from tests.factories.review import MemberReviewFactory, ReviewFactory, ReviewInitiativeFactory

THREADS = 10


def _parallel(target, count=THREADS):
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index):
        try:
            barrier.wait()
            target(index)
        except BaseException as error:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_reminder_runs_remind_each_member_once(initiative_kind):
    wijk = WijkFactory(slug="parallel-reminders")
    members = [PanelMembershipFactory(wijk=wijk).member for _ in range(3)]
    review = ReviewFactory(
        subject=ReviewInitiativeFactory(wijk=wijk),
        due_date=timezone.localdate() + datetime.timedelta(days=2),
    )
    mail.outbox = []

    errors = _parallel(lambda _i: services.review_reminders_send(days=3))

    assert errors == []
    assert ReviewReminder.objects.filter(review=review).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_revision_lands_after_the_advice(initiative_kind):
    wijk = WijkFactory(slug="parallel-advice")
    chair = PanelMembershipFactory(wijk=wijk, is_chair=True).member
    members = [PanelMembershipFactory(wijk=wijk).member for _ in range(4)]
    review = ReviewFactory(subject=ReviewInitiativeFactory(wijk=wijk))
    for user in [chair, *members]:
        MemberReviewFactory(review=review, member=user)

    def act(index):
        if index == 0:
            services.review_write_advice(
                actor=chair, review=review, advice=Advice.POSITIVE, text="Doen."
            )
            return
        user = members[(index - 1) % len(members)]
        try:
            services.member_review_submit(
                actor=user,
                review=review,
                scores=dict.fromkeys(review.criteria, 1),
                advice=Advice.NEGATIVE,
                reasoning=f"Herzien {index}",
            )
        except Exception as error:  # noqa: BLE001 - refused after the advice: expected
            if getattr(error, "code", None) != "review_concluded":
                raise

    errors = _parallel(act, count=9)

    assert errors == []
    review.refresh_from_db()
    assert review.status == ReviewStatus.ADVISED
    latest = MemberReview.history.filter(review_id=review.pk).latest("history_date")
    assert latest.history_date <= review.concluded_at

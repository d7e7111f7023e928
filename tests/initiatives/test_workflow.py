"""Every step of an initiative's life, and a refused one in every status."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives.models import Initiative
from initiatives.models import InitiativeStatus as S
from initiatives.services import initiative_transition
from initiatives.workflow import TRANSITIONS
from plumbing.workflow import TransitionNotAllowed
from review import registry
from review.models import Advice, Review, ReviewStatus
from review.selectors import review_for
from review.services import review_proceed_without_advice
from tests.factories import WijkCoordinatorFactory, make_base_staff, make_functional_admin
from tests.factories.initiatives import SupportFactory

pytestmark = pytest.mark.django_db


def give_advice(review: Review, advice: str, *, chair) -> None:
    """What the review app does when the chair writes the advice: conclude, then call back."""
    review.status = ReviewStatus.ADVISED
    review.advice = advice
    review.advice_text = "Het panel vindt dit een goed plan voor de buurt."
    review.advice_by = chair
    review.save()
    registry.kind_for(Initiative).on_concluded(subject=review.subject, review=review, actor=chair)


def test_the_initiator_submits_a_concept_and_staff_are_told(
    make_initiative, staff, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.CONCEPT)

    with django_capture_on_commit_callbacks(execute=True):
        result = initiative_transition(
            actor=initiative.created_by, initiative=initiative, action="submit"
        )

    assert result.status == S.SUBMITTED
    record = result.history.first()
    assert record.history_user == initiative.created_by
    assert record.history_change_reason == "Ingediend door de initiatiefnemers"
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert initiative.created_by.email in recipients
    assert staff.email in recipients


def test_staff_of_the_coordinating_wijk_are_told_rather_than_all_staff(
    make_initiative, wijk, django_capture_on_commit_callbacks, mailoutbox
):
    coordinator = WijkCoordinatorFactory(wijk=wijk).user
    # Council staff who do not coordinate this wijk (the `staff` fixture coordinates all).
    staff = make_base_staff(email="elders@example.org")
    initiative = make_initiative(S.CONCEPT)

    with django_capture_on_commit_callbacks(execute=True):
        initiative_transition(actor=initiative.created_by, initiative=initiative, action="submit")

    recipients = {address for mail in mailoutbox for address in mail.to}
    assert coordinator.email in recipients
    assert staff.email not in recipients


def test_a_wijk_without_coordinator_tells_the_functional_administrators_not_all_staff(
    make_initiative, wijk, django_capture_on_commit_callbacks, mailoutbox
):
    # Nobody coordinates this wijk: those who can name a coordinator hear of it.
    initiative = make_initiative(S.CONCEPT)
    WijkCoordinatorFactory._meta.model.objects.filter(wijk=wijk).delete()
    admin = make_functional_admin(email="beheer@example.org")
    staff = make_base_staff(email="elders@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        initiative_transition(actor=initiative.created_by, initiative=initiative, action="submit")

    recipients = {address for mail in mailoutbox for address in mail.to}
    assert admin.email in recipients
    assert staff.email not in recipients


def test_staff_send_it_to_the_wijkpanel_which_opens_a_review_and_mails_the_panel(
    make_initiative, staff, panel_chair, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        result = initiative_transition(actor=staff, initiative=initiative, action="start_review")

    assert result.status == S.IN_REVIEW
    review = review_for(subject=result)
    assert review is not None and review.status == ReviewStatus.OPEN
    assert review.wijk == initiative.wijk
    assert any(panel_chair.email in mail.to for mail in mailoutbox)


@pytest.mark.parametrize("source", [S.SUBMITTED, S.IN_REVIEW])
def test_staff_publish_with_a_public_reason(make_initiative, staff, panel_chair, source):
    initiative = make_initiative(S.SUBMITTED)
    if source == S.IN_REVIEW:
        initiative = initiative_transition(
            actor=staff, initiative=initiative, action="start_review"
        )
        give_advice(review_for(subject=initiative), Advice.POSITIVE, chair=panel_chair)

    result = initiative_transition(
        actor=staff, initiative=initiative, action="publish", reason="Past in het wijkplan."
    )

    assert result.status == S.PUBLISHED
    assert result.decision_reason == "Past in het wijkplan."
    assert result.decided_at is not None


@pytest.mark.parametrize("source", [S.SUBMITTED, S.IN_REVIEW])
def test_staff_reject_only_with_a_reason_and_the_initiators_hear_it(
    make_initiative, staff, panel_chair, source, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.SUBMITTED)
    if source == S.IN_REVIEW:
        initiative = initiative_transition(
            actor=staff, initiative=initiative, action="start_review"
        )
        give_advice(review_for(subject=initiative), Advice.NEGATIVE, chair=panel_chair)

    with pytest.raises(ValidationError):
        initiative_transition(actor=staff, initiative=initiative, action="reject", reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        result = initiative_transition(
            actor=staff, initiative=initiative, action="reject", reason="Grond is niet beschikbaar."
        )

    assert result.status == S.REJECTED
    mail = next(m for m in mailoutbox if initiative.created_by.email in m.to)
    assert "Grond is niet beschikbaar." in mail.body
    assert "Afgewezen" in mail.subject


def test_the_initiator_starts_and_completes_and_supporters_are_told(
    make_initiative, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.PUBLISHED)
    supporter = SupportFactory(initiative=initiative).user

    started = initiative_transition(
        actor=initiative.created_by, initiative=initiative, action="start"
    )
    with django_capture_on_commit_callbacks(execute=True):
        completed = initiative_transition(
            actor=initiative.created_by, initiative=started, action="complete"
        )

    assert started.status == S.IN_PROGRESS
    assert completed.status == S.COMPLETED
    assert any(supporter.email in mail.to for mail in mailoutbox)


@pytest.mark.parametrize(
    "source", [S.CONCEPT, S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.IN_PROGRESS]
)
def test_the_initiator_may_withdraw_before_completion(make_initiative, source):
    initiative = make_initiative(source)

    result = initiative_transition(
        actor=initiative.created_by, initiative=initiative, action="withdraw", reason="Verhuisd"
    )

    assert result.status == S.WITHDRAWN
    assert result.history.first().history_change_reason == "Verhuisd"


def test_every_transition_in_the_table_is_tested_above():
    tested = {
        (S.CONCEPT, "submit"),
        (S.SUBMITTED, "start_review"),
        (S.SUBMITTED, "publish"),
        (S.SUBMITTED, "reject"),
        (S.IN_REVIEW, "publish"),
        (S.IN_REVIEW, "reject"),
        (S.PUBLISHED, "start"),
        (S.IN_PROGRESS, "complete"),
    } | {
        (source, "withdraw")
        for source in (S.CONCEPT, S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.IN_PROGRESS)
    }
    assert set(TRANSITIONS) == tested


# --- Refused steps, one (or more) per status ---------------------------------------


def test_concept_staff_cannot_publish_an_unsubmitted_concept(make_initiative, staff):
    initiative = make_initiative(S.CONCEPT)
    with pytest.raises(TransitionNotAllowed):
        initiative_transition(actor=staff, initiative=initiative, action="publish")
    initiative.refresh_from_db()
    assert initiative.status == S.CONCEPT


def test_concept_another_resident_cannot_submit_it(make_initiative, resident):
    initiative = make_initiative(S.CONCEPT)
    with pytest.raises(PermissionDenied):
        initiative_transition(actor=resident, initiative=initiative, action="submit")


def test_submitted_the_initiator_cannot_publish_it(make_initiative):
    initiative = make_initiative(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        initiative_transition(actor=initiative.created_by, initiative=initiative, action="publish")
    initiative.refresh_from_db()
    assert initiative.status == S.SUBMITTED


def test_in_review_staff_cannot_decide_before_the_advice(make_initiative, staff):
    initiative = make_initiative(S.SUBMITTED)
    initiative = initiative_transition(actor=staff, initiative=initiative, action="start_review")

    with pytest.raises(ValidationError) as error:
        initiative_transition(actor=staff, initiative=initiative, action="publish")

    assert "nog geen advies" in " ".join(error.value.messages)
    initiative.refresh_from_db()
    assert initiative.status == S.IN_REVIEW


def test_in_review_publishing_against_a_negative_advice_needs_a_reason(
    make_initiative, staff, panel_chair
):
    initiative = make_initiative(S.SUBMITTED)
    initiative = initiative_transition(actor=staff, initiative=initiative, action="start_review")
    give_advice(review_for(subject=initiative), Advice.NEGATIVE, chair=panel_chair)

    with pytest.raises(ValidationError) as error:
        initiative_transition(actor=staff, initiative=initiative, action="publish")
    assert "reason" in error.value.error_dict

    result = initiative_transition(
        actor=staff, initiative=initiative, action="publish", reason="Toch een goed plan."
    )
    assert result.status == S.PUBLISHED


def test_in_review_staff_may_decide_after_proceeding_without_advice(
    make_initiative, staff, time_machine
):
    initiative = make_initiative(S.SUBMITTED)
    initiative = initiative_transition(actor=staff, initiative=initiative, action="start_review")
    review = review_for(subject=initiative)
    time_machine.move_to(review.due_date + datetime.timedelta(days=1))
    review_proceed_without_advice(actor=staff, review=review, reason="Geen quorum")

    result = initiative_transition(actor=staff, initiative=initiative, action="publish")

    assert result.status == S.PUBLISHED


def test_published_cannot_be_completed_before_it_started(make_initiative):
    initiative = make_initiative(S.PUBLISHED)
    with pytest.raises(TransitionNotAllowed):
        initiative_transition(actor=initiative.created_by, initiative=initiative, action="complete")


def test_in_progress_a_resident_who_is_not_initiator_cannot_complete_it(make_initiative, resident):
    initiative = make_initiative(S.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        initiative_transition(actor=resident, initiative=initiative, action="complete")


@pytest.mark.parametrize("final", [S.REJECTED, S.COMPLETED, S.WITHDRAWN])
def test_final_statuses_cannot_be_withdrawn_or_submitted(make_initiative, final):
    initiative = make_initiative(final)
    for action in ("withdraw", "submit"):
        with pytest.raises(TransitionNotAllowed):
            initiative_transition(actor=initiative.created_by, initiative=initiative, action=action)
    initiative.refresh_from_db()
    assert initiative.status == final


def test_the_advice_coming_in_is_recorded_and_staff_are_told(
    make_initiative, staff, panel_chair, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.SUBMITTED)
    initiative = initiative_transition(actor=staff, initiative=initiative, action="start_review")

    with django_capture_on_commit_callbacks(execute=True):
        give_advice(review_for(subject=initiative), Advice.CONDITIONAL, chair=panel_chair)

    initiative.refresh_from_db()
    assert initiative.status == S.IN_REVIEW  # no automatic publication
    assert "advies" in initiative.history.first().history_change_reason
    assert any(staff.email in mail.to and "Advies" in mail.subject for mail in mailoutbox)


def test_a_rejection_against_a_positive_advice_is_recorded_on_the_review(
    make_initiative, staff, panel_chair
):
    initiative = make_initiative(S.SUBMITTED)
    initiative = initiative_transition(actor=staff, initiative=initiative, action="start_review")
    give_advice(review_for(subject=initiative), Advice.POSITIVE, chair=panel_chair)

    initiative_transition(
        actor=staff, initiative=initiative, action="reject", reason="Geen budget dit jaar."
    )

    review = review_for(subject=initiative)
    assert review.decided_at is not None
    assert review.decision_approved is False
    assert review.deviation_reason == "Geen budget dit jaar."

"""Every step of the application workflow, and a refused step from every status."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plumbing.workflow import TransitionNotAllowed
from review.models import ReviewStatus
from review.selectors import review_for
from review.services import review_proceed_without_advice
from subsidies import services
from subsidies.models import Status
from subsidies.workflow import TRANSITIONS
from tests.factories.subsidies import ApplicationFactory, SchemeFactory
from tests.subsidies.conftest import bring_to, conclude_review

pytestmark = pytest.mark.django_db


def test_the_whole_way_from_draft_to_settlement(draft, applicant, staff, panel_chair):
    application = services.application_submit(actor=applicant, application=draft)
    assert application.status == Status.SUBMITTED
    assert application.reference == f"SUB-{draft.scheme.year}-{draft.pk:05d}"
    assert application.decision_due == timezone.localdate() + datetime.timedelta(weeks=8)

    application = services.application_start_review(actor=staff, application=application)
    assert application.status == Status.IN_REVIEW
    review = review_for(subject=application)
    assert review.status == ReviewStatus.OPEN
    assert review.wijk == draft.initiative.wijk

    application = conclude_review(application, actor=panel_chair)
    assert application.status == Status.ADVISED
    assert application.history.first().history_user == panel_chair

    application = services.application_decide(
        actor=staff, application=application, action="grant", amount=None, grounds="Goed plan."
    )
    assert application.status == Status.GRANTED
    assert application.granted_amount == Decimal("500.00")
    assert review_for(subject=application).decided_at is not None

    application = services.application_pay_advance(actor=staff, application=application)
    assert application.status == Status.ADVANCE_PAID
    assert application.advance_amount == Decimal("400.00")  # 80 %

    application = bring_to(application, Status.REPORT_SUBMITTED, staff=staff, applicant=applicant)
    assert application.status == Status.REPORT_SUBMITTED

    application = services.application_settle(
        actor=staff, application=application, final_amount=Decimal("450.00")
    )
    assert application.status == Status.SETTLED
    assert application.to_pay == Decimal("50.00")
    assert application.to_reclaim == Decimal("0")


def test_settling_below_the_advance_reclaims_the_difference(draft, applicant, staff):
    application = bring_to(draft, Status.REPORT_SUBMITTED, staff=staff, applicant=applicant)

    application = services.application_settle(
        actor=staff, application=application, final_amount=Decimal("300.00"), note="Minder kosten"
    )

    assert application.status == Status.RECLAIMED
    assert application.to_reclaim == Decimal("100.00")  # advance 400, final 300


def test_staff_reclaim_the_advance_when_no_report_comes(draft, applicant, staff):
    application = bring_to(draft, Status.ADVANCE_PAID, staff=staff, applicant=applicant)

    application = services.application_reclaim(
        actor=staff, application=application, reason="Geen verantwoording ontvangen"
    )

    assert application.status == Status.RECLAIMED
    assert application.final_amount == Decimal("0")
    assert application.to_reclaim == Decimal("400.00")


def test_staff_ask_for_more_information_and_everything_typed_is_kept(
    draft, applicant, staff, time_machine
):
    application = services.application_submit(actor=applicant, application=draft)
    due = application.decision_due

    application = services.application_request_info(
        actor=staff, application=application, reason="Stuur een offerte van het springkussen."
    )

    assert application.status == Status.CONCEPT
    assert application.purpose == draft.purpose
    assert application.iban == draft.iban
    assert application.cost_lines.count() == 2
    assert application.info_request == "Stuur een offerte van het springkussen."
    # Submitted again later: the term is extended by the days it stood still (Awb 4:15).
    time_machine.move_to(timezone.now() + datetime.timedelta(days=5), tick=False)
    application = services.application_submit(actor=applicant, application=application)
    assert application.status == Status.SUBMITTED
    assert application.decision_due == due + datetime.timedelta(days=5)


def test_staff_can_send_an_advised_application_back_for_information(
    draft, applicant, staff, panel_chair
):
    application = bring_to(draft, Status.ADVISED, staff=staff, applicant=applicant)

    application = services.application_request_info(
        actor=staff, application=application, reason="Welke datum precies?"
    )

    assert application.status == Status.CONCEPT


def test_staff_ask_more_about_the_report_and_it_is_kept(draft, applicant, staff):
    application = bring_to(draft, Status.REPORT_SUBMITTED, staff=staff, applicant=applicant)

    application = services.application_request_report_info(
        actor=staff, application=application, reason="Stuur de bon van de boodschappen."
    )

    assert application.status == Status.ADVANCE_PAID
    assert application.report_story == "Het was een mooi feest."
    assert application.cost_lines.filter(kind="actual").count() == 1


def test_without_required_advice_staff_decide_straight_from_review(wijk, applicant, staff):
    scheme = SchemeFactory(wijk=wijk, advice_required=False)
    draft = ApplicationFactory(scheme=scheme, initiative=applicant.initiative)
    application = services.application_submit(actor=applicant, application=draft)
    application = services.application_start_review(actor=staff, application=application)
    assert review_for(subject=application) is None

    application = services.application_decide(
        actor=staff, application=application, action="reject", amount=None, grounds="Te laat."
    )

    assert application.status == Status.REJECTED
    assert application.granted_amount == Decimal("0")


def test_with_required_advice_staff_cannot_decide_before_the_panel(draft, applicant, staff):
    application = bring_to(draft, Status.IN_REVIEW, staff=staff, applicant=applicant)

    with pytest.raises(ValidationError, match="wijkpanel"):
        services.application_decide(
            actor=staff, application=application, action="grant", amount=None, grounds="Goed."
        )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_staff_proceed_without_advice_after_the_due_date(draft, applicant, staff):
    application = bring_to(draft, Status.IN_REVIEW, staff=staff, applicant=applicant)
    review = review_for(subject=application)
    review.due_date = timezone.localdate() - datetime.timedelta(days=1)
    review.save()

    review_proceed_without_advice(actor=staff, review=review, reason="Geen quorum")

    application.refresh_from_db()
    assert application.status == Status.ADVISED
    assert "without" in application.history.first().history_change_reason.lower() or (
        "zonder" in application.history.first().history_change_reason.lower()
    )


# A step that does not exist from each status is refused and changes nothing.
REFUSED = {
    Status.CONCEPT: "grant",
    Status.SUBMITTED: "advise",
    Status.IN_REVIEW: "submit",
    Status.ADVISED: "pay_advance",
    Status.GRANTED: "settle",
    Status.PARTLY_GRANTED: "submit_report",
    Status.REJECTED: "pay_advance",
    Status.ADVANCE_PAID: "settle",
    Status.REPORT_SUBMITTED: "reject",
    Status.SETTLED: "reclaim",
    Status.RECLAIMED: "settle",
}


@pytest.mark.parametrize("status", list(Status))
def test_a_step_that_does_not_exist_from_this_status_is_refused(draft, staff, status):
    assert (status, REFUSED[status]) not in TRANSITIONS
    draft.status = status
    draft.save()

    with pytest.raises(TransitionNotAllowed):
        services.application_transition(
            actor=staff, application=draft, action=REFUSED[status], reason="x"
        )
    draft.refresh_from_db()
    assert draft.status == status


def test_an_applicant_cannot_take_staff_steps(draft, applicant, staff):
    application = services.application_submit(actor=applicant, application=draft)

    with pytest.raises(PermissionDenied):
        services.application_start_review(actor=applicant, application=application)
    with pytest.raises(PermissionDenied):
        services.application_decide(
            actor=applicant, application=application, action="grant", amount=None, grounds="x"
        )


def test_staff_cannot_submit_for_the_applicants(draft, staff):
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=staff, application=draft)


def test_asking_for_information_needs_a_question(draft, applicant, staff):
    application = services.application_submit(actor=applicant, application=draft)

    with pytest.raises(ValidationError):
        services.application_request_info(actor=staff, application=application, reason="  ")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_partial_grant_and_its_advance(draft, applicant, staff):
    application = bring_to(draft, Status.ADVISED, staff=staff, applicant=applicant)

    application = services.application_decide(
        actor=staff,
        application=application,
        action="partly_grant",
        amount=Decimal("250.00"),
        grounds="De boodschappen betalen we niet.",
    )
    assert application.status == Status.PARTLY_GRANTED
    application = services.application_pay_advance(actor=staff, application=application)
    assert application.advance_amount == Decimal("200.00")


def test_a_scheme_that_stops_requiring_advice_does_not_leave_the_panel_reviewing(
    draft, applicant, staff
):
    """Deciding would leave the panel's open review behind (queue, reminders): refused."""
    application = bring_to(draft, Status.IN_REVIEW, staff=staff, applicant=applicant)
    scheme = application.scheme
    scheme.advice_required = False
    scheme.save()

    with pytest.raises(ValidationError, match="wijkpanel"):
        services.application_decide(
            actor=staff, application=application, action="reject", amount=None, grounds="Nee."
        )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert review_for(subject=application).status == ReviewStatus.OPEN

"""Staff decide within the pot, pay the advance, and settle after the applicants' report."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import announce_decision
from core.models import User
from plumbing.formatting import euro
from review.models import Review, ReviewStatus, advice_deviates
from review.services import review_record_decision
from subsidies import tasks
from subsidies.letters import settlement_letter_on_commit
from subsidies.models import (
    ZERO,
    Application,
    AttachmentKind,
    LineKind,
    Scheme,
    Status,
)
from subsidies.notifications import notify_applicants
from subsidies.selectors import advice_of, scheme_committed
from subsidies.services._common import (
    LineInput,
    _lock,
    _replace_lines,
    _save,
    application_transition,
)
from subsidies.services.applications import (
    application_request_info,
    application_start_review,
)
from subsidies.services.funding import initiative_lock, other_funding, overlap_refusal
from subsidies.workflow import DECISION_ACTIONS


def _deviates(review: Review | None, action: str) -> bool:
    """A grant against negative advice, or a rejection against positive advice."""
    if review is None or review.status != ReviewStatus.ADVISED:
        return False
    return advice_deviates(advice=review.advice, approved=action != "reject")


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: Application,
    action: str,
    amount: Decimal | None,
    grounds: str,
    conditions: str = "",
    deviation_reasons: str = "",
    funding_overlap_reason: str = "",
) -> Application:
    """Staff decide: grant, grant partly or reject, within the pot, with grounds.

    The scheme row is locked first, so two staff members granting at the same time
    are counted one after the other and the pot is never over-committed. A grant for an
    initiative that a wijkbudget round funds (or has on a ballot) needs
    `funding_overlap_reason`, recorded in the change reason (see services/funding.py).
    """
    if action not in DECISION_ACTIONS:
        raise ValidationError(_("Choose a decision."))
    if not actor.has_perm("subsidies.manage_application", application):
        raise PermissionDenied(_("Only council staff can decide on applications."))
    scheme = Scheme.objects.select_for_update().get(pk=application.scheme_id)
    application = _lock(application)
    review = advice_of(application=application)
    # Also when the scheme stopped requiring advice after the panel was asked: a decision
    # now would leave the panel's review open (in their queue, with reminders).
    if application.status == Status.IN_REVIEW and (
        scheme.advice_required or (review is not None and review.is_open)
    ):
        raise ValidationError(
            _("The wijkpanel has not advised yet. Wait for the advice, or proceed without it.")
        )
    errors: dict[str, list[str]] = {}
    grounds = grounds.strip()
    if not grounds:
        errors["grounds"] = [_("State the grounds of the decision.")]
    requested = application.requested_amount or ZERO
    if action == "grant":
        amount = requested if amount is None else amount
        if amount != requested:
            errors["amount"] = [
                _("A full grant is the requested amount (%(amount)s); for less, grant partly.")
                % {"amount": euro(requested)}
            ]
    elif action == "partly_grant":
        if amount is None or not ZERO < amount < requested:
            errors["amount"] = [
                _("A partial grant is more than € 0 and less than the requested %(amount)s.")
                % {"amount": euro(requested)}
            ]
    else:
        amount = ZERO
    if _deviates(review, action) and not deviation_reasons.strip():
        errors["deviation_reasons"] = [
            _("This decision deviates from the wijkpanel's advice; state why.")
        ]
    overlap_reason = funding_overlap_reason.strip()
    other_sources = []
    if action != "reject":
        initiative_lock(initiative_id=application.initiative_id)
        other_sources = other_funding(initiative=application.initiative)
    if other_sources and not overlap_reason:
        errors.update(
            overlap_refusal(field="funding_overlap_reason", sources=other_sources).message_dict
        )
    if not errors and amount is not None and action != "reject":
        committed = scheme_committed(scheme=scheme, exclude=application)
        if committed + amount > scheme.pot:
            errors["amount"] = [
                _("Only %(left)s is left in the pot of this scheme.")
                % {"left": euro(max(scheme.pot - committed, ZERO))}
            ]
    if errors:
        raise ValidationError(errors)
    labels = {
        "grant": _("Granted: %(amount)s"),
        "partly_grant": _("Partly granted: %(amount)s"),
        "reject": _("Rejected"),
    }
    reason = (labels[action] % {"amount": euro(amount)}) + ". " + grounds
    if other_sources:
        # The history row of this change keeps who stated it, and why.
        reason += " " + _("Also funded by %(sources)s, because: %(why)s") % {
            "sources": "; ".join(other_sources),
            "why": overlap_reason,
        }
    application = application_transition(
        actor=actor,
        application=application,
        action=action,
        reason=reason,
        changes={
            "granted_amount": amount,
            "decision_grounds": grounds,
            "decision_conditions": conditions.strip(),
            "deviation_reasons": deviation_reasons.strip(),
            "decided_at": timezone.now(),
            "decided_by": actor,
        },
    )
    if review is not None and not review.is_open and review.decided_at is None:
        # The review keeps the decision too: from now on its advice is public.
        review_record_decision(
            actor=actor,
            review=review,
            approved=action != "reject",
            reason=deviation_reasons.strip(),
        )
    # The letter is rendered once the decision is committed, then the applicants hear of it.
    transaction.on_commit(
        partial(
            tasks.issue_decision_letter.enqueue, application_id=application.pk, actor_id=actor.pk
        )
    )
    # A draft decision page for the public list (cms prepares it; staff check and publish).
    # Public, so no applicant's name or address: the initiative, the scheme and the outcome.
    initiative = application.initiative
    announce_decision(
        kind="subsidy",
        obj=application,
        title=f"{initiative.title}: {scheme.name}",
        summary=labels[action] % {"amount": euro(amount)},
        decided_at=application.decided_at,
        wijken=[initiative.wijk],
        advice=(review.advice_text if review is not None else "") or "",
        url=reverse("initiatives:detail", kwargs={"pk": initiative.pk}),
    )
    return application


@transaction.atomic
def application_pay_advance(*, actor: User, application: Application) -> Application:
    """Staff record that the advance (the scheme's percentage of the grant) was paid."""
    application = _lock(application)
    advance = application.advance_due or ZERO
    return application_transition(
        actor=actor,
        application=application,
        action="pay_advance",
        reason=_("Advance of %(amount)s paid") % {"amount": euro(advance)},
        changes={"advance_amount": advance, "advance_paid_on": timezone.localdate()},
    )


@transaction.atomic
def report_update(
    *,
    actor: User,
    application: Application,
    participants: int | None,
    story: str,
    lines: list[LineInput],
) -> Application:
    """The applicants save their report (verantwoording) as they go."""
    application = _lock(application)
    if not actor.has_perm("subsidies.edit_report", application):
        raise PermissionDenied(_("The report cannot be changed now."))
    application.report_participants = participants
    application.report_story = story.strip()
    _save(application, actor=actor, reason=_("Report saved"))
    _replace_lines(application, lines, kind=LineKind.ACTUAL, actor=actor, reason=_("Report"))
    return application


@transaction.atomic
def report_submit(*, actor: User, application: Application) -> Application:
    """The applicants hand in the report: costs, receipts, participants and their story."""
    application = _lock(application)
    if not actor.has_perm("subsidies.submit_report", application):
        raise PermissionDenied(_("Only the initiators can submit the report."))
    if application.status == Status.ADVANCE_PAID:
        errors: dict[str, list[str]] = {}
        if application.report_participants is None:
            errors["participants"] = [_("Fill in how many people took part.")]
        if not application.report_story.strip():
            errors["story"] = [_("Tell briefly how it went.")]
        if not application.cost_lines.filter(kind=LineKind.ACTUAL).exists():
            errors["lines"] = [_("Add at least one line of actual costs.")]
        if not application.attachments.filter(kind=AttachmentKind.RECEIPT).exists():
            errors["receipt"] = [_("Add at least one receipt or invoice.")]
        if errors:
            raise ValidationError(errors)
    return application_transition(
        actor=actor,
        application=application,
        action="submit_report",
        reason=_("Report submitted"),
        changes={"report_submitted_at": timezone.now()},
    )


@transaction.atomic
def application_request_report_info(
    *, actor: User, application: Application, reason: str
) -> Application:
    """Staff send the report back for more information; it keeps what was written."""
    application = application_transition(
        actor=actor,
        application=application,
        action="request_report_info",
        reason=_("More information requested on the report: %(question)s")
        % {"question": reason.strip()}
        if reason.strip()
        else "",
        changes={"info_request": reason.strip()},
    )
    notify_applicants(application=application, event="report_info_requested")
    return application


@transaction.atomic
def application_settle(
    *, actor: User, application: Application, final_amount: Decimal | None, note: str = ""
) -> Application:
    """Staff fix the final amount; Wijkplein works out what is still paid or paid back."""
    application = _lock(application)
    granted = application.granted_amount or ZERO
    if final_amount is None or not ZERO <= final_amount <= granted:
        raise ValidationError(
            {
                "final_amount": _("The final amount lies between € 0 and the granted %(amount)s.")
                % {"amount": euro(granted)}
            }
        )
    advance = application.advance_amount or ZERO
    balance = final_amount - advance
    if balance >= 0:
        action = "settle"
        reason = _("Final amount %(final)s fixed; %(balance)s still to be paid") % {
            "final": euro(final_amount),
            "balance": euro(balance),
        }
    else:
        action = "settle_reclaim"
        reason = _("Final amount %(final)s fixed; %(balance)s to be paid back") % {
            "final": euro(final_amount),
            "balance": euro(-balance),
        }
    application = application_transition(
        actor=actor,
        application=application,
        action=action,
        reason=reason,
        changes={
            "final_amount": final_amount,
            "settlement_note": note.strip(),
            "settled_at": timezone.now(),
        },
    )
    settlement_letter_on_commit(application=application, actor=actor)
    notify_applicants(application=application, event="settled")
    return application


@transaction.atomic
def application_reclaim(*, actor: User, application: Application, reason: str) -> Application:
    """No (acceptable) report: the final amount is € 0 and the whole advance is paid back."""
    application = _lock(application)
    application = application_transition(
        actor=actor,
        application=application,
        action="reclaim",
        reason=_("Advance reclaimed: %(reason)s") % {"reason": reason.strip()}
        if reason.strip()
        else "",
        changes={
            "final_amount": ZERO,
            "settlement_note": reason.strip(),
            "settled_at": timezone.now(),
        },
    )
    settlement_letter_on_commit(application=application, actor=actor)
    notify_applicants(application=application, event="settled")
    return application


STAFF_STEPS = {
    "start_review": lambda *, actor, application, reason: application_start_review(
        actor=actor, application=application
    ),
    "request_info": application_request_info,
    "pay_advance": lambda *, actor, application, reason: application_pay_advance(
        actor=actor, application=application
    ),
    "request_report_info": application_request_report_info,
    "reclaim": application_reclaim,
}


def application_staff_step(
    *, actor: User, application: Application, action: str, reason: str = ""
) -> Application:
    """Run one of the simple staff steps (see workflow.SIMPLE_STAFF_ACTIONS) by name."""
    step = STAFF_STEPS.get(action)
    if step is None:
        raise ValidationError(_("This step does not exist."))
    return step(actor=actor, application=application, reason=reason)

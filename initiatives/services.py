"""Every state change of resident initiatives.

Services take the acting user (never the request), check the permission
themselves, validate and save with a change reason for the audit trail; e-mail
goes out after commit (initiatives/emails.py).
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import announce_decision
from core.models import User, Wijk
from core.services import save_audited
from initiatives import emails
from initiatives.models import (
    INVITATION_DAYS,
    CoInitiatorInvitation,
    ContentReport,
    Initiative,
    InitiativeMember,
    InitiativeStatus,
    InitiatorRole,
    ProgressUpdate,
    ReportStatus,
    Support,
    Volunteer,
)
from initiatives.workflow import DECISIONS, DEFAULT_REASONS, TRANSITIONS
from plumbing import codes
from plumbing.workflow import transition_run
from review.models import Advice, Review, ReviewStatus
from review.selectors import review_for
from review.services import review_cancel_open, review_open, review_record_decision

# The fields a resident fills in; everything else is set by the services.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "themes",
    "place",
    "latitude",
    "longitude",
    "needs_volunteers",
    "needs_materials",
    "needs_money",
    "estimated_cost",
)


def _save(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Save with actor and reason (core.services.save_audited)."""
    save_audited(instance, actor=actor, reason=reason.strip())


def _delete(instance: models.Model, *, actor: User, reason: str) -> None:
    """Delete an audited object; the trail keeps who removed it and why."""
    # django-simple-history reads who and why from these attributes; it has no type hints.
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason.strip()  # type: ignore[attr-defined]
    instance.delete()


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip() if isinstance(value, str) else value
        for name, value in data.items()
        if name in EDITABLE_FIELDS
    }


# --- Proposing --------------------------------------------------------------------


@transaction.atomic
def initiative_create(*, actor: User, wijk: Wijk, data: dict[str, Any], photo=None) -> Initiative:
    """A verified resident proposes an initiative in their wijk; it starts as a concept."""
    if not actor.has_perm("initiatives.add_initiative", wijk):
        raise PermissionDenied(_("Only verified residents of this wijk can propose initiatives."))
    initiative = Initiative(wijk=wijk, created_by=actor, **_strip(data))
    if photo:
        initiative.photo = photo
    _save(initiative, actor=actor, reason=_("Initiative created as a concept"))
    member = InitiativeMember(initiative=initiative, user=actor, role=InitiatorRole.INITIATOR)
    _save(member, actor=actor, reason=_("Initiator"))
    return initiative


@transaction.atomic
def initiative_edit(
    *, actor: User, initiative: Initiative, data: dict[str, Any], photo=None
) -> Initiative:
    """The initiators change their concept (after submission the text is fixed)."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not actor.has_perm("initiatives.change_initiative", initiative):
        raise PermissionDenied(_("Only the initiators can change a concept."))
    for name, value in _strip(data).items():
        setattr(initiative, name, value)
    if photo:
        initiative.photo = photo
    _save(initiative, actor=actor, reason=_("Concept changed"))
    return initiative


# --- The workflow -----------------------------------------------------------------


def _check_decision(initiative: Initiative, *, action: str, reason: str) -> None:
    """After a panel review, staff decide once the advice is in; going against it needs a reason."""
    if initiative.status != InitiativeStatus.IN_REVIEW:
        return
    review: Review | None = review_for(subject=initiative)
    if review is not None and review.status == ReviewStatus.OPEN:
        raise ValidationError(
            _(
                "The wijkpanel has not given its advice yet. Wait for it, or proceed "
                "without advice on the review page."
            ),
            code="review_open",
        )
    if reason.strip() or review is None or review.status != ReviewStatus.ADVISED:
        return
    if action == "publish" and review.advice == Advice.NEGATIVE:
        raise ValidationError(
            {"reason": _("The wijkpanel advised against it: explain why you publish anyway.")},
            code="reason_required",
        )


@transaction.atomic
def initiative_transition(
    *, actor: User, initiative: Initiative, action: str, reason: str = ""
) -> Initiative:
    """Take one step of the workflow (initiatives/workflow.py) and tell those concerned."""
    reason = reason.strip()
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    source = locked.status
    transition = TRANSITIONS.get((source, action))
    if action in DECISIONS and transition and actor.has_perm(transition.permission, locked):
        _check_decision(locked, action=action, reason=reason)
    changes: dict[str, Any] = {}
    if action in DECISIONS:
        changes = {"decision_reason": reason, "decided_at": timezone.now()}
    if reason:
        trail_reason = reason.strip()
    elif transition is not None and transition.reason_required:
        trail_reason = ""  # transition_run refuses the step without a reason
    else:
        trail_reason = str(DEFAULT_REASONS.get(action, action))
    result = transition_run(
        obj=locked,
        action=action,
        actor=actor,
        transitions=TRANSITIONS,
        reason=trail_reason,
        changes=changes,
    )
    if action == "start_review":
        review_open(subject=result, wijk=result.wijk, actor=actor)
    if action == "withdraw":
        # The panel stops reviewing it (queue, reminders, advice); the withdrawing initiator
        # is recorded as the one who ended the review.
        review_cancel_open(
            actor=actor,
            subject=result,
            reason=_("The initiative was withdrawn: %(reason)s") % {"reason": trail_reason},
        )
    if action in DECISIONS and source == InitiativeStatus.IN_REVIEW:
        # The review records the decision too (and whether it deviates from the advice).
        review = review_for(subject=result)
        if review is not None:
            review_record_decision(
                actor=actor, review=review, approved=action == "publish", reason=reason
            )
    emails.send_status_changed(initiative=result, action=action, reason=reason)
    if action in DECISIONS:
        review = review_for(subject=result)
        announce_decision(
            kind="initiative",
            obj=result,
            title=result.title,
            summary=f"{result.get_status_display()}: {result.summary}",
            decided_at=result.decided_at,
            wijken=[result.wijk],
            advice=(review.advice_text if review else "") or "",
            url=reverse("initiatives:detail", kwargs={"pk": result.pk}),
        )
    return result


def initiative_is_decided(subject: Initiative) -> bool:
    """Staff have published or rejected it: from then on the panel's advice is public."""
    return subject.decided_at is not None


def initiative_review_concluded(*, subject: Initiative, review: Review, actor: User) -> None:
    """Called by the wijkpanel review when it ends: record it and tell staff to decide."""
    initiative = Initiative.objects.select_for_update().get(pk=subject.pk)
    if review.status == ReviewStatus.ADVISED:
        advice = str(review.get_advice_display())
        reason = _("The wijkpanel gave its advice: %(advice)s") % {"advice": advice}
    else:
        advice = ""
        reason = _("Staff proceed without the wijkpanel's advice")
    # Nothing of the initiative changes: the save only puts the moment in its audit trail.
    initiative._history_user = actor
    initiative._change_reason = reason.strip()
    initiative.save(update_fields=["updated_at"])
    emails.send_advice_in(initiative=initiative, advice=advice)


# --- Support and volunteers -------------------------------------------------------


@transaction.atomic
def support_add(*, actor: User, initiative: Initiative) -> Support:
    """A verified resident of the wijk supports the initiative (once)."""
    if not actor.has_perm("initiatives.support_initiative", initiative):
        raise PermissionDenied(_("Only verified residents of this wijk can support it."))
    support = Support(initiative=initiative, user=actor)
    try:
        # The unique constraint, not a count, keeps it to one support under concurrency.
        with transaction.atomic():
            support._history_user = actor  # type: ignore[attr-defined]  # see _delete
            support._change_reason = _("Supported")  # type: ignore[attr-defined]
            support.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You already support this initiative."), code="already_supported"
        ) from error
    return support


@transaction.atomic
def support_withdraw(*, actor: User, initiative: Initiative) -> None:
    """A resident takes back their support."""
    support = Support.objects.select_for_update().filter(initiative=initiative, user=actor).first()
    if support is None:
        raise ValidationError(_("You do not support this initiative."), code="not_supported")
    _delete(support, actor=actor, reason=_("Support withdrawn"))


@transaction.atomic
def volunteer_signup(*, actor: User, initiative: Initiative, message: str) -> Volunteer:
    """A verified resident of the wijk offers to help, with a message to the initiators."""
    if not actor.has_perm("initiatives.volunteer_initiative", initiative):
        raise PermissionDenied(_("Only verified residents of this wijk can sign up."))
    volunteer = Volunteer(initiative=initiative, user=actor, message=message.strip())
    volunteer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            volunteer._history_user = actor  # type: ignore[attr-defined]  # see _delete
            volunteer._change_reason = _("Signed up as volunteer")  # type: ignore[attr-defined]
            volunteer.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You have already signed up for this initiative."), code="already_volunteer"
        ) from error
    emails.send_volunteer(volunteer=volunteer)
    return volunteer


@transaction.atomic
def volunteer_withdraw(*, actor: User, initiative: Initiative) -> None:
    """A volunteer takes back their offer."""
    volunteer = (
        Volunteer.objects.select_for_update().filter(initiative=initiative, user=actor).first()
    )
    if volunteer is None:
        raise ValidationError(_("You have not signed up for this initiative."))
    _delete(volunteer, actor=actor, reason=_("Volunteer sign-up withdrawn"))


# --- Co-initiators ----------------------------------------------------------------


def _token_hash(token: str) -> str:
    return codes.keyed_hash("initiative-invitation", token)


@transaction.atomic
def invitation_create(*, actor: User, initiative: Initiative, email: str) -> CoInitiatorInvitation:
    """An initiator invites someone by e-mail; the link's token is stored only as a hash."""
    if not actor.has_perm("initiatives.invite_co_initiator", initiative):
        raise PermissionDenied(_("Only the initiators can invite co-initiators."))
    email = email.strip().lower()
    if initiative.members.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("This person already runs this initiative.")}, code="already_member"
        )
    token = secrets.token_urlsafe(32)
    invitation = CoInitiatorInvitation(
        initiative=initiative,
        email=email,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    _save(invitation, actor=actor, reason=_("Co-initiator invited"))
    emails.send_invitation(initiative=initiative, email=email, token=token, inviter=actor)
    return invitation


def invitation_by_token(*, token: str) -> CoInitiatorInvitation | None:
    """The invitation a link's token belongs to, if any (looked up by its hash)."""
    return (
        CoInitiatorInvitation.objects.select_related("initiative__wijk")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> InitiativeMember:
    """The logged-in invitee becomes a co-initiator."""
    found = invitation_by_token(token=token)
    if found is None:
        raise ValidationError(_("This invitation link is not valid."), code="invalid_invitation")
    invitation = CoInitiatorInvitation.objects.select_for_update().get(pk=found.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used_invitation")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired. Ask the initiator for a new one."),
            code="expired_invitation",
        )
    initiative = invitation.initiative
    if initiative.status in (
        InitiativeStatus.REJECTED,
        InitiativeStatus.COMPLETED,
        InitiativeStatus.WITHDRAWN,
    ):
        raise ValidationError(_("This initiative has ended."), code="initiative_ended")
    if initiative.members.filter(user=user).exists():
        raise ValidationError(_("You already run this initiative."), code="already_member")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    _save(invitation, actor=user, reason=_("Invitation accepted"))
    member = InitiativeMember(initiative=initiative, user=user, role=InitiatorRole.CO_INITIATOR)
    _save(member, actor=user, reason=_("Joined as co-initiator"))
    return member


# --- Progress updates -------------------------------------------------------------


@transaction.atomic
def update_post(
    *, actor: User, initiative: Initiative, title: str, text: str, date: datetime.date
) -> ProgressUpdate:
    """An initiator tells how the initiative is going."""
    if not actor.has_perm("initiatives.post_update", initiative):
        raise PermissionDenied(_("Only the initiators can post updates."))
    update = ProgressUpdate(
        initiative=initiative, author=actor, title=title.strip(), text=text.strip(), date=date
    )
    _save(update, actor=actor, reason=_("Progress update posted"))
    emails.send_update_posted(update=update)
    return update


# --- Moderation -------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, actor: User, initiative: Initiative, reason: str, update: ProgressUpdate | None = None
) -> ContentReport:
    """A logged-in user reports an initiative or an update to the moderators."""
    if not actor.has_perm("initiatives.report_content", initiative):
        raise PermissionDenied(_("You cannot report this."))
    if update is not None and update.initiative_id != initiative.pk:
        raise ValidationError(_("This update belongs to another initiative."))
    report = ContentReport(
        initiative=initiative, update=update, reporter=actor, reason=reason.strip()
    )
    _save(report, actor=actor, reason=_("Reported"))
    return report


def _close_reports(
    *, actor: User, initiative: Initiative, update: ProgressUpdate | None, status: str, note: str
) -> None:
    for report in ContentReport.objects.select_for_update().filter(
        initiative=initiative, update=update, status=ReportStatus.OPEN
    ):
        report.status = status
        report.handled_by = actor
        report.handled_at = timezone.now()
        report.handling_note = note
        _save(report, actor=actor, reason=str(ReportStatus(status).label))


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")}, code="reason_required")
    return reason.strip()


@transaction.atomic
def initiative_hide(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    """Staff hide an initiative from public pages; the initiators are told why."""
    if not actor.has_perm("initiatives.moderate", initiative):
        raise PermissionDenied(_("Only council staff can moderate."))
    reason = _require_reason(reason)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    initiative.hidden = True
    initiative.hidden_reason = reason
    _save(
        initiative, actor=actor, reason=_("Hidden by moderation: %(reason)s") % {"reason": reason}
    )
    _close_reports(
        actor=actor, initiative=initiative, update=None, status=ReportStatus.HIDDEN, note=reason
    )
    emails.send_hidden(
        initiative=initiative,
        what=_("your initiative “%(title)s”") % {"title": initiative.title},
        reason=reason,
    )
    return initiative


@transaction.atomic
def initiative_unhide(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    """Staff show a hidden initiative again."""
    if not actor.has_perm("initiatives.moderate", initiative):
        raise PermissionDenied(_("Only council staff can moderate."))
    reason = _require_reason(reason)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    initiative.hidden = False
    initiative.hidden_reason = ""
    _save(initiative, actor=actor, reason=_("Shown again: %(reason)s") % {"reason": reason})
    return initiative


@transaction.atomic
def update_hide(*, actor: User, update: ProgressUpdate, reason: str) -> ProgressUpdate:
    """Staff hide a progress update; the initiators are told why."""
    if not actor.has_perm("initiatives.moderate", update.initiative):
        raise PermissionDenied(_("Only council staff can moderate."))
    reason = _require_reason(reason)
    update = (
        ProgressUpdate.objects.select_for_update().select_related("initiative").get(pk=update.pk)
    )
    update.hidden = True
    update.hidden_reason = reason
    _save(update, actor=actor, reason=_("Hidden by moderation: %(reason)s") % {"reason": reason})
    _close_reports(
        actor=actor,
        initiative=update.initiative,
        update=update,
        status=ReportStatus.HIDDEN,
        note=reason,
    )
    emails.send_hidden(
        initiative=update.initiative,
        what=_("your update “%(title)s”") % {"title": update.title},
        reason=reason,
    )
    return update


@transaction.atomic
def report_dismiss(*, actor: User, report: ContentReport, note: str) -> ContentReport:
    """Staff close a report without hiding anything."""
    if not actor.has_perm("initiatives.moderate", report.initiative):
        raise PermissionDenied(_("Only council staff can moderate."))
    report = ContentReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.OPEN:
        raise ValidationError(_("This report has already been handled."))
    report.status = ReportStatus.DISMISSED
    report.handled_by = actor
    report.handled_at = timezone.now()
    report.handling_note = _require_reason(note)
    _save(report, actor=actor, reason=str(ReportStatus.DISMISSED.label))
    return report

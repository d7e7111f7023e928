"""Applicants draft and submit; staff take applications into review or ask for more."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from identity.models import Organisation, OrganisationMember
from initiatives.models import Initiative, InitiativeStatus
from plumbing.formatting import euro, long_date
from review.models import Review, ReviewStatus
from review.services import review_open
from subsidies.models import (
    ZERO,
    Application,
    Attachment,
    AttachmentKind,
    LineKind,
    Scheme,
    Status,
)
from subsidies.notifications import notify_applicants
from subsidies.selectors import scheme_committed
from subsidies.services._common import (
    LineInput,
    _lock,
    _replace_lines,
    _save,
    application_transition,
)
from subsidies.validators import mask_iban, normalize_iban

# Applications still on their way to a decision: a second one beside them is refused.
_UNDECIDED = (Status.CONCEPT, Status.SUBMITTED, Status.IN_REVIEW, Status.ADVISED)


def _scheme_errors(
    scheme: Scheme, initiative: Initiative, *, application: Application | None = None
) -> list[str]:
    """Why the initiative cannot apply to the scheme (now); `application` is the one being
    submitted, not counted as a second."""
    errors = []
    today = timezone.localdate()
    # Asked of the database: the caller's copy may predate the initiative's submission.
    if Initiative.objects.filter(pk=initiative.pk, status=InitiativeStatus.CONCEPT).exists():
        errors.append(
            _(
                "The initiative is still a draft. Submit the initiative first; then you can "
                "apply for a subsidy for it."
            )
        )
    others = Application.objects.filter(scheme=scheme, initiative=initiative, status__in=_UNDECIDED)
    if application is not None:
        others = others.exclude(pk=application.pk)
    if others.exists():
        errors.append(
            _(
                "This initiative already has an application to this scheme that has not been "
                "decided yet: go on with that application."
            )
        )
    if not scheme.is_open_on(today):
        if today < scheme.opens_on:
            errors.append(
                _("This scheme opens on %(date)s; you cannot apply yet.")
                % {"date": long_date(scheme.opens_on)}
            )
        else:
            errors.append(
                _("This scheme closed on %(date)s; you can no longer apply.")
                % {"date": long_date(scheme.closes_on)}
            )
    if scheme.wijk_id and scheme.wijk_id != initiative.wijk_id:
        errors.append(_("This scheme is for another wijk than that of the initiative."))
    if scheme.pot - scheme_committed(scheme=scheme) <= 0:
        errors.append(_("The pot of this scheme is empty; no new applications are possible."))
    return errors


@transaction.atomic
def application_create(
    *,
    actor: User,
    initiative: Initiative,
    scheme: Scheme,
    organisation: Organisation | None = None,
) -> Application:
    """An initiator starts a draft application of the initiative to an open scheme; someone
    logged in with eHerkenning for an organisation applies on its behalf."""
    if not actor.has_perm("subsidies.apply", initiative):
        raise PermissionDenied(_("Only the initiators of this initiative can apply."))
    if (
        organisation is not None
        and not OrganisationMember.objects.filter(organisation=organisation, user=actor).exists()
    ):
        raise PermissionDenied(_("Log in with eHerkenning to apply for this organisation."))
    errors = _scheme_errors(scheme, initiative)
    if errors:
        raise ValidationError(errors)
    application = Application(scheme=scheme, initiative=initiative, created_by=actor)
    if organisation is not None:
        application.organisation = organisation
        application.applicant_name = organisation.name
    _save(application, actor=actor, reason=_("Draft application started"))
    return application


def _amount_errors(
    application: Application, lines: list[LineInput] | None, *, complete: bool
) -> dict[str, list[str]]:
    """Limits of the scheme and the budget; `complete` adds what a submission needs."""
    scheme = application.scheme
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    requested = application.requested_amount
    if requested is not None:
        if requested > scheme.max_amount:
            add(
                "requested_amount",
                _("The maximum of this scheme is %(max)s per application.")
                % {"max": euro(scheme.max_amount)},
            )
        elif requested < scheme.min_amount:
            add(
                "requested_amount",
                _("The minimum of this scheme is %(min)s per application.")
                % {"min": euro(scheme.min_amount)},
            )
    if lines is not None and requested is not None and lines:
        total = sum((line.amount for line in lines), ZERO)
        uncovered = total - (application.other_funding_amount or ZERO)
        if requested > uncovered:
            add(
                "requested_amount",
                _(
                    "You ask for more than the budget needs: the costs are %(total)s, other "
                    "funding covers %(other)s, so ask at most %(max)s."
                )
                % {
                    "total": euro(total),
                    "other": euro(application.other_funding_amount),
                    "max": euro(max(uncovered, ZERO)),
                },
            )
    ended = application.ends_on
    if ended is not None and ended < timezone.localdate(application.created_at or timezone.now()):
        add(
            "ends_on",
            _(
                "The activity ended on %(date)s, before this application. The scheme supports "
                "activities that are still to come."
            )
            % {"date": long_date(ended)},
        )
    if complete:
        required = {
            "purpose": _("Describe what the subsidy is for."),
            "requested_amount": _("Fill in the amount you ask for."),
            "starts_on": _("Fill in when the activity starts."),
            "ends_on": _("Fill in when the activity ends."),
            "expected_participants": _("Fill in how many people you expect."),
            "account_holder": _("Fill in the name of the account holder."),
            "iban": _("Fill in the bank account (IBAN) the subsidy is paid to."),
        }
        for field, message in required.items():
            if getattr(application, field) in (None, ""):
                add(field, message)
        if not lines:
            add("lines", _("Add at least one budget line."))
        if not application.declaration:
            add("declaration", _("Confirm the declaration to submit the application."))
    return errors


APPLICATION_FIELDS = (
    "purpose",
    "requested_amount",
    "other_funding",
    "other_funding_amount",
    "starts_on",
    "ends_on",
    "expected_participants",
    "account_holder",
    "iban",
    "declaration",
    # The decision letter's addressee (without them it falls back to the profile's address).
    "applicant_name",
    "applicant_street",
    "applicant_house_number",
    "applicant_postcode",
    "applicant_town",
)


@transaction.atomic
def application_update(
    *, actor: User, application: Application, data: dict, lines: list[LineInput]
) -> Application:
    """The applicants save their draft; what they typed is checked but need not be complete."""
    application = _lock(application)
    if not actor.has_perm("subsidies.edit_application", application):
        raise PermissionDenied(_("This application can no longer be changed."))
    old_iban = application.iban
    for name in APPLICATION_FIELDS:
        if name in data:
            value = data[name]
            if name == "iban":
                value = normalize_iban(value)
            elif name == "other_funding_amount" and value is None:
                value = ZERO
            setattr(application, name, value)
    errors = _amount_errors(application, lines, complete=False)
    if errors:
        raise ValidationError(errors)
    reason = _("Draft saved")
    if application.iban != old_iban:
        reason = _("Draft saved; bank account changed to %(iban)s") % {
            "iban": mask_iban(application.iban)
        }
    _save(application, actor=actor, reason=reason)
    _replace_lines(
        application,
        lines,
        kind=LineKind.PLANNED,
        actor=actor,
        reason=_("Budget (planned costs)"),
    )
    return application


@transaction.atomic
def attachment_add(
    *, actor: User, application: Application, kind: str, upload: UploadedFile
) -> Attachment:
    """Add a checked file (see plumbing.uploads.clean_document) to the draft or to the report."""
    application = _lock(application)
    perm = "subsidies.edit_application" if kind == AttachmentKind.QUOTE else "subsidies.edit_report"
    if not actor.has_perm(perm, application):
        raise PermissionDenied(_("You cannot add files to this application now."))
    original = getattr(upload, "original_name", None) or upload.name
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=str(original)[:200],
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size or 0,  # never None: clean_document has compared it with the limit
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    _save(attachment, actor=actor, reason=_("File added"))
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment) -> None:
    """Remove a file while the draft (or the report) is still open."""
    application = _lock(attachment.application)
    perm = (
        "subsidies.edit_application"
        if attachment.kind == AttachmentKind.QUOTE
        else "subsidies.edit_report"
    )
    if not actor.has_perm(perm, application):
        raise PermissionDenied(_("You cannot remove files from this application now."))
    # django-simple-history reads who and why from these attributes; it has no type hints.
    attachment._history_user = actor  # type: ignore[attr-defined]
    attachment._change_reason = _("File removed")  # type: ignore[attr-defined]
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    """The applicants submit; the scheme must be open, the draft complete, the pot not empty."""
    application = _lock(application)
    if not actor.has_perm("subsidies.submit_application", application):
        raise PermissionDenied(_("Only the initiators of this initiative can submit."))
    if application.status != Status.CONCEPT:
        raise ValidationError(_("This application has already been submitted."))
    lines = [
        LineInput(line.description, line.category, line.amount)
        for line in application.cost_lines.filter(kind=LineKind.PLANNED)
    ]
    errors: dict[str, list[str]] = {}
    scheme_errors = _scheme_errors(
        application.scheme, application.initiative, application=application
    )
    if scheme_errors:
        errors["__all__"] = scheme_errors
    errors.update(_amount_errors(application, lines, complete=True))
    remaining = application.scheme.pot - scheme_committed(scheme=application.scheme)
    if not errors and application.requested_amount > remaining:
        errors["requested_amount"] = [
            _("Only %(left)s is left in the pot of this scheme; ask at most that.")
            % {"left": euro(remaining)}
        ]
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    changes: dict = {"submitted_at": timezone.now()}
    if application.reference is None:
        changes["reference"] = f"SUB-{application.scheme.year}-{application.pk:05d}"
    if application.decision_due is None:
        changes["decision_due"] = today + datetime.timedelta(
            weeks=application.scheme.decision_weeks
        )
        reason = _("Application submitted")
    else:
        # Awb 4:15: the term stood still while the applicants gathered the information.
        suspended = (today - (application.info_requested_on or today)).days
        changes["decision_due"] = application.decision_due + datetime.timedelta(days=suspended)
        changes["info_requested_on"] = None
        reason = _("Application submitted again with the requested information")
    application = application_transition(
        actor=actor, application=application, action="submit", reason=reason, changes=changes
    )
    notify_applicants(application=application, event="submitted")
    return application


@transaction.atomic
def application_start_review(*, actor: User, application: Application) -> Application:
    """Staff take the application into review; the wijkpanel is asked when the scheme says so."""
    application = _lock(application)
    scheme = application.scheme
    reason = (
        _("Taken into review; the wijkpanel is asked for advice")
        if scheme.advice_required
        else _("Taken into review (this scheme needs no wijkpanel advice)")
    )
    application = application_transition(
        actor=actor, application=application, action="start_review", reason=reason
    )
    if scheme.advice_required:
        review_open(
            subject=application,
            wijk=application.wijk,
            actor=actor,
            due_days=scheme.review_due_days,
        )
    return application


def on_review_concluded(*, subject: Application, review: Review, actor: User) -> None:
    """Registered with the review: the panel advised (or staff went on without advice)."""
    if review.status == ReviewStatus.ADVISED and review.advice:
        reason = _("Wijkpanel advice: %(advice)s") % {"advice": review.get_advice_display()}
    else:
        reason = _("Proceeded without wijkpanel advice")
    application_transition(actor=actor, application=subject, action="advise", reason=reason)


@transaction.atomic
def application_request_info(*, actor: User, application: Application, reason: str) -> Application:
    """Staff ask for more information; the draft goes back with everything it had."""
    application = application_transition(
        actor=actor,
        application=application,
        action="request_info",
        reason=_("More information requested: %(question)s") % {"question": reason.strip()}
        if reason.strip()
        else "",
        changes={"info_request": reason.strip(), "info_requested_on": timezone.localdate()},
    )
    notify_applicants(application=application, event="info_requested")
    return application

"""The decision letter (beschikking): rendered once, stored with its SHA-256, never redone."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import User
from plumbing.pdf import render_pdf
from subsidies.models import DECIDED_STATUSES, Application, DecisionLetter, Status
from subsidies.selectors import advice_of, letter_current
from subsidies.validators import mask_iban

# Statuses after a decision: a letter exists (or can be issued) for these.
_HAS_DECISION = (
    *DECIDED_STATUSES,
    Status.ADVANCE_PAID,
    Status.REPORT_SUBMITTED,
    Status.SETTLED,
    Status.RECLAIMED,
)


def letter_context(*, application: Application) -> dict:
    """What the letter shows; everything from stored data, so a reissue reads the same facts."""
    review = advice_of(application=application)
    scheme = application.scheme
    profile = getattr(application.created_by, "profile", None)
    return {
        "application": application,
        "scheme": scheme,
        "initiative": application.initiative,
        "wijk": application.wijk,
        "applicant_name": str(application.created_by),
        "applicant_address": profile.address_label if profile else "",
        "municipality": settings.MUNICIPALITY_NAME,
        "review": review,
        "advance": application.advance_due,
        "iban_masked": mask_iban(application.iban),
        "issued_on": timezone.localdate(),
        "decided_on": timezone.localdate(application.decided_at)
        if application.decided_at
        else timezone.localdate(),
    }


def _render(application: Application) -> bytes:
    # The letter is a legal document in Dutch, whoever clicks the button.
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            template="pdf/decision_letter.html", context=letter_context(application=application)
        )


def _store(application: Application, *, actor: User | None, version: int, reason: str):
    pdf = _render(application)
    digest = hashlib.sha256(pdf).hexdigest()
    letter = DecisionLetter(
        application=application, version=version, sha256=digest, created_by=actor, reason=reason
    )
    name = f"{application.reference or application.pk}-v{version}.pdf"
    letter.file.save(name, ContentFile(pdf), save=False)
    letter.full_clean()
    letter._history_user = actor
    letter._change_reason = reason
    letter.save()
    return letter


@transaction.atomic
def decision_letter_issue(*, application: Application, actor: User | None) -> DecisionLetter:
    """The letter of a decided application: the stored one, or rendered and stored now (once)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    existing = letter_current(application=application)
    if existing is not None:
        return existing
    if application.status not in _HAS_DECISION or application.decided_at is None:
        raise ValidationError(_("There is no decision yet, so there is no decision letter."))
    return _store(application, actor=actor, version=1, reason=_("Decision letter issued"))


@transaction.atomic
def decision_letter_reissue(*, actor: User, application: Application, reason: str):
    """Staff issue a corrected letter; the earlier one stays stored, and why is recorded."""
    if not actor.has_perm("subsidies.manage_application", application):
        raise PermissionDenied(_("Only council staff can reissue a decision letter."))
    if not reason.strip():
        raise ValidationError({"reason": _("State why the letter is issued again.")})
    application = Application.objects.select_for_update().get(pk=application.pk)
    current = letter_current(application=application)
    if current is None:
        return decision_letter_issue(application=application, actor=actor)
    return _store(
        application,
        actor=actor,
        version=current.version + 1,
        reason=_("Decision letter reissued: %(reason)s") % {"reason": reason.strip()},
    )


def letter_bytes(letter: DecisionLetter) -> bytes:
    """The stored PDF, checked against its SHA-256 so a changed file is never served."""
    with letter.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != letter.sha256:
        raise ValueError(f"Decision letter {letter.pk} does not match its SHA-256")
    return content

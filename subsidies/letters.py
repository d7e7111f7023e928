"""Decision letters (beschikkingen): rendered once, stored with their SHA-256, never redone.

Two kinds: the decision on the application (subsidieverlening or afwijzing) and, after the
report, the settlement (vaststellingsbeschikking) that fixes the final amount and says what
is still paid or paid back. Both are Awb decisions: addressee, date and reference, grounds,
the panel's advice, amounts and payment terms, who signs, and where and when to object.
"""

from __future__ import annotations

import hashlib
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.letters import letter_details
from core.models import User
from core.municipalities import municipality_of
from plumbing.pdf import render_pdf
from subsidies.models import DECIDED_STATUSES, Application, DecisionLetter, LetterKind, Status
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
_SETTLED = (Status.SETTLED, Status.RECLAIMED)
_TEMPLATES = {
    LetterKind.DECISION: "pdf/decision_letter.html",
    LetterKind.SETTLEMENT: "pdf/settlement_letter.html",
}


def _addressee(application: Application) -> tuple[str, list[str]]:
    """The applicant's legal name and postal address as given in the application.

    Applications from before these fields existed fall back to the account's name and the
    postcode and house number of the profile.
    """
    name = application.applicant_name.strip() or str(application.created_by)
    if application.applicant_street and application.applicant_postcode:
        postcode = application.applicant_postcode.replace(" ", "").upper()
        lines = [
            f"{application.applicant_street} {application.applicant_house_number}".strip(),
            f"{postcode[:4]} {postcode[4:]}  {application.applicant_town}".strip(),
        ]
    else:
        profile = getattr(application.created_by, "profile", None)
        lines = [profile.address_label] if profile else []
    return name, lines


ADDRESSEE_FIELDS = (
    "applicant_name",
    "applicant_street",
    "applicant_house_number",
    "applicant_postcode",
    "applicant_town",
)


def addressee_errors(application: Application) -> dict[str, list[str]]:
    """What a submission lacks for the decision letter's addressee (name and postal address)."""
    return {
        name: [_("Fill this in: the decision letter is addressed to it.")]
        for name in ADDRESSEE_FIELDS
        if not getattr(application, name).strip()
    }


def letter_context(*, application: Application) -> dict:
    """What the letter shows; everything from stored data, so a reissue reads the same facts."""
    review = advice_of(application=application)
    scheme = application.scheme
    applicant_name, address_lines = _addressee(application)
    details = letter_details(municipality=municipality_of(application))
    return {
        "application": application,
        "scheme": scheme,
        "initiative": application.initiative,
        "wijk": application.wijk,
        "applicant_name": applicant_name,
        "applicant_address_lines": address_lines,
        "letter": details,
        "municipality": details.municipality,
        "review": review,
        "advance": application.advance_due,
        "iban_masked": mask_iban(application.iban),
        "issued_on": timezone.localdate(),
        "decided_on": timezone.localdate(application.decided_at)
        if application.decided_at
        else timezone.localdate(),
        "settled_on": timezone.localdate(application.settled_at)
        if application.settled_at
        else None,
    }


def _render(application: Application, kind: str = LetterKind.DECISION) -> bytes:
    # The letter is a legal document in Dutch, whoever clicks the button.
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            template=_TEMPLATES[LetterKind(kind)], context=letter_context(application=application)
        )


def _latest(application: Application, kind: str) -> DecisionLetter | None:
    return application.letters.filter(kind=kind).order_by("-version").first()


def _store(
    application: Application,
    *,
    actor: User | None,
    version: int,
    reason: str,
    kind: str = LetterKind.DECISION,
):
    pdf = _render(application, kind)
    digest = hashlib.sha256(pdf).hexdigest()
    letter = DecisionLetter(
        application=application,
        version=version,
        sha256=digest,
        created_by=actor,
        reason=reason,
        kind=kind,
    )
    prefix = "vaststelling-" if kind == LetterKind.SETTLEMENT else ""
    name = f"{prefix}{application.reference or application.pk}-v{version}.pdf"
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
    existing = _latest(application, LetterKind.DECISION)
    if existing is not None:
        return existing
    if application.status not in _HAS_DECISION or application.decided_at is None:
        raise ValidationError(_("There is no decision yet, so there is no decision letter."))
    # Versions count on across kinds (a settlement letter may have been stored already).
    current = letter_current(application=application)
    return _store(
        application,
        actor=actor,
        version=(current.version if current else 0) + 1,
        reason=_("Decision letter issued"),
    )


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
        kind=current.kind,
    )


@transaction.atomic
def settlement_letter_issue(*, application: Application, actor: User | None) -> DecisionLetter:
    """The settlement decision (vaststellingsbeschikking) of a settled or reclaimed subsidy.

    Rendered and stored once, like the decision letter; versions count on from it.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    existing = _latest(application, LetterKind.SETTLEMENT)
    if existing is not None:
        return existing
    if application.status not in _SETTLED or application.settled_at is None:
        raise ValidationError(
            _("The subsidy is not settled yet, so there is no settlement letter.")
        )
    current = letter_current(application=application)
    return _store(
        application,
        actor=actor,
        version=(current.version if current else 0) + 1,
        reason=_("Settlement decision issued"),
        kind=LetterKind.SETTLEMENT,
    )


@task()
def issue_settlement_letter(*, application_id: int, actor_id: int | None) -> str:
    """Render and store the settlement letter once the settlement is committed."""
    application = Application.objects.select_related("scheme", "initiative").get(pk=application_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return settlement_letter_issue(application=application, actor=actor).sha256


def settlement_letter_on_commit(*, application: Application, actor: User | None) -> None:
    """Issue the settlement letter after the settlement (or reclaim) commits."""
    transaction.on_commit(
        partial(
            issue_settlement_letter.enqueue,
            application_id=application.pk,
            actor_id=actor.pk if actor else None,
        )
    )


def letter_bytes(letter: DecisionLetter) -> bytes:
    """The stored PDF, checked against its SHA-256 so a changed file is never served."""
    with letter.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != letter.sha256:
        raise ValueError(f"Decision letter {letter.pk} does not match its SHA-256")
    return content

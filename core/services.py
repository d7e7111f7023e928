"""Every state change of core: profiles, residency verification, letter codes.

Services take the acting user (never the request), check the permission
themselves, validate, save with a change reason for the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import (
    PanelMembership,
    Profile,
    ResidencyCode,
    ResidencyCodeBatch,
    ResidencyStatus,
    User,
    VerificationMethod,
    Wijk,
    normalize_postcode,
    validate_postcode,
)
from core.selectors import wijk_for_postcode
from plumbing import codes


def save_audited(instance, *, actor: User | None, reason: str) -> None:
    """Validate and save an audited object, recording who did it and why (every app uses it)."""
    instance.full_clean()
    instance._history_user = actor
    instance._change_reason = reason
    instance.save()


def _wijk_or_error(postcode: str) -> Wijk:
    wijk = wijk_for_postcode(postcode=postcode)
    if wijk is None:
        raise ValidationError(
            {
                "postcode": _(
                    "This postcode does not belong to a wijk that Wijkplein serves. "
                    "Check the postcode, or contact the municipality."
                )
            },
            code="unknown_postcode",
        )
    return wijk


def normalize_house_number(value: str) -> str:
    """House number with its addition, upper case and without spaces (12A, 7-2)."""
    return re.sub(r"\s+", "", value or "").upper()


def profile_create(
    *,
    user: User,
    display_name: str,
    postcode: str,
    house_number: str,
    birth_year: int | None = None,
    declares_residency: bool = False,
) -> Profile:
    """Create the resident profile at sign-up; the postcode must lie in a served wijk."""
    postcode = normalize_postcode(postcode)
    validate_postcode(postcode)
    profile = Profile(
        user=user,
        display_name=display_name.strip(),
        postcode=postcode,
        house_number=normalize_house_number(house_number),
        birth_year=birth_year,
        wijk=_wijk_or_error(postcode),
        residency_status=(
            ResidencyStatus.SELF_DECLARED if declares_residency else ResidencyStatus.UNVERIFIED
        ),
    )
    save_audited(profile, actor=user, reason=_("Account created"))
    return profile


@transaction.atomic
def profile_update(
    *,
    actor: User,
    profile: Profile,
    display_name: str,
    postcode: str,
    house_number: str,
    birth_year: int | None,
    declares_residency: bool,
) -> Profile:
    """Change one's own details; a new address drops an earlier verification."""
    if actor.pk != profile.user_id:
        raise PermissionDenied(_("You can only change your own details."))
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    postcode = normalize_postcode(postcode)
    validate_postcode(postcode)
    house_number = normalize_house_number(house_number)
    moved = (postcode, house_number) != (profile.postcode, profile.house_number)
    profile.display_name = display_name.strip()
    profile.birth_year = birth_year
    reason = _("Details changed")
    if moved:
        profile.postcode = postcode
        profile.house_number = house_number
        profile.wijk = _wijk_or_error(postcode)
        profile.residency_status = ResidencyStatus.UNVERIFIED
        profile.verification_method = ""
        profile.verified_by = None
        profile.verified_at = None
        reason = _("Address changed; residency must be verified again")
    if profile.residency_status != ResidencyStatus.VERIFIED:
        profile.residency_status = (
            ResidencyStatus.SELF_DECLARED if declares_residency else ResidencyStatus.UNVERIFIED
        )
    save_audited(profile, actor=actor, reason=reason)
    return profile


def _mark_verified(profile: Profile, *, actor: User, method: str, reason: str) -> Profile:
    profile.residency_status = ResidencyStatus.VERIFIED
    profile.verification_method = method
    profile.verified_by = actor
    profile.verified_at = timezone.now()
    save_audited(profile, actor=actor, reason=reason)
    return profile


@transaction.atomic
def resident_verify_by_staff(*, actor: User, profile: Profile, reason: str) -> Profile:
    """Council staff confirm a resident's address, stating how they checked it."""
    if not actor.has_perm("core.verify_resident", profile):
        raise PermissionDenied(_("Only council staff can verify residents."))
    if not reason.strip():
        raise ValidationError({"reason": _("State how the address was checked.")})
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    if profile.is_verified:
        raise ValidationError(_("This resident is already verified."))
    return _mark_verified(
        profile,
        actor=actor,
        method=VerificationMethod.STAFF,
        reason=_("Verified by staff: %(reason)s") % {"reason": reason.strip()},
    )


@dataclass(frozen=True)
class LetterAddress:
    """An address a letter goes to."""

    street: str
    house_number: str
    postcode: str

    @property
    def postcode_display(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}"


ADDRESS_LINE_RE = re.compile(
    r"^\s*(?P<street>.+?)\s+(?P<number>\d+[\w\-/]*)\s*[,;]\s*(?P<postcode>\d{4}\s?[A-Za-z]{2})\s*$"
)


def parse_address_lines(*, text: str, wijk: Wijk) -> list[LetterAddress]:
    """Read 'Street 12a, 6441 AB' lines; every line must be an address in the wijk."""
    addresses: list[LetterAddress] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = ADDRESS_LINE_RE.match(line)
        if not match:
            errors.append(_("Line %(n)d: write it as 'Street 12a, 6441 AB'.") % {"n": number})
            continue
        postcode = normalize_postcode(match["postcode"])
        if wijk_for_postcode(postcode=postcode) != wijk:
            errors.append(
                _("Line %(n)d: %(postcode)s is not in %(wijk)s.")
                % {"n": number, "postcode": postcode, "wijk": wijk.name}
            )
            continue
        key = (postcode, normalize_house_number(match["number"]))
        if key in seen:
            errors.append(_("Line %(n)d: this address is listed twice.") % {"n": number})
            continue
        seen.add(key)
        addresses.append(
            LetterAddress(street=match["street"].strip(), house_number=key[1], postcode=postcode)
        )
    if errors:
        raise ValidationError({"addresses": errors})
    if not addresses:
        raise ValidationError({"addresses": _("Enter at least one address.")})
    return addresses


MAX_CODES_PER_BATCH = 5000


def letter_codes_issue(
    *,
    addresses: list[LetterAddress],
    actor: User,
    build_row: Callable[[LetterAddress, codes.HashedCode], models.Model],
) -> list[tuple[LetterAddress, str]]:
    """Save one hashed code row per address and return the plain codes, this once only.

    `build_row(address, hashed)` returns the unsaved row (a residency code, a voting
    code); a selector that is already taken is drawn again.
    """
    letters: list[tuple[LetterAddress, str]] = []
    for address in addresses:
        for _attempt in range(20):
            plain = codes.generate_code()
            row = build_row(address, codes.hash_code(plain))
            # django-simple-history reads who and why from these attributes; it has no type hints.
            row._history_user = actor  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            letters.append((address, plain))
            break
        else:  # pragma: no cover - only with an exhausted selector space
            raise RuntimeError("Could not find a free code selector.")
    return letters


@transaction.atomic
def residency_code_batch_create(
    *, actor: User, wijk: Wijk, addresses: list[LetterAddress], note: str = ""
) -> tuple[ResidencyCodeBatch, list[tuple[LetterAddress, str]]]:
    """Create one code per address; the plain codes are returned once and never stored."""
    if not actor.has_perm("core.generate_residency_codes", wijk):
        raise PermissionDenied(_("Only council staff can generate letter codes."))
    if len(addresses) > MAX_CODES_PER_BATCH:
        raise ValidationError(
            {"addresses": _("At most %(n)d addresses per batch.") % {"n": MAX_CODES_PER_BATCH}}
        )
    batch = ResidencyCodeBatch(wijk=wijk, created_by=actor, note=note.strip())
    save_audited(
        batch,
        actor=actor,
        reason=_("%(n)d letter codes generated") % {"n": len(addresses)},
    )

    def build_row(address: LetterAddress, hashed: codes.HashedCode) -> ResidencyCode:
        return ResidencyCode(
            batch=batch,
            selector=hashed.selector,
            salt=hashed.salt,
            digest=hashed.digest,
            street=address.street,
            house_number=address.house_number,
            postcode=address.postcode,
        )

    letters = letter_codes_issue(addresses=addresses, actor=actor, build_row=build_row)
    return batch, letters


@transaction.atomic
def residency_code_batch_void(*, actor: User, batch: ResidencyCodeBatch, reason: str) -> None:
    """Make a batch's unused codes unusable (lost letters, a failed download)."""
    if not actor.has_perm("core.generate_residency_codes", batch.wijk):
        raise PermissionDenied(_("Only council staff can void letter codes."))
    batch = ResidencyCodeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.voided_at:
        raise ValidationError(_("This batch was already voided."))
    batch.voided_at = timezone.now()
    batch.voided_by = actor
    save_audited(
        batch, actor=actor, reason=_("Voided: %(reason)s") % {"reason": reason.strip() or "–"}
    )


class CodeRejected(ValidationError):
    """A letter code that cannot be used; the message says why in plain words."""


@transaction.atomic
def residency_code_redeem(*, user: User, code: str) -> Profile:
    """Verify the user's residency with the letter code sent to their address."""
    parts = codes.split_selector(code)
    unknown = CodeRejected(
        _("This code is not valid. Check the letter and try again."), code="invalid_code"
    )
    if parts is None:
        raise unknown
    selector, verifier = parts
    row = (
        ResidencyCode.objects.select_for_update()
        .select_related("batch")
        .filter(selector=selector)
        .first()
    )
    if row is None or not codes.verify(salt=row.salt, digest=row.digest, verifier=verifier):
        raise unknown
    if row.used_at is not None:
        raise CodeRejected(_("This code has already been used."), code="used_code")
    if row.batch.voided_at is not None:
        raise CodeRejected(
            _("This code is no longer valid. Ask the municipality for a new letter."),
            code="voided_code",
        )
    profile = Profile.objects.select_for_update().get(user=user)
    if (row.postcode, row.house_number) != (profile.postcode, profile.house_number):
        raise CodeRejected(
            _(
                "This code belongs to a different address than the one in your profile. "
                "Check your postcode and house number."
            ),
            code="other_address",
        )
    if profile.is_verified:
        raise CodeRejected(_("Your address is already verified."), code="already_verified")
    row.used_at = timezone.now()
    row.used_by = user
    save_audited(row, actor=user, reason=_("Code used"))
    return _mark_verified(
        profile,
        actor=user,
        method=VerificationMethod.LETTER_CODE,
        reason=_("Verified with a letter code"),
    )


# --- Wijkpanel membership ---------------------------------------------------------

PANEL_MEMBERSHIP_FIELDS = ("term_start", "term_end", "is_chair", "is_vice_chair")


def _overlapping(membership: PanelMembership) -> models.QuerySet[PanelMembership]:
    """Other seats in the same wijk whose term overlaps this one's."""
    others = PanelMembership.objects.filter(wijk_id=membership.wijk_id).exclude(pk=membership.pk)
    others = others.filter(
        models.Q(term_end__isnull=True) | models.Q(term_end__gte=membership.term_start)
    )
    if membership.term_end is not None:
        others = others.filter(term_start__lte=membership.term_end)
    return others


def _check_panel_rules(membership: PanelMembership) -> None:
    # A wijk's panel has one chair at a time (the chair writes the advice), and a person
    # holds one seat in a panel at a time (each member counts once towards the quorum).
    # The wijk's rows are locked first, so two staff members cannot both add a chair.
    list(PanelMembership.objects.select_for_update().filter(wijk_id=membership.wijk_id))
    overlapping = _overlapping(membership)
    if overlapping.filter(member_id=membership.member_id).exists():
        raise ValidationError(
            {"member": _("This person already has a seat in this wijkpanel in that period.")},
            code="seat_overlaps",
        )
    if membership.is_chair and overlapping.filter(is_chair=True).exists():
        raise ValidationError(
            {"is_chair": _("This wijkpanel already has a chair in that period.")},
            code="chair_overlaps",
        )
    if membership.is_vice_chair and overlapping.filter(is_vice_chair=True).exists():
        raise ValidationError(
            {"is_vice_chair": _("This wijkpanel already has a vice-chair in that period.")},
            code="vice_chair_overlaps",
        )


@transaction.atomic
def panel_membership_create(
    *,
    actor: User,
    wijk: Wijk,
    member: User,
    term_start,
    term_end=None,
    is_chair: bool = False,
    is_vice_chair: bool = False,
) -> PanelMembership:
    """Staff give someone a seat (or the chair, or the vice-chair) in a wijkpanel for a term."""
    if not actor.has_perm("core.add_panelmembership", wijk):
        raise PermissionDenied(_("Only council staff can appoint wijkpanel members."))
    membership = PanelMembership(
        wijk=wijk,
        member=member,
        term_start=term_start,
        term_end=term_end,
        is_chair=is_chair,
        is_vice_chair=is_vice_chair,
    )
    membership.full_clean()
    _check_panel_rules(membership)
    save_audited(membership, actor=actor, reason=_("Appointed to the wijkpanel"))
    return membership


@transaction.atomic
def panel_membership_update(
    *, actor: User, membership: PanelMembership, **fields
) -> PanelMembership:
    """Staff change a seat's term, chair or vice-chair; ending a term keeps the seat's history."""
    if not actor.has_perm("core.change_panelmembership", membership):
        raise PermissionDenied(_("Only council staff can change wijkpanel memberships."))
    unknown = set(fields) - set(PANEL_MEMBERSHIP_FIELDS)
    if unknown:
        raise TypeError(f"unknown panel membership fields: {sorted(unknown)}")
    membership = PanelMembership.objects.select_for_update().get(pk=membership.pk)
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.full_clean()
    _check_panel_rules(membership)
    save_audited(membership, actor=actor, reason=_("Wijkpanel membership changed"))
    return membership

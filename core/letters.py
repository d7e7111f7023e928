"""Letters on paper: what they say of the municipality, and residents asking for a code letter.

Kept apart from services.py and selectors.py (both long already): what every letter
template says of the municipality (core.models.Municipality, the one of the letter's wijk),
and the few services and one selector of a resident's request for a residency letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.models import (
    Municipality,
    Profile,
    ResidencyCodeBatch,
    ResidencyLetterRequest,
    ResidencyStatus,
    User,
    Wijk,
)
from core.municipalities import municipality_of_wijk
from core.services import LetterAddress, residency_code_batch_create, save_audited
from plumbing.pdf import site_url


@dataclass(frozen=True)
class LetterDetails:
    """The municipality as letters name it, who signs, and where to object."""

    municipality: str
    place: str
    signatory_name: str
    signatory_role: str
    objection_address: str
    objection_email: str
    site_url: str

    @property
    def municipality_in_text(self) -> str:
        """The name inside a Dutch sentence: 'Gemeente Utrecht' becomes 'de gemeente Utrecht'."""
        prefix = "gemeente "
        if self.municipality.lower().startswith(prefix):
            return "de gemeente " + self.municipality[len(prefix) :]
        return self.municipality


def letter_details(*, municipality: Municipality) -> LetterDetails:
    """What a letter of this municipality says of it: its name, who signs, where to object."""
    return LetterDetails(
        municipality=municipality.name.strip(),
        place=municipality.short_name,
        signatory_name=municipality.signatory_name.strip(),
        signatory_role=municipality.signatory_role.strip(),
        objection_address=municipality.objection_address.strip(),
        objection_email=municipality.objection_email.strip(),
        site_url=site_url(),
    )


def letter_details_for_wijk(wijk: Wijk | None) -> LetterDetails:
    """The letter details of the wijk's municipality (without a wijk: the default one)."""
    return letter_details(municipality=municipality_of_wijk(wijk))


# --- Residents ask for a residency letter ------------------------------------------


def letter_request_open(*, profile: Profile) -> ResidencyLetterRequest | None:
    """The resident's request for a letter that staff have not handled yet."""
    return profile.letter_requests.filter(handled_at__isnull=True).first()


def letter_requests_for_staff() -> models.QuerySet[ResidencyLetterRequest]:
    """Open requests for a residency letter, oldest first, with the resident and the wijk.

    A resident verified in the meantime (at the desk, with an earlier letter) needs no
    letter any more, so their request is left out.
    """
    return (
        ResidencyLetterRequest.objects.filter(handled_at__isnull=True)
        .exclude(profile__residency_status=ResidencyStatus.VERIFIED)
        .select_related("profile__user", "profile__wijk")
    )


@transaction.atomic
def residency_letter_request(*, actor: User) -> ResidencyLetterRequest:
    """A resident who signed up asks for a letter with a code for their address."""
    profile = Profile.objects.select_for_update().filter(user=actor).first()
    if profile is None:
        raise ValidationError(_("Fill in your postcode and house number first."))
    if not actor.has_perm("core.request_residency_letter", profile):
        raise PermissionDenied(_("Only the resident can ask for a letter to their address."))
    if profile.is_verified:
        raise ValidationError(_("Your address is already verified: you need no letter."))
    if profile.wijk_id is None:
        raise ValidationError(
            _(
                "Your postcode is not in a wijk of Wijkplein, so there is no letter to send. "
                "Check your postcode and house number."
            )
        )
    existing = letter_request_open(profile=profile)
    if existing is not None:
        raise ValidationError(
            _("You already asked for a letter on %(date)s; it is on its way by post.")
            % {"date": date_format(timezone.localtime(existing.requested_at), "j F Y")}
        )
    letter_request = ResidencyLetterRequest(profile=profile)
    try:
        with transaction.atomic():
            save_audited(letter_request, actor=actor, reason=_("Residency letter requested"))
    except IntegrityError as error:  # a second click at the same moment
        raise ValidationError(_("You already asked for a letter.")) from error
    return letter_request


@transaction.atomic
def residency_letter_request_close(
    *, actor: User, letter_request: ResidencyLetterRequest, reason: str
) -> ResidencyLetterRequest:
    """Staff close a request without printing here (helped at the desk, address unknown)."""
    if not actor.has_perm("core.generate_residency_codes", letter_request.profile.wijk):
        raise PermissionDenied(_("Only council staff can handle requests for a letter."))
    if not reason.strip():
        raise ValidationError({"reason": _("State how the request was handled.")})
    letter_request = ResidencyLetterRequest.objects.select_for_update().get(pk=letter_request.pk)
    if letter_request.handled_at is not None:
        raise ValidationError(_("This request was already handled."))
    letter_request.handled_at = timezone.now()
    letter_request.handled_by = actor
    save_audited(
        letter_request,
        actor=actor,
        reason=_("Request handled: %(reason)s") % {"reason": reason.strip()},
    )
    return letter_request


@transaction.atomic
def residency_letters_print(
    *, actor: User, wijk: Wijk, addresses: list[LetterAddress], note: str = ""
) -> tuple[ResidencyCodeBatch, list[tuple[LetterAddress, str]]]:
    """A batch of code letters; the open requests of residents at these addresses are done."""
    batch, letters = residency_code_batch_create(
        actor=actor, wijk=wijk, addresses=addresses, note=note
    )
    printed = {(address.postcode, address.house_number) for address in addresses}
    now = timezone.now()
    waiting = (
        ResidencyLetterRequest.objects.select_for_update(of=("self",))
        .filter(handled_at__isnull=True, profile__wijk=wijk)
        .select_related("profile")
    )
    for letter_request in waiting:
        profile = letter_request.profile
        if (profile.postcode, profile.house_number) in printed:
            letter_request.handled_at = now
            letter_request.handled_by = actor
            letter_request.batch = batch
            save_audited(letter_request, actor=actor, reason=_("Residency letter printed"))
    return batch, letters

"""State changes of identity: login records, organisations, residency from the BRP."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Profile, ResidencyStatus, User, VerificationMethod, normalize_postcode
from core.selectors import wijk_for_postcode
from core.services import normalize_house_number, save_audited
from identity.models import LoginMethod, LoginRecord, Organisation, OrganisationMember

# The residency verification method of a DigiD login with the address from the BRP.
DIGID_BRP = VerificationMethod.DIGID_BRP


@transaction.atomic
def login_record(
    *, user: User, method: str, level_of_assurance: str, organisation: Organisation | None = None
) -> LoginRecord:
    """Record a DigiD or eHerkenning login of `user` (the person themself is the actor)."""
    record = LoginRecord(
        user=user, method=method, level_of_assurance=level_of_assurance, organisation=organisation
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def organisation_authorise(*, user: User, kvk_number: str, name: str) -> Organisation:
    """After an authorised eHerkenning login: the organisation (created the first time, its
    name kept up to date) and `user` as someone who may act for it."""
    organisation = Organisation.objects.select_for_update().filter(kvk_number=kvk_number).first()
    if organisation is None:
        organisation = Organisation(kvk_number=kvk_number, name=name)
        save_audited(organisation, actor=user, reason=_("Organisation known through eHerkenning"))
    elif name and not name.startswith("KVK ") and organisation.name != name:
        organisation.name = name
        save_audited(organisation, actor=user, reason=_("Name given by eHerkenning"))
    member = OrganisationMember.objects.filter(organisation=organisation, user=user).first()
    if member is None:
        member = OrganisationMember(organisation=organisation, user=user)
        reason = _("Authorised through eHerkenning")
    else:
        reason = _("Authorised again through eHerkenning")
    member.last_authorised_at = timezone.now()
    save_audited(member, actor=user, reason=reason)
    return organisation


@transaction.atomic
def residency_verify_by_brp(*, user: User, postcode: str, house_number: str) -> Profile | None:
    """A DigiD login at the required level with the BRP's address: the profile takes that
    address and its residency is verified. None (nothing changed) without a profile or when
    the address lies outside the wijken Wijkplein serves."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    postcode = normalize_postcode(postcode)
    wijk = wijk_for_postcode(postcode=postcode)
    if profile is None or wijk is None:
        return None
    house_number = normalize_house_number(house_number)
    if (
        profile.is_verified
        and profile.verification_method == DIGID_BRP
        and (profile.postcode, profile.house_number, profile.wijk_id)
        == (postcode, house_number, wijk.pk)
    ):
        return profile
    profile.postcode = postcode
    profile.house_number = house_number
    profile.wijk = wijk
    profile.residency_status = ResidencyStatus.VERIFIED
    profile.verification_method = DIGID_BRP
    profile.verified_by = None
    profile.verified_at = timezone.now()
    save_audited(profile, actor=user, reason=_("Address verified with DigiD and the BRP"))
    return profile


def method_label(method: str) -> str:
    """DigiD or eHerkenning."""
    return LoginMethod(method).label

"""Predicates shared by every app, and the permissions of core.

Rights come from these rules (django-rules), never from `is_staff`.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from core.models import PanelMembership, Profile, ResidencyStatus, Wijk
from core.roles import COUNCIL_STAFF


def _wijk_of(obj) -> Wijk | None:
    """The wijk an object belongs to: a Wijk itself or anything with a `wijk`."""
    if obj is None:
        return None
    if isinstance(obj, Wijk):
        return obj
    return getattr(obj, "wijk", None)


@rules.predicate
def is_council_staff(user) -> bool:
    """Member of the council staff group."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "in_council_staff", None)
    if cached is None:
        cached = user.groups.filter(name=COUNCIL_STAFF).exists()
        user.in_council_staff = cached
    return cached


@rules.predicate
def is_wijk_coordinator(user, obj=None) -> bool:
    """Council staff linked to the wijk of the object as its coordinator."""
    wijk = _wijk_of(obj)
    if not user.is_authenticated or wijk is None:
        return False
    return wijk.coordinators.filter(user=user).exists()


@rules.predicate
def is_panel_member_of_wijk(user, obj=None) -> bool:
    """A wijkpanel member of the object's wijk whose term includes today."""
    wijk = _wijk_of(obj)
    if not user.is_authenticated or wijk is None:
        return False
    return (
        PanelMembership.objects.active_on(timezone.localdate())
        .filter(wijk=wijk, member=user)
        .exists()
    )


@rules.predicate
def is_panel_chair_of_wijk(user, obj=None) -> bool:
    """The active chair of the wijkpanel of the object's wijk."""
    wijk = _wijk_of(obj)
    if not user.is_authenticated or wijk is None:
        return False
    return (
        PanelMembership.objects.active_on(timezone.localdate())
        .filter(wijk=wijk, member=user, is_chair=True)
        .exists()
    )


def _profile(user) -> Profile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


@rules.predicate
def is_verified_resident(user) -> bool:
    """A resident whose address was verified by a letter code or by staff."""
    profile = _profile(user)
    return profile is not None and profile.residency_status == ResidencyStatus.VERIFIED


@rules.predicate
def is_resident_of_wijk(user, obj=None) -> bool:
    """A resident (any residency status) whose postcode lies in the object's wijk."""
    profile = _profile(user)
    wijk = _wijk_of(obj)
    return profile is not None and wijk is not None and profile.wijk_id == wijk.pk


@rules.predicate
def is_verified_resident_of_wijk(user, obj=None) -> bool:
    """A verified resident of the object's wijk."""
    return is_verified_resident(user) and is_resident_of_wijk(user, obj)


@rules.predicate
def is_profile_owner(user, profile=None) -> bool:
    """The resident whose profile this is."""
    return profile is not None and user.is_authenticated and profile.user_id == user.pk


rules.add_perm("core.access_staff_area", is_council_staff)
rules.add_perm("core.verify_resident", is_council_staff)
rules.add_perm("core.view_profile", is_profile_owner | is_council_staff)
rules.add_perm("core.view_profile_history", is_profile_owner | is_council_staff)
rules.add_perm("core.generate_residency_codes", is_council_staff)
rules.add_perm("core.redeem_residency_code", rules.is_authenticated)
rules.add_perm("core.request_residency_letter", is_profile_owner)
# The letter settings (who signs, where to object) are edited by staff in the CMS.
rules.add_perm("core.change_lettersettings", is_council_staff)
# Model permissions used by the Wagtail admin viewsets.
for model in ("wijk", "wijkpostcode", "panelmembership", "wijkcoordinator"):
    for action in ("add", "change", "delete", "view"):
        rules.add_perm(f"core.{action}_{model}", is_council_staff)
rules.add_perm("core.view_failed_notifications", is_council_staff)

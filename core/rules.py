"""Predicates shared by every app, and the permissions of core.

Rights come from these rules (django-rules), never from `is_staff`.

Council roles (core/roles.py, docs/glossary.md). `is_council_staff` ("Gemeentemedewerkers") is
the base: it opens /beheer/ and gives no right to act. The rights come from scoped roles: a
group plus rows saying where the role holds. A scoped predicate asked about an object holds
only for the object's own wijk or scheme; asked without one (a list page or a form that
starts something) it holds for anyone with the role, and the page then lists only what
the person may act on through a selector (`core.selectors.wijken_coordinated_by` and the
like). A functional administrator assigns roles and sees no resident details.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from core.models import PanelMembership, Profile, ResidencyStatus, Wijk, WijkCoordinator
from core.roles import COUNCIL_STAFF, FUNCTIONAL_ADMINS, WIJK_COORDINATORS


def wijk_of(obj) -> Wijk | None:
    """The wijk an object belongs to: a Wijk itself or anything with a `wijk`."""
    if obj is None:
        return None
    if isinstance(obj, Wijk):
        return obj
    if hasattr(obj, "wijk"):
        return obj.wijk
    # A resident's letter request belongs to the wijk of the resident's profile.
    profile = getattr(obj, "profile", None)
    return getattr(profile, "wijk", None)


def has_role(user, group_name: str) -> bool:
    """The user is in the named role group (and is council staff: roles sit on that base)."""
    if not is_council_staff(user):
        return False
    return user.groups.filter(name=group_name).exists()


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
    """A wijkcoördinator of the object's wijk: council staff in the coordinators' group with
    a WijkCoordinator row for that wijk; without an object, anyone with the role (a list then
    shows only their own wijken)."""
    if not has_role(user, WIJK_COORDINATORS):
        return False
    rows = WijkCoordinator.objects.filter(user=user)
    if obj is None:
        return True
    wijk = wijk_of(obj)
    return wijk is not None and rows.filter(wijk=wijk).exists()


@rules.predicate
def is_functional_admin(user) -> bool:
    """Functional administration: assigns accounts and roles, never sees content."""
    return user.is_authenticated and user.groups.filter(name=FUNCTIONAL_ADMINS).exists()


@rules.predicate
def is_panel_member_of_wijk(user, obj=None) -> bool:
    """A wijkpanel member of the object's wijk whose term includes today."""
    wijk = wijk_of(obj)
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
    wijk = wijk_of(obj)
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
    wijk = wijk_of(obj)
    return profile is not None and wijk is not None and profile.wijk_id == wijk.pk


@rules.predicate
def is_verified_resident_of_wijk(user, obj=None) -> bool:
    """A verified resident of the object's wijk."""
    return is_verified_resident(user) and is_resident_of_wijk(user, obj)


@rules.predicate
def is_profile_owner(user, profile=None) -> bool:
    """The resident whose profile this is."""
    return profile is not None and user.is_authenticated and profile.user_id == user.pk


# The base: council staff reach /beheer/; each page then asks for a scoped right.
rules.add_perm("core.access_staff_area", is_council_staff)
# Residents, their verification and letter codes: the coordinators of the resident's wijk.
rules.add_perm("core.verify_resident", is_wijk_coordinator)
rules.add_perm("core.view_profile", is_profile_owner | is_wijk_coordinator)
rules.add_perm("core.view_profile_history", is_profile_owner | is_wijk_coordinator)
rules.add_perm("core.generate_residency_codes", is_wijk_coordinator)
rules.add_perm("core.redeem_residency_code", rules.is_authenticated)
rules.add_perm("core.request_residency_letter", is_profile_owner)
# Model permissions used by the Wagtail admin viewsets (core/wagtail_hooks.py). A wijk, its
# postcodes and its panel seats: its coordinators; a new wijk and who coordinates where:
# the functional administrator, who assigns roles and sees no content.
for model in ("wijkpostcode", "panelmembership"):
    for action in ("add", "change", "delete", "view"):
        rules.add_perm(f"core.{action}_{model}", is_wijk_coordinator)
rules.add_perm("core.view_wijk", is_wijk_coordinator | is_functional_admin)
rules.add_perm("core.change_wijk", is_wijk_coordinator)
rules.add_perm("core.add_wijk", is_functional_admin)
rules.add_perm("core.delete_wijk", is_functional_admin)
for action in ("add", "change", "delete", "view"):
    rules.add_perm(f"core.{action}_wijkcoordinator", is_functional_admin)
rules.add_perm("core.view_failed_notifications", is_functional_admin)

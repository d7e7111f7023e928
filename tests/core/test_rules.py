"""Who may do what in core, for every kind of user; panel rights end with the term.

Council staff act only where a scoped role holds: the base group opens /beheer/, a
wijkcoördinator acts in their own wijken, the functional administrator assigns roles.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core import rules as core_rules
from core.models import ResidencyStatus
from core.services import resident_verify_by_staff
from tests.factories import (
    PanelMembershipFactory,
    ProfileFactory,
    UserFactory,
    VerifiedProfileFactory,
    WijkCoordinatorFactory,
    make_base_staff,
    make_budget_officer,
    make_coordinator,
    make_functional_admin,
    make_staff,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def people(wijk, other_wijk):
    """One user of every kind, keyed by a readable name."""
    staff = make_staff()
    return {
        "anonymous": AnonymousUser(),
        "no_profile": UserFactory(),
        "unverified_resident": ProfileFactory(wijk=wijk, postcode="6441AB").user,
        "verified_resident": VerifiedProfileFactory(wijk=wijk, postcode="6441AB").user,
        "resident_other_wijk": VerifiedProfileFactory(wijk=other_wijk, postcode="9733AB").user,
        "panel_member": PanelMembershipFactory(
            wijk=wijk, term_start=TODAY.replace(month=1), term_end=None
        ).member,
        "panel_chair": PanelMembershipFactory(
            wijk=wijk, is_chair=True, term_start=TODAY.replace(month=1)
        ).member,
        "former_panel_member": PanelMembershipFactory(
            wijk=wijk, term_start=datetime.date(2020, 1, 1), term_end=TODAY.replace(month=5)
        ).member,
        "future_panel_member": PanelMembershipFactory(
            wijk=wijk, term_start=TODAY.replace(month=9), term_end=None
        ).member,
        "panel_member_other_wijk": PanelMembershipFactory(
            wijk=other_wijk, term_start=TODAY.replace(month=1)
        ).member,
        "coordinator": WijkCoordinatorFactory(wijk=wijk).user,
        "coordinator_other_wijk": make_coordinator(other_wijk),
        # A coordinator row left behind after the role was taken away gives no right.
        "coordinator_row_without_role": WijkCoordinatorFactory(
            wijk=wijk, user=make_base_staff()
        ).user,
        "budget_officer": make_budget_officer(wijk),
        "base_staff": make_base_staff(),
        "functional_admin": make_functional_admin(),
        "staff": staff,
        "is_staff_flag_only": UserFactory(is_staff=True),
    }


EXPECTED = {
    # predicate: the kinds of user for which it holds (for `wijk`)
    "is_council_staff": {
        "coordinator",
        "coordinator_other_wijk",
        "coordinator_row_without_role",
        "budget_officer",
        "base_staff",
        "staff",
    },
    "is_wijk_coordinator": {"coordinator", "staff"},
    "is_panel_member_of_wijk": {"panel_member", "panel_chair"},
    "is_panel_chair_of_wijk": {"panel_chair"},
    "is_verified_resident_of_wijk": {"verified_resident"},
    "is_resident_of_wijk": {"unverified_resident", "verified_resident"},
}


@pytest.mark.parametrize("predicate", sorted(EXPECTED))
def test_predicates_hold_for_exactly_the_right_people(predicate, people, wijk, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC))
    check = getattr(core_rules, predicate)
    holders = set()
    for name, user in people.items():
        needs_object = predicate != "is_council_staff"
        result = check(user, wijk) if needs_object else check(user)
        if result:
            holders.add(name)
    assert holders == EXPECTED[predicate]


PERMISSIONS = {
    "core.access_staff_area": EXPECTED["is_council_staff"],
    "core.verify_resident": {"coordinator", "staff"},
    "core.generate_residency_codes": {"coordinator", "staff"},
    "core.add_panelmembership": {"coordinator", "staff"},
    "core.change_wijk": {"coordinator", "staff"},
    # Roles and the wijken themselves: the functional administrator, who sees no content.
    "core.add_wijkcoordinator": {"functional_admin", "staff"},
    "core.add_wijk": {"functional_admin", "staff"},
    "core.view_wijk": {"coordinator", "staff", "functional_admin"},
}


@pytest.mark.parametrize("perm", sorted(PERMISSIONS))
def test_permissions_come_from_rules_not_from_is_staff(perm, people, wijk):
    holders = {name for name, user in people.items() if user.has_perm(perm, wijk)}
    assert holders == PERMISSIONS[perm]


def test_a_profile_is_visible_to_its_owner_and_staff_only(people, wijk):
    profile = people["verified_resident"].profile
    allowed = {name for name, user in people.items() if user.has_perm("core.view_profile", profile)}
    assert allowed == {"verified_resident", "coordinator", "staff"}


def test_a_coordinator_of_another_wijk_is_refused_the_verification(people, wijk):
    profile = ProfileFactory(wijk=wijk, postcode="6441AD")
    with pytest.raises(PermissionDenied):
        resident_verify_by_staff(
            actor=people["coordinator_other_wijk"], profile=profile, reason="Aan de balie"
        )
    profile.refresh_from_db()
    assert profile.residency_status == ResidencyStatus.UNVERIFIED


def test_without_an_object_a_scoped_role_holds_where_it_holds_anywhere(people):
    """List pages ask without an object; the selectors then narrow the list."""
    holders = {name for name, user in people.items() if core_rules.is_wijk_coordinator(user)}
    assert holders == {"coordinator", "coordinator_other_wijk", "staff"}


def test_panel_rights_end_the_day_after_the_term_ends(wijk, time_machine):
    membership = PanelMembershipFactory(
        wijk=wijk, term_start=datetime.date(2026, 1, 1), term_end=datetime.date(2026, 6, 30)
    )
    time_machine.move_to(datetime.datetime(2026, 6, 30, 21, tzinfo=datetime.UTC))
    assert timezone.localdate() == datetime.date(2026, 6, 30)
    assert core_rules.is_panel_member_of_wijk(membership.member, wijk)

    time_machine.move_to(datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC))
    assert timezone.localdate() == datetime.date(2026, 7, 1)
    assert not core_rules.is_panel_member_of_wijk(membership.member, wijk)

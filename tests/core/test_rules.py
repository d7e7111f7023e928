"""Who may do what in core, for every kind of user; panel rights end with the term."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from core import rules as core_rules
from tests.factories import (
    PanelMembershipFactory,
    ProfileFactory,
    UserFactory,
    VerifiedProfileFactory,
    WijkCoordinatorFactory,
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
        "staff": staff,
        "is_staff_flag_only": UserFactory(is_staff=True),
    }


EXPECTED = {
    # predicate: the kinds of user for which it holds (for `wijk`)
    "is_council_staff": {"coordinator", "staff"},
    "is_wijk_coordinator": {"coordinator"},
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
    "core.access_staff_area": {"coordinator", "staff"},
    "core.verify_resident": {"coordinator", "staff"},
    "core.generate_residency_codes": {"coordinator", "staff"},
    "core.add_panelmembership": {"coordinator", "staff"},
    "core.change_wijk": {"coordinator", "staff"},
}


@pytest.mark.parametrize("perm", sorted(PERMISSIONS))
def test_permissions_come_from_rules_not_from_is_staff(perm, people, wijk):
    holders = {name for name, user in people.items() if user.has_perm(perm, wijk)}
    assert holders == PERMISSIONS[perm]


def test_a_profile_is_visible_to_its_owner_and_staff_only(people, wijk):
    profile = people["verified_resident"].profile
    allowed = {name for name, user in people.items() if user.has_perm("core.view_profile", profile)}
    assert allowed == {"verified_resident", "coordinator", "staff"}


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

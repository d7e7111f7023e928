"""The Wagtail admin's wijk screens keep to the wijken a person manages (#17): a
wijkcoördinator lists and opens only their own wijken's postcodes and panel seats, a budget
or subsidy officer only their own rounds and schemes; the rest is not listed and answers 404.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from core.models import WijkPostcode
from core.roles import BUDGET_OFFICERS, FUNCTIONAL_ADMINS
from tests.factories import (
    PanelMembershipFactory,
    make_base_staff,
    make_budget_officer,
    make_coordinator,
    make_subsidy_officer,
)
from tests.factories.budget import RoundFactory
from tests.factories.subsidies import SchemeFactory

pytestmark = pytest.mark.django_db


def _log_in(client, user):
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return client


def test_a_coordinator_lists_and_opens_only_their_own_wijk(client, wijk, other_wijk):
    _log_in(client, make_coordinator(wijk))
    own = WijkPostcode.objects.get(wijk=wijk, code="6441")
    other = WijkPostcode.objects.get(wijk=other_wijk, code="9733")
    listing = client.get(reverse("wijkpostcode:index"))
    assert listing.status_code == 200
    assert reverse("wijkpostcode:edit", args=[own.pk]) in listing.content.decode()
    assert reverse("wijkpostcode:edit", args=[other.pk]) not in listing.content.decode()
    assert client.get(reverse("wijkpostcode:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("wijkpostcode:edit", args=[other.pk])).status_code == 404

    seat = PanelMembershipFactory(wijk=other_wijk)
    assert client.get(reverse("panelmembership:edit", args=[seat.pk])).status_code == 404
    assert client.get(reverse("wijk:edit", args=[other_wijk.pk])).status_code == 404
    # Who coordinates where is the functional administrator's to say.
    assert client.get(reverse("wijkcoordinator:index")).status_code in (302, 403)


def test_a_coordinator_cannot_add_a_postcode_to_another_wijk(client, wijk, other_wijk):
    _log_in(client, make_coordinator(wijk))
    response = client.post(reverse("wijkpostcode:add"), {"wijk": other_wijk.pk, "code": "9734"})
    assert response.status_code == 200  # the form again: that wijk is not a choice
    assert not WijkPostcode.objects.filter(code="9734").exists()


def test_a_budget_officer_lists_and_opens_only_their_own_rounds(client, wijk, other_wijk):
    _log_in(client, make_budget_officer(wijk))
    own = RoundFactory(wijk=wijk, phase="voting", name="Ronde van hier")
    other = RoundFactory(wijk=other_wijk, phase="voting", name="Ronde van elders")
    listing = client.get(reverse("budget_round:index")).content.decode()
    assert own.name in listing and other.name not in listing
    assert client.get(reverse("budget_round:edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("budget_round:edit", args=[own.pk])).status_code == 200


def test_a_subsidy_officer_lists_and_opens_only_their_own_schemes(client, wijk, other_wijk):
    own = SchemeFactory(wijk=wijk, name="Regeling van hier")
    other = SchemeFactory(wijk=other_wijk, name="Regeling van elders")
    _log_in(client, make_subsidy_officer(own))
    listing = client.get(reverse("subsidy_scheme:index")).content.decode()
    assert own.name in listing and other.name not in listing
    assert client.get(reverse("subsidy_scheme:edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("subsidy_scheme:edit", args=[own.pk])).status_code == 200


def test_the_functional_administrator_names_who_holds_a_role_where(client, wijk):
    admin = make_base_staff(FUNCTIONAL_ADMINS, email="beheer@example.org")
    officer = make_base_staff(BUDGET_OFFICERS, email="budget@example.org")
    _log_in(client, admin)
    for viewset in ("wijkcoordinator", "budget_officer", "subsidy_scheme_officer"):
        assert client.get(reverse(f"{viewset}:add")).status_code == 200, viewset
    response = client.post(reverse("budget_officer:add"), {"wijk": wijk.pk, "user": officer.pk})
    assert response.status_code == 302
    assert officer.has_perm("budget.manage_round", RoundFactory(wijk=wijk, phase="voting"))


def test_scoped_staff_cannot_name_role_holders(client, wijk):
    _log_in(client, make_coordinator(wijk))
    for viewset in ("wijkcoordinator", "budget_officer", "subsidy_scheme_officer"):
        assert client.get(reverse(f"{viewset}:add")).status_code in (302, 403), viewset

"""Pages check permission on the object; staff need two-factor; history is shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import PanelMembership, ResidencyStatus
from core.roles import COUNCIL_STAFF
from tests.factories import PanelMembershipFactory, ProfileFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("core:staff_home", {}),
    ("core:staff_residents", {}),
    ("core:staff_code_batches", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_redirect_anonymous_users_to_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_are_forbidden_to_residents_and_panel_members(
    client, resident, panel_chair, name, kwargs
):
    for user in (resident, panel_chair):
        client.force_login(user)
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_open_for_staff_with_two_factor(staff_client, name, kwargs):
    assert staff_client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_staff_without_two_factor_are_sent_to_set_it_up(client, staff):
    client.force_login(staff)

    response = client.get(reverse("core:staff_home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    # allauth first asks for the password again; that page is reachable too.
    response = client.get(response.url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/")


def test_the_wagtail_admin_login_goes_through_allauth(client):
    response = client.get("/cms-admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    response = client.get("/cms-admin/")
    assert response.url.startswith(reverse("account_login"))


def test_staff_reach_the_wagtail_admin(staff_client):
    assert staff_client.get("/cms-admin/").status_code == 200


def test_a_resident_cannot_open_the_wagtail_admin(client, resident):
    client.force_login(resident)
    response = client.get("/cms-admin/")
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith("/cms-admin/")


def test_staff_verify_a_resident_and_the_timeline_shows_who_and_why(staff_client, staff, wijk):
    profile = ProfileFactory(wijk=wijk, postcode="6441AB")
    url = reverse("core:staff_resident_detail", kwargs={"pk": profile.pk})

    response = staff_client.post(url, {"reason": "Paspoort gezien aan de balie"}, follow=True)

    profile.refresh_from_db()
    assert profile.residency_status == ResidencyStatus.VERIFIED
    assert profile.verified_by == staff
    content = response.content.decode()
    assert "Paspoort gezien aan de balie" in content
    assert str(staff) in content


def test_staff_verification_without_a_reason_changes_nothing(staff_client, wijk):
    profile = ProfileFactory(wijk=wijk, postcode="6441AB")
    url = reverse("core:staff_resident_detail", kwargs={"pk": profile.pk})

    response = staff_client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert "Dit is een verplicht veld." in response.content.decode()
    profile.refresh_from_db()
    assert profile.residency_status == ResidencyStatus.UNVERIFIED


def test_a_resident_sees_their_own_timeline_but_not_anothers(client, resident, wijk):
    other = ProfileFactory(wijk=wijk, postcode="6441AB")
    client.force_login(resident)

    assert client.get(reverse("core:my_profile")).status_code == 200
    url = reverse("core:staff_resident_detail", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 403


def test_moving_house_drops_the_verification_and_records_why(client, resident, wijk):
    client.force_login(resident)

    response = client.post(
        reverse("core:profile_edit"),
        {"display_name": "Sanne", "postcode": "6443 AB", "house_number": "3"},
        follow=True,
    )

    assert response.status_code == 200
    resident.profile.refresh_from_db()
    assert resident.profile.postcode == "6443AB"
    assert resident.profile.residency_status == ResidencyStatus.UNVERIFIED
    assert "opnieuw worden geverifieerd" in response.content.decode()


def test_a_profile_change_to_an_unknown_postcode_changes_nothing(client, resident):
    client.force_login(resident)

    response = client.post(
        reverse("core:profile_edit"),
        {"display_name": "Sanne", "postcode": "1012AB", "house_number": "3"},
    )

    assert response.status_code == 200
    assert 'value="1012AB"' in response.content.decode()
    resident.profile.refresh_from_db()
    assert resident.profile.postcode == "6441AB"
    assert resident.profile.is_verified


def test_the_language_switch_shows_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("account_login"))
    assert '<html lang="en"' in response.content.decode()


def test_the_language_link_switches_to_english_and_returns_to_the_page(client):
    response = client.get(reverse("core:language", args=["en"]) + "?next=/initiatieven/?page=2")

    assert response.status_code == 302
    assert response.url == "/initiatieven/?page=2"
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in page
    assert 'hreflang="nl"' in page and ">Nederlands</a>" in page


def test_the_language_link_never_sends_the_visitor_to_another_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get(reverse("core:language", args=["en"]), {"next": target})
        assert response.url == "/"


def test_an_unknown_language_is_not_found_and_sets_nothing(client):
    response = client.get(reverse("core:language", args=["xx"]))

    assert response.status_code == 404
    assert "django_language" not in response.cookies


def test_role_changes_appear_in_the_staff_view_of_a_person(staff_client, staff, wijk):
    profile = ProfileFactory(wijk=wijk, postcode="6441AB")
    membership = PanelMembershipFactory(wijk=wijk, member=profile.user)
    membership.is_chair = True
    membership._history_user = staff
    membership.save()
    profile.user.groups.add(Group.objects.get(name=COUNCIL_STAFF))
    PanelMembership.objects.filter(pk=membership.pk).first().delete()

    response = staff_client.get(reverse("core:staff_resident_detail", kwargs={"pk": profile.pk}))

    content = response.content.decode()
    assert "Rollen" in content
    assert "Lidmaatschap wijkpanel" in content
    assert "Voorzitter" in content or "voorzitter" in content
    assert COUNCIL_STAFF in content
    assert "(verwijderd)" in content


def test_public_pages_forbid_inline_scripts_but_the_admin_may_use_them(client, staff_client):
    public = client.get(reverse("account_login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in public.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "frame-ancestors 'none'" in public

    admin = staff_client.get("/cms-admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in admin

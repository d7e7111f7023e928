"""Staff manage wijken, postcodes, panel members and coordinators in the Wagtail admin."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from wagtail.permissions import policy_registry

from core.models import PanelMembership

pytestmark = pytest.mark.django_db

VIEWSETS = ["wijk", "wijkpostcode", "panelmembership", "wijkcoordinator"]


@pytest.mark.parametrize("viewset", VIEWSETS)
def test_staff_open_the_listing_and_the_add_form(staff_client, wijk, viewset):
    assert staff_client.get(reverse(f"{viewset}:index")).status_code == 200
    assert staff_client.get(reverse(f"{viewset}:add")).status_code == 200


@pytest.mark.parametrize("viewset", VIEWSETS)
def test_residents_and_panel_chairs_do_not_get_in(client, resident, panel_chair, viewset):
    for user in (resident, panel_chair):
        client.force_login(user)
        response = client.get(reverse(f"{viewset}:index"))
        assert response.status_code in (302, 403)


def test_a_panel_seat_added_in_the_admin_is_in_the_trail_with_the_staff_member(
    staff_client, staff, wijk, resident
):
    response = staff_client.post(
        reverse("panelmembership:add"),
        {
            "wijk": wijk.pk,
            "member": resident.pk,
            "term_start": "2026-01-01",
            "term_end": "2027-12-31",
            "is_chair": "on",
        },
    )

    assert response.status_code == 302
    membership = PanelMembership.objects.get(member=resident)
    assert membership.is_chair
    assert membership.term_end == datetime.date(2027, 12, 31)
    assert membership.history.first().history_user == staff


def test_a_term_that_ends_before_it_starts_is_refused(staff_client, wijk, resident):
    response = staff_client.post(
        reverse("panelmembership:add"),
        {
            "wijk": wijk.pk,
            "member": resident.pk,
            "term_start": "2026-06-01",
            "term_end": "2026-01-01",
        },
    )

    assert response.status_code == 200
    assert not PanelMembership.objects.exists()


def test_a_second_chair_for_the_same_period_is_refused_and_nothing_saved(
    staff_client, wijk, panel_chair, resident
):
    response = staff_client.post(
        reverse("panelmembership:add"),
        {
            "wijk": wijk.pk,
            "member": resident.pk,
            "term_start": "2026-01-01",
            "is_chair": "on",
        },
    )

    assert response.status_code == 200
    assert "al een voorzitter" in response.content.decode()
    assert not PanelMembership.objects.filter(member=resident).exists()


def test_staff_end_a_term_in_the_admin_and_the_trail_says_who_and_why(
    staff_client, staff, wijk, panel_chair
):
    membership = PanelMembership.objects.get(member=panel_chair)

    response = staff_client.post(
        reverse("panelmembership:edit", args=[membership.pk]),
        {
            "term_start": membership.term_start.isoformat(),
            "term_end": "2030-12-31",
            "is_chair": "on",
        },
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.term_end == datetime.date(2030, 12, 31)
    record = membership.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "Lidmaatschap wijkpanel gewijzigd"


def test_panel_seats_are_ended_not_deleted(staff_client, panel_chair):
    membership = PanelMembership.objects.get(member=panel_chair)

    response = staff_client.post(reverse("panelmembership:delete", args=[membership.pk]))

    assert response.status_code in (302, 403)
    assert PanelMembership.objects.filter(pk=membership.pk).exists()


def test_an_editor_of_the_site_does_not_reach_panel_seats(client, editor, panel_chair):
    client.force_login(editor)
    membership = PanelMembership.objects.get(member=panel_chair)

    for url in (
        reverse("panelmembership:index"),
        reverse("panelmembership:add"),
        reverse("panelmembership:edit", args=[membership.pk]),
    ):
        assert client.get(url).status_code in (302, 403)


def test_the_rules_policy_names_staff_not_editors_or_residents(staff, editor, resident):
    policy = policy_registry.get_by_type(PanelMembership)

    assert list(policy.users_with_permission("change")) == [staff]
    assert policy.user_has_permission(staff, "add")
    assert not policy.user_has_permission(editor, "add")
    assert not policy.user_has_permission(staff, "delete")

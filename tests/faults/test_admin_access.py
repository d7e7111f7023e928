"""/cms-admin/ for someone logged in without admin access: a 403 page, not a redirect loop."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_resident_who_opens_the_admin_gets_the_no_access_page(client, resident):
    client.force_login(resident)

    response = client.get("/cms-admin/", follow=True)

    assert response.status_code == 403
    assert response.redirect_chain == []
    assert "Geen toegang" in response.content.decode()
    pages = client.get("/cms-admin/pages/", follow=True)
    assert pages.status_code == 403
    assert pages.redirect_chain == []


def test_the_admin_login_address_ends_on_the_no_access_page_for_a_resident(client, resident):
    """/cms-admin/login/ goes to allauth, which sends a logged-in user on to the admin."""
    client.force_login(resident)

    response = client.get("/cms-admin/login/", follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/cms-admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_editor_reaches_the_admin(client, editor):
    client.force_login(editor)

    assert client.get("/cms-admin/").status_code == 200

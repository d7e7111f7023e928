"""Every way into the back offices needs the second factor; superusers land on a real page."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from core.roles import EDITORS, FUNCTIONAL_ADMINS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SET_UP_TOTP = reverse("mfa_activate_totp")


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def cms_editor(db):
    user = UserFactory(email="redacteur@example.org")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.mark.parametrize("path", ["/cms-admin/", "/beheer/"])
def test_a_superuser_without_two_factor_must_set_it_up_before_the_back_office(
    client, superuser, path
):
    client.force_login(superuser)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(SET_UP_TOTP)


def test_a_cms_editor_needs_two_factor_for_the_cms_admin_but_not_for_the_site(client, cms_editor):
    client.force_login(cms_editor)

    assert client.get("/cms-admin/").url.startswith(SET_UP_TOTP)
    assert client.get("/").status_code == 200

    TOTP.activate(cms_editor, generate_totp_secret())
    assert client.get("/cms-admin/").status_code == 200


def test_a_functional_admin_needs_two_factor_for_the_users_screen(client):
    admin = UserFactory(email="beheerder@example.org")
    admin.groups.add(Group.objects.get(name=FUNCTIONAL_ADMINS))
    client.force_login(admin)

    response = client.get(reverse("wagtailusers_users:index"))

    assert response.url.startswith(SET_UP_TOTP)


def test_a_resident_at_the_back_office_is_refused_not_asked_for_two_factor(client, resident):
    client.force_login(resident)

    response = client.get("/cms-admin/")

    assert response.status_code == 403


def _landing(user) -> str:
    request = RequestFactory().get("/accounts/login/")
    request.user = user
    return get_adapter(request).get_login_redirect_url(request)


def test_a_superuser_without_a_resident_profile_lands_on_a_page_that_exists(client, superuser):
    TOTP.activate(superuser, generate_totp_secret())
    client.force_login(superuser)

    landing = _landing(superuser)

    assert landing == reverse("wagtailadmin_home")
    assert client.get(landing).status_code == 200


def test_a_resident_still_lands_on_their_own_page(client, resident):
    client.force_login(resident)

    landing = _landing(resident)

    assert landing == reverse("core:my_profile")
    assert client.get(landing).status_code == 200

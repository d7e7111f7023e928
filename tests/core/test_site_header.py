"""The site header, rendered once and filled per request (core.templatetags.wijkplein)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cms.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def _logout_token(page: str) -> str:
    form = page.split(f'action="{reverse("account_logout")}"')[1]
    return form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_everyone_can_log_out_with_the_token_in_their_own_header(resident, wijk):
    from tests.factories.initiatives import verified_resident

    neighbour = verified_resident(wijk, postcode="6441AB", house_number="3")
    browsers = []
    for person in (resident, neighbour):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(person)
        browsers.append((browser, _logout_token(browser.get("/initiatieven/").content.decode())))

    for browser, token in browsers:
        response = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert "_auth_user_id" not in browser.session


def test_the_language_link_returns_to_the_page_being_read(client, resident):
    client.force_login(resident)

    page = client.get("/initiatieven/?page=2").content.decode()

    assert 'href="/taal/en/?next=/initiatieven/%3Fpage%3D2"' in page


def test_the_menu_marks_the_page_being_read(client):
    home = HomePage.objects.get()
    for title, slug in (("Over ons", "over-ons"), ("Contact", "contact")):
        home.add_child(instance=StandardPage(title=title, slug=slug, show_in_menus=True))

    about = client.get("/over-ons/").content.decode()
    contact = client.get("/contact/").content.decode()

    assert 'href="/over-ons/" aria-current="page">Over ons</a>' in about
    assert 'href="/contact/">Contact</a>' in about
    assert 'href="/contact/" aria-current="page">Contact</a>' in contact
    assert 'href="/over-ons/">Over ons</a>' in contact


def test_staff_see_their_link_and_residents_do_not(client, staff_client, resident):
    staff_page = staff_client.get("/initiatieven/").content.decode()
    client.force_login(resident)
    resident_page = client.get("/initiatieven/").content.decode()

    assert f'href="{reverse("core:staff_home")}"' in staff_page
    assert f'href="{reverse("core:staff_home")}"' not in resident_page

"""Every page type renders with realistic content; the demo loads twice without change."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cms.models import HomePage, StandardPage, WijkContact, WijkPage
from core.models import PanelMembership, User, Wijk

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return HomePage.objects.get()


def test_the_home_page_lists_the_wijken(client, home, wijk):
    page = WijkPage(title="Brunssum-Noord", slug="brunssum-noord", wijk=wijk)
    home.add_child(instance=page)

    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1" in content and "Wijkplein" in content
    assert 'href="/brunssum-noord/"' in content


def test_a_wijk_page_shows_the_wijkbedrijf_and_contacts(client, home, wijk):
    page = WijkPage(
        title="Brunssum-Noord",
        slug="brunssum-noord",
        wijk=wijk,
        intro="<p>Welkom in Brunssum-Noord</p>",
        wijkbedrijf_name="Wijkbedrijf Noord",
        address="Akerstraat 112\n6441 AN Brunssum",
        opening_hours="Ma–do 9–16 uur",
    )
    home.add_child(instance=page)
    WijkContact.objects.create(page=page, name="Petra de Vries", email="petra@example.org")

    response = client.get("/brunssum-noord/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Wijkbedrijf Noord" in content
    assert "Akerstraat 112<br>6441 AN Brunssum" in content
    assert "Petra de Vries" in content
    assert "Welkom in Brunssum-Noord" in content


def test_a_standard_page_renders_its_body(client, home):
    page = StandardPage(
        title="Toegankelijkheid",
        slug="toegankelijkheid",
        intro="Hoe toegankelijk is Wijkplein?",
        body=[("paragraph", "<p>We voldoen aan WCAG 2.1 AA.</p>")],
    )
    home.add_child(instance=page)

    response = client.get("/toegankelijkheid/")

    assert response.status_code == 200
    assert "We voldoen aan WCAG 2.1 AA." in response.content.decode()


def test_pages_have_a_skip_link_landmarks_and_a_language_switch(client, home):
    content = client.get("/").content.decode()
    assert '<a class="utrecht-skip-link skip-link" href="#main">' in content
    assert '<main id="main"' in content
    assert "<header" in content and "<footer" in content and "<nav" in content
    assert 'href="/taal/en/?next=/" class="language-switch__button" lang="en" hreflang="en"' in (
        content
    )


def test_the_demo_loads_idempotently_and_its_pages_render(client):
    call_command("demo_data")
    call_command("demo_data")

    assert Wijk.objects.count() == 3
    assert WijkPage.objects.count() == 3
    # Per wijk a resident, the panel's chair and one more member, and a staff member; an
    # editor and a functional administrator for the CMS.
    assert User.objects.count() == 14
    assert PanelMembership.objects.filter(is_chair=True).count() == 3
    assert PanelMembership.objects.filter(is_chair=False).count() == 3
    # Each wijk page is in the page tree of its municipality's site (host name).
    for slug, host in (
        ("brunssum-noord", "brunssum.localhost"),
        ("beijum", "groningen.localhost"),
        ("bilgaard", "leeuwarden.localhost"),
    ):
        assert client.get(f"/{slug}/", HTTP_HOST=host).status_code == 200
    assert client.login(email="bewoner.beijum@example.org", password="wijkplein-demo")


@override_settings(WIJKPLEIN_ENV="production")
def test_the_demo_is_refused_in_production():
    with pytest.raises(CommandError):
        call_command("demo_data")
    assert not User.objects.exists()


def test_pages_marked_for_the_menu_appear_in_the_navigation(client, home, wijk):
    home.add_child(
        instance=WijkPage(
            title="Brunssum-Noord", slug="brunssum-noord", wijk=wijk, show_in_menus=True
        )
    )
    home.add_child(instance=StandardPage(title="Verborgen", slug="verborgen"))

    content = client.get("/brunssum-noord/").content.decode()
    nav = content[content.index("<nav") : content.index("</nav>")]

    assert 'href="/brunssum-noord/" aria-current="page"' in nav
    assert "Verborgen" not in nav

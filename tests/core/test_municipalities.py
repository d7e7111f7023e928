"""Several municipalities on one install: each on its own host name (a Wagtail Site), with
its own name, logo and letter details in pages, e-mails and letters (core/municipalities.py)."""

from __future__ import annotations

import importlib

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from wagtail.models import Page, Site

from budget import notifications as budget_notifications
from cms.models import HomePage
from core import municipalities
from core.letters import letter_details_for_wijk
from core.models import Municipality
from review import notifications as review_notifications
from tests.factories import (
    MunicipalityFactory,
    PanelMembershipFactory,
    UserFactory,
    VerifiedProfileFactory,
    WijkFactory,
)
from tests.factories.budget import RoundFactory
from tests.factories.cms import ImageFactory
from tests.factories.review import ReviewFactory

pytestmark = pytest.mark.django_db

BRUNSSUM_HOST = "brunssum.localhost"
GRONINGEN_HOST = "groningen.localhost"


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = [BRUNSSUM_HOST, GRONINGEN_HOST, "onbekend.localhost"]


@pytest.fixture
def brunssum():
    """The default site's municipality (made by the migration), as Gemeente Brunssum."""
    site = Site.objects.get(is_default_site=True)
    site.hostname = BRUNSSUM_HOST
    site.save()
    municipality = Municipality.objects.get(site=site)
    municipality.name = "Gemeente Brunssum"
    municipality.logo = ImageFactory(title="Wapen van Brunssum")
    municipality.save()
    return municipality


@pytest.fixture
def groningen():
    """Gemeente Groningen on its own host name, with its own home page and letter details."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Wijkplein Groningen", slug="groningen"))
    site = Site.objects.create(hostname=GRONINGEN_HOST, root_page=home, site_name="Groningen")
    return MunicipalityFactory(
        name="Gemeente Groningen",
        site=site,
        logo=ImageFactory(title="Wapen van Groningen"),
        signatory_name="M. de Boer",
        signatory_role="gebiedsmanager Oost",
        objection_address="Postbus 30026\n9700 RM Groningen",
        objection_email="bezwaar@groningen.nl",
        email_sender="Gemeente Groningen <wijkplein@groningen.nl>",
    )


def _page(client, host: str) -> str:
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def _header(html: str) -> str:
    return html.split('<header class="site-header">')[1].split("</header>")[0]


def _footer(html: str) -> str:
    return html.split('<footer class="site-footer">')[1].split("</footer>")[0]


def _title(html: str) -> str:
    return html.split("<title>")[1].split("</title>")[0]


def test_each_host_shows_its_own_municipality_in_the_header_title_and_footer(
    client, hosts, brunssum, groningen
):
    on_brunssum = _page(client, BRUNSSUM_HOST)
    on_groningen = _page(client, GRONINGEN_HOST)

    assert "Gemeente Brunssum" in _title(on_brunssum)
    assert "Gemeente Brunssum" in _header(on_brunssum)
    assert "Wijkplein wordt beheerd door Gemeente Brunssum" in _footer(on_brunssum)
    assert "Groningen" not in on_brunssum
    assert brunssum.logo.file.name.split("/")[-1].split(".")[0] in _header(on_brunssum)

    assert "Gemeente Groningen" in _title(on_groningen)
    assert "Gemeente Groningen" in _header(on_groningen)
    assert "Wijkplein wordt beheerd door Gemeente Groningen" in _footer(on_groningen)
    assert "Brunssum" not in on_groningen
    assert 'class="site-logo__image"' in _header(on_groningen)
    assert groningen.logo.file.name.split("/")[-1].split(".")[0] in _header(on_groningen)


def test_an_unknown_host_gets_the_default_sites_municipality(client, hosts, brunssum, groningen):
    html = _page(client, "onbekend.localhost")

    assert "Gemeente Brunssum" in _header(html)
    assert "Gemeente Groningen" not in html


def test_a_theme_stylesheet_is_loaded_after_ours(client, hosts, groningen):
    groningen.theme_stylesheet = "css/stats.css"  # any stylesheet that exists in static/
    groningen.full_clean()
    groningen.save()

    html = _page(client, GRONINGEN_HOST)

    assert html.index("css/wijkplein.css") < html.index("css/stats.css")


def test_a_theme_stylesheet_must_exist_in_static(groningen):
    for path in ("themes/bestaat-niet.css", "../settings.py", "https://cdn.example/x.css"):
        groningen.theme_stylesheet = path
        with pytest.raises(Exception, match="theme_stylesheet"):
            groningen.full_clean()


def test_a_notification_of_a_wijk_in_another_municipality_names_that_municipality(
    groningen, mailoutbox, committed
):
    beijum = WijkFactory(name="Beijum", slug="beijum", municipality=groningen)
    member = PanelMembershipFactory(wijk=beijum).member
    VerifiedProfileFactory(user=member, wijk=beijum, postcode="9733AB")
    resident = VerifiedProfileFactory(wijk=beijum, postcode="9733AC").user
    review = ReviewFactory(subject__wijk=beijum, wijk=beijum)
    budget_round = RoundFactory(wijk=beijum, phase="voting")

    with committed():
        review_notifications.send_assignment(review=review, member=member)
        budget_notifications.send_voting_opens(budget_round=budget_round)

    to_member = next(mail for mail in mailoutbox if mail.to == [member.email])
    to_resident = next(mail for mail in mailoutbox if mail.to == [resident.email])
    for mail in (to_member, to_resident):
        assert "Gemeente Groningen" in mail.body
        assert "Gemeente Voorbeeld" not in mail.body
        assert "Brunssum" not in mail.body


def test_letters_of_a_wijk_name_its_municipality_and_where_to_object(groningen):
    beijum = WijkFactory(name="Beijum", slug="beijum", municipality=groningen)

    details = letter_details_for_wijk(beijum)

    assert details.municipality == "Gemeente Groningen"
    assert details.municipality_in_text == "de gemeente Groningen"
    assert details.place == "Groningen"
    assert details.objection_email == "bezwaar@groningen.nl"
    assert details.signatory_role == "gebiedsmanager Oost"


def test_a_municipality_wide_object_is_the_default_municipalitys(brunssum, groningen):
    class WholeMunicipalityScheme:
        wijk = None

    assert municipalities.municipality_of(WholeMunicipalityScheme()) == brunssum


# --- The admin ---------------------------------------------------------------------------


def _superuser_client(client):
    admin = UserFactory(email="platform@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return admin


def test_only_the_platform_administrator_adds_a_municipality(client, staff_client):
    assert staff_client.get(reverse("municipalities:add")).status_code in (302, 403)

    admin = _superuser_client(client)
    response = client.post(
        reverse("municipalities:add"),
        {"name": "Gemeente Leeuwarden", "slug": "leeuwarden", "email_sender": ""},
    )

    assert response.status_code == 302
    added = Municipality.objects.get(slug="leeuwarden")
    assert added.history.get().history_user == admin


def test_a_bad_sender_address_is_refused_in_dutch_and_nothing_is_saved(client):
    _superuser_client(client)

    response = client.post(
        reverse("municipalities:add"),
        {"name": "Gemeente Leeuwarden", "slug": "leeuwarden", "email_sender": "geen adres"},
    )

    assert response.status_code == 200
    assert not Municipality.objects.filter(slug="leeuwarden").exists()


# --- The migration -----------------------------------------------------------------------


def test_the_migration_makes_one_municipality_per_old_name_and_gives_the_default_site_one():
    migration = importlib.import_module("core.migrations.0009_municipality")
    state = MigrationLoader(connection).project_state(("core", "0009_municipality"))
    Municipality.objects.all().delete()  # the one the migration made on this empty database

    found = migration.municipalities_from_names(
        state.apps,
        names=["Brunssum", "Groningen", "Brunssum", "Gemeente Groningen"],
        letters={"municipality_name": "Gemeente Groningen", "objection_email": "b@groningen.nl"},
    )

    assert sorted(Municipality.objects.values_list("name", "slug")) == [
        ("Gemeente Brunssum", "brunssum"),
        ("Gemeente Groningen", "groningen"),
    ]
    assert found["Brunssum"].pk == Municipality.objects.get(slug="brunssum").pk
    groningen = Municipality.objects.get(slug="groningen")
    assert found["Gemeente Groningen"].pk == groningen.pk
    # Named in the letter settings: it is the default site's and keeps their details.
    assert groningen.site == Site.objects.get(is_default_site=True)
    assert groningen.objection_email == "b@groningen.nl"


def test_the_migration_gives_a_single_name_the_default_site_and_a_fresh_install_its_name(
    settings,
):
    migration = importlib.import_module("core.migrations.0009_municipality")
    state = MigrationLoader(connection).project_state(("core", "0009_municipality"))
    Municipality.objects.all().delete()

    migration.municipalities_from_names(state.apps, names=["Heerlen", "Heerlen"], letters=None)
    assert Municipality.objects.get().name == "Gemeente Heerlen"
    assert Municipality.objects.get().site.is_default_site

    Municipality.objects.all().delete()
    settings.MUNICIPALITY_NAME = "Gemeente Sittard-Geleen"
    migration.municipalities_from_names(state.apps, names=[], letters=None)
    fresh = Municipality.objects.get()
    assert (fresh.name, fresh.slug) == ("Gemeente Sittard-Geleen", "sittard-geleen")
    assert fresh.site.is_default_site


def test_a_fresh_database_has_the_installations_municipality_on_the_default_site():
    default = Municipality.objects.get(site__is_default_site=True)

    assert default == municipalities.municipality_default()


def test_an_account_email_asked_for_on_a_host_is_signed_by_its_municipality(
    client, hosts, groningen, mailoutbox, committed
):
    user = UserFactory(email="sanne@example.org")

    with committed():
        client.post(
            reverse("account_reset_password"), {"email": user.email}, HTTP_HOST=GRONINGEN_HOST
        )

    assert len(mailoutbox) == 1
    assert "Gemeente Groningen" in mailoutbox[0].body


def test_the_footer_gives_the_municipalitys_contact_details_and_follows_an_edit(
    client, hosts, brunssum, groningen
):
    groningen.postal_address = "Kreupelstraat 1\n9712 HW Groningen"
    groningen.phone = "14 050"
    groningen.email = "info@groningen.nl"
    groningen.save()

    footer = _footer(_page(client, GRONINGEN_HOST))
    assert "Kreupelstraat 1<br>9712 HW Groningen" in footer
    assert 'href="tel:14050"' in footer
    assert 'href="mailto:info@groningen.nl"' in footer
    assert "Kreupelstraat" not in _footer(_page(client, BRUNSSUM_HOST))

    # The footer is a cached fragment: a changed phone number shows on the next page.
    groningen.phone = "050 367 91 11"
    groningen.save()
    assert "050 367 91 11" in _footer(_page(client, GRONINGEN_HOST))

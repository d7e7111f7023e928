"""The anonymous page cache (plumbing/pagecache.py): fast, but never stale after a write and
never someone else's page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.services import ballot_cast
from cms.models import HomePage, StandardPage
from initiatives.models import InitiativeStatus
from plumbing import pagecache
from tests.factories import PanelMembershipFactory
from tests.factories.budget import ProjectFactory, RoundFactory, phase_dates
from tests.factories.initiatives import InitiativeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

LIST = "/initiatieven/"


@pytest.fixture
def published(wijk, committed):
    with committed():
        return InitiativeFactory(wijk=wijk, title="Moestuin Kerkstraat", status="published")


def test_a_second_anonymous_visit_is_served_without_the_database(
    client, published, django_assert_num_queries
):
    first = client.get(LIST)
    with django_assert_num_queries(0):
        second = client.get(LIST)

    assert second.status_code == 200
    assert second.content == first.content
    assert "Moestuin Kerkstraat" in second.content.decode()
    # The outer middleware still adds its headers to the cached copy.
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def test_a_new_initiative_shows_at_once_after_its_commit(client, wijk, published, committed):
    assert "Bankjes op het plein" not in client.get(LIST).content.decode()

    with committed():
        InitiativeFactory(
            wijk=wijk, title="Bankjes op het plein", status=InitiativeStatus.PUBLISHED
        )

    assert "Bankjes op het plein" in client.get(LIST).content.decode()


def test_a_write_that_is_rolled_back_or_not_committed_yet_changes_nothing(client, published):
    generation = pagecache.generation()
    # Inside the test's transaction, not committed: the generation must not move yet,
    # or a page rendered before the commit would be stored under the new generation.
    published.title = "Nog niet vastgelegd"
    published.save()

    assert pagecache.generation() == generation


def test_logged_in_visitors_never_get_the_anonymous_copy(client, resident, published):
    anonymous = client.get(LIST).content.decode()
    assert "Log in" in anonymous or "Inloggen" in anonymous

    client.force_login(resident)
    page = client.get(LIST).content.decode()

    assert reverse("account_logout") in page
    assert reverse("core:my_profile") in page


def test_an_english_visitor_gets_the_english_page_not_the_cached_dutch_one(client, published):
    dutch = client.get(LIST).content.decode()
    client.cookies["django_language"] = "en"

    english = client.get(LIST).content.decode()

    assert '<html lang="nl"' in dutch
    assert '<html lang="en"' in english


def test_a_page_with_a_form_token_is_never_shared(wijk, committed):
    """The letter-code form carries a CSRF token bound to the visitor's cookie: a cached copy
    would carry the first visitor's token, and everyone after them would be refused."""
    with committed():
        budget_round = RoundFactory(wijk=wijk, allow_letter_codes=True)
    url = reverse("budget:code_enter", args=[budget_round.pk])
    Client().get(url)  # someone else was first
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    response = visitor.post(url, {"csrfmiddlewaretoken": token, "code": "ABCD-EFGH-JKLM"})

    assert response.status_code != 403
    assert "niet geldig" in response.content.decode()


def test_a_visitor_with_a_message_waiting_sees_it(client, published, resident):
    client.get(LIST)  # cached for anonymous visitors
    client.force_login(resident)
    client.post(reverse("account_logout"))  # "you have signed out", shown on the next page

    page = client.get(LIST).content.decode()

    assert 'class="messages"' in page


def test_search_results_and_filters_are_not_cached(client, published):
    client.get(LIST, {"q": "moestuin"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "moestuin"})

    assert response.status_code == 200
    assert len(queries) > 0


def test_casting_a_ballot_does_not_make_every_page_stale(wijk, resident, committed):
    with committed():
        budget_round = RoundFactory(wijk=wijk, **phase_dates("voting"))
        project = ProjectFactory(round=budget_round, status="eligible")
    generation = pagecache.generation()

    with committed():
        ballot_cast(actor=resident, budget_round=budget_round, choices={project.pk: 1})

    assert pagecache.generation() == generation


def test_without_a_shared_cache_nothing_is_cached(client, published):
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            client.get(LIST)

    assert len(queries) > 0


def test_a_new_panel_member_gets_the_wijkpanel_link_at_once(client, resident, wijk, committed):
    client.force_login(resident)
    assert reverse("review:dashboard") not in client.get(LIST).content.decode()

    with committed():
        PanelMembershipFactory(wijk=wijk, member=resident)

    assert reverse("review:dashboard") in client.get(LIST).content.decode()


def test_a_page_put_in_the_menu_shows_in_everyones_menu_at_once(client, resident, committed):
    client.force_login(resident)
    assert "Over de wijkaanpak" not in client.get(LIST).content.decode()

    with committed():
        HomePage.objects.get().add_child(
            instance=StandardPage(
                title="Over de wijkaanpak", slug="wijkaanpak", show_in_menus=True, intro="-"
            )
        )

    assert 'href="/wijkaanpak/">Over de wijkaanpak</a>' in client.get(LIST).content.decode()

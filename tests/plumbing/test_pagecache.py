"""The anonymous page cache (plumbing/pagecache.py): fast, but never stale after a write that
shows on the page, never someone else's page, and never a page of another release."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.services import ballot_cast
from cms.models import HomePage, StandardPage, WijkPage
from core.models import Notification, NotificationKind
from initiatives.models import InitiativeStatus
from plumbing import pagecache
from tests.factories import PanelMembershipFactory
from tests.factories.budget import ProjectFactory, RoundFactory, phase_dates
from tests.factories.cms import NewsPageFactory, news_index
from tests.factories.initiatives import InitiativeFactory, verified_resident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

LIST = "/initiatieven/"


@pytest.fixture
def published(wijk, committed):
    with committed():
        return InitiativeFactory(wijk=wijk, title="Moestuin Kerkstraat", status="published")


def _cached(client, url: str) -> bool:
    """Whether the page came from the cache (the header the benchmarks count)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response["X-Page-Cache"] == "hit"


def test_a_second_anonymous_visit_is_served_without_the_database(
    client, published, django_assert_num_queries
):
    first = client.get(LIST)
    with django_assert_num_queries(0):
        second = client.get(LIST)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
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


def test_a_write_rolled_back_or_not_committed_yet_leaves_the_page_cached(client, published):
    client.get(LIST)
    with transaction.atomic():
        sid = transaction.savepoint()
        published.title = "Teruggedraaid"
        published.save()
        transaction.savepoint_rollback(sid)
    # Inside the test's transaction, not committed: the page must stay as it is, or a page
    # rendered before the commit could be kept as if it were new.
    published.title = "Nog niet vastgelegd"
    published.save()

    response = client.get(LIST)

    assert response["X-Page-Cache"] == "hit"
    assert "Moestuin Kerkstraat" in response.content.decode()


def test_supporting_an_initiative_renews_its_pages_not_the_news_or_the_wijk_page(
    client, wijk, published, committed, django_assert_num_queries
):
    with committed():
        news = NewsPageFactory(title="Bloembollen op het Akerplein")
        HomePage.objects.get().add_child(
            instance=WijkPage(title="Brunssum-Noord", slug="brunssum-noord", wijk=wijk)
        )
        supporter = verified_resident(wijk, postcode="6441AB", house_number="7")
    detail = reverse("initiatives:detail", args=[published.pk])
    pages = [news.url, "/brunssum-noord/", detail, LIST]
    for url in pages:
        client.get(url)
    assert "0 bewoners steunen dit initiatief" in client.get(detail).content.decode()

    resident = Client()
    resident.force_login(supporter)
    with committed():
        response = resident.post(reverse("initiatives:support", args=[published.pk]))
    assert response.status_code == 302

    with django_assert_num_queries(0):
        assert _cached(client, news.url)
        assert _cached(client, "/brunssum-noord/")
    assert not _cached(client, detail)
    assert "1 bewoner steunt dit initiatief" in client.get(detail).content.decode()
    assert "1 steunbetuiging" in client.get(LIST).content.decode()


def test_publishing_a_news_item_shows_on_the_home_page_and_the_news_overview_at_once(
    client, committed
):
    with committed():
        overview = news_index().url
    assert "Buurtfeest op het Akerplein" not in client.get("/").content.decode()
    assert "Buurtfeest op het Akerplein" not in client.get(overview).content.decode()
    assert _cached(client, "/") and _cached(client, overview)

    with committed():
        NewsPageFactory(title="Buurtfeest op het Akerplein")

    assert "Buurtfeest op het Akerplein" in client.get("/").content.decode()
    assert "Buurtfeest op het Akerplein" in client.get(overview).content.decode()


def test_publishing_a_news_item_leaves_the_initiative_pages_cached(client, published, committed):
    detail = reverse("initiatives:detail", args=[published.pk])
    with committed():
        news_index()
    client.get(LIST)
    client.get(detail)

    with committed():
        NewsPageFactory(title="Buurtfeest op het Akerplein")

    # A news item is no child of the home page, so the menu (on every page) is unchanged.
    assert _cached(client, LIST)
    assert _cached(client, detail)


def test_while_one_visitor_renders_a_stale_page_the_others_get_the_stale_copy(
    client, wijk, published, committed
):
    client.get(LIST)
    with committed():
        InitiativeFactory(wijk=wijk, title="Bankjes op het plein", status="published")
    key = pagecache._page_key(client.get(LIST).wsgi_request)  # renders it anew: fresh
    assert "Bankjes op het plein" in client.get(LIST).content.decode()

    with committed():
        InitiativeFactory(wijk=wijk, title="Zwerfvuil prikken", status="published")
    # Another visitor's request is rendering the page right now (it holds the lock).
    cache.add(f"{key}:render", 1, pagecache.RENDER_LOCK_SECONDS)
    response = client.get(LIST)
    assert response["X-Page-Cache"] == "stale"
    assert "Zwerfvuil prikken" not in response.content.decode()

    cache.delete(f"{key}:render")  # that render is done (or its lock ran out)
    response = client.get(LIST)
    assert response["X-Page-Cache"] == "miss"
    assert "Zwerfvuil prikken" in response.content.decode()
    assert _cached(client, LIST)


def test_a_page_put_in_the_menu_shows_on_every_cached_page_at_once(client, published, committed):
    assert "Over de wijkaanpak" not in client.get(LIST).content.decode()

    with committed():
        HomePage.objects.get().add_child(
            instance=StandardPage(
                title="Over de wijkaanpak", slug="wijkaanpak", show_in_menus=True, intro="-"
            )
        )

    assert 'href="/wijkaanpak/">Over de wijkaanpak</a>' in client.get(LIST).content.decode()


def test_a_new_release_never_serves_the_pages_of_the_old_one(client, published):
    with override_settings(RELEASE="2025.10.1"):
        client.get(LIST)
        assert _cached(client, LIST)

    with override_settings(RELEASE="2025.11.0"), CaptureQueriesContext(connection) as queries:
        assert not _cached(client, LIST)

    assert len(queries) > 0


def test_a_write_of_a_model_its_app_declares_unseen_makes_nothing_stale(
    client, resident, published, committed
):
    client.get(LIST)

    with committed():
        Notification.objects.create(
            user=resident, kind=NotificationKind.SUBMISSION_RECEIVED, subject="-", body="-"
        )

    assert _cached(client, LIST)


def test_casting_a_ballot_leaves_the_round_page_cached(client, wijk, resident, committed):
    with committed():
        budget_round = RoundFactory(wijk=wijk, **phase_dates("voting"))
        project = ProjectFactory(round=budget_round, status="eligible")
    url = reverse("budget:round_detail", args=[budget_round.pk])
    client.get(url)

    with committed():
        ballot_cast(actor=resident, budget_round=budget_round, choices={project.pk: 1})

    assert _cached(client, url)


def test_logged_in_visitors_never_get_the_anonymous_copy(client, resident, published):
    anonymous = client.get(LIST).content.decode()
    assert "Log in" in anonymous or "Inloggen" in anonymous

    client.force_login(resident)
    response = client.get(LIST)
    page = response.content.decode()

    assert "X-Page-Cache" not in response
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


def test_without_a_shared_cache_nothing_is_cached(client, published):
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(LIST)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)

    assert len(queries) > 0
    assert "X-Page-Cache" not in response


def test_a_new_panel_member_gets_the_wijkpanel_link_at_once(client, resident, wijk, committed):
    client.force_login(resident)
    assert reverse("review:dashboard") not in client.get(LIST).content.decode()

    with committed():
        PanelMembershipFactory(wijk=wijk, member=resident)

    assert reverse("review:dashboard") in client.get(LIST).content.decode()

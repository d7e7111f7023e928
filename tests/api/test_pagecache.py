"""The anonymous page cache keeps the API's answers too, with their filters, and a write makes
stale only the endpoints that show it (plumbing/pagecache.py)."""

from __future__ import annotations

import pytest

from tests.factories.cms import NewsPageFactory
from tests.factories.initiatives import InitiativeFactory, SupportFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def published(wijk, committed):
    with committed():
        return InitiativeFactory(wijk=wijk, title="Moestuin Kerkstraat", status="published")


def test_a_second_anonymous_get_is_served_from_the_cache(
    client, published, django_assert_num_queries
):
    url = "/api/v1/initiatives?wijk=brunssum-noord&status=published&page_size=5"
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second["API-Version"] == "1.0.0"
    assert second["Access-Control-Allow-Origin"] == "*"
    # Another filter is another copy.
    assert client.get("/api/v1/initiatives?status=rejected")["X-Page-Cache"] == "miss"


def test_a_support_renews_the_initiatives_not_the_news(client, home, published, committed):
    with committed():
        NewsPageFactory(title="Bloembollen")
    client.get("/api/v1/initiatives")
    client.get("/api/v1/news")

    with committed():
        SupportFactory(initiative=published)

    assert client.get("/api/v1/news")["X-Page-Cache"] == "hit"
    fresh = client.get("/api/v1/initiatives")
    assert fresh["X-Page-Cache"] == "miss"
    assert fresh.json()["results"][0]["support_count"] == 1


def test_errors_and_odd_query_strings_are_not_cached(client, published):
    for _ in range(2):
        bad = client.get("/api/v1/initiatives?status=concept")
        repeated = client.get("/api/v1/initiatives?wijk=a&wijk=b")
        long = client.get("/api/v1/initiatives?wijk=" + "x" * 100)
    assert bad.status_code == 400 and bad["X-Page-Cache"] == "miss"  # looked up, never kept
    assert "X-Page-Cache" not in repeated
    assert "X-Page-Cache" not in long


def test_the_html_pages_keep_their_rule_no_filters_cached(client, published):
    client.get("/initiatieven/?status=published")
    assert "X-Page-Cache" not in client.get("/initiatieven/?status=published")

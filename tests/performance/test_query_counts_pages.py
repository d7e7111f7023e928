"""The home page, wijk pages, news, decisions, agenda, search, feed and sitemap: as many
database queries with 100 objects as with 5 (issue #7, "Fast pages").

See tests/performance/support.py for how each test counts and what it checks.
"""

from __future__ import annotations

import pytest

from cms.models import WijkContact, WijkPage
from tests.factories import WijkFactory
from tests.factories.budget import RoundFactory
from tests.factories.cms import (
    DecisionPageFactory,
    EventPageFactory,
    ImageFactory,
    NewsPageFactory,
)
from tests.performance.support import (
    _n,
    _published_initiatives,
    assert_queries_constant,
)

pytestmark = pytest.mark.django_db


# --- Home, wijk page and the cms listings ---------------------------------------------


def _cms_items(wijk) -> int:
    """A news item, a decision and an event about the wijk, numbered alike; the number."""
    number = _n()
    NewsPageFactory(title=f"Nieuws {number}", wijken=[wijk], image=ImageFactory())
    DecisionPageFactory(title=f"Besluit {number}", wijken=[wijk])
    EventPageFactory(title=f"Activiteit {number}", wijken=[wijk])
    return number


def test_home_page(client, wijk_page, wijk):
    def add(n):
        for _ in range(n):
            number = _cms_items(wijk)
            other = WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}")
            page = WijkPage(title=f"Wijkpagina {number}", slug=f"wijk-{number}", wijk=other)
            wijk_page.get_parent().add_child(instance=page)
            page.save_revision().publish()
            RoundFactory(wijk=other, name=f"Wijkbudget {number}", phase="voting")
        titles = _published_initiatives(wijk, n)
        return [f"Nieuws {number}", f"Besluit {number}", f"Wijkpagina {number}", titles[-1]]

    assert_queries_constant(client, "/", add)


def test_wijk_page(client, wijk_page, wijk):
    def add(n):
        for _ in range(n):
            number = _cms_items(wijk)
            WijkContact.objects.create(page=wijk_page, name=f"Contactpersoon {number}")
            RoundFactory(wijk=wijk, name=f"Wijkbudget {number}", phase="proposals")
        titles = _published_initiatives(wijk, n)
        return [f"Nieuws {number}", f"Contactpersoon {number}", f"Wijkbudget {number}", titles[-1]]

    assert_queries_constant(client, "/brunssum-noord/", add)


@pytest.mark.parametrize("query", ["", "?wijk=brunssum-noord", "?tag=groen", "?page=2"])
def test_news_index(client, wijk_page, wijk, query):
    def add(n):
        shown = []
        for _ in range(n):
            page = NewsPageFactory(
                title=f"Nieuws {_n()}", wijken=[wijk, wijk_page.wijk], image=ImageFactory()
            )
            page.tags.add("groen")
            page.save_revision().publish()
            shown.append(page.title)
        return [] if query == "?page=2" else shown[-3:]

    assert_queries_constant(client, f"/nieuws/{query}", add)


def test_news_page(client, wijk):
    page = NewsPageFactory(title="Bloembollen op het Akerplein", image=ImageFactory())

    def add(n):
        for _ in range(n):
            number = _n()
            page.wijken.add(WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}"))
            page.tags.add(f"onderwerp-{number}")
            NewsPageFactory(title=f"Ander nieuws {number}")
        page.save_revision().publish()
        return ["Bloembollen op het Akerplein", f"Wijk {number}"]

    assert_queries_constant(client, lambda: page.url, add)


@pytest.mark.parametrize("query", ["", "?wijk=brunssum-noord&kind=subsidy"])
def test_decision_index(client, wijk_page, wijk, query):
    def add(n):
        titles = [
            DecisionPageFactory(title=f"Besluit {_n()}", wijken=[wijk]).title for _ in range(n)
        ]
        return titles[-3:]

    assert_queries_constant(client, f"/besluiten/{query}", add)


def test_decision_page(client, wijk):
    page = DecisionPageFactory(title="Subsidie voor de Akerstraat")

    def add(n):
        for _ in range(n):
            number = _n()
            page.wijken.add(WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}"))
            DecisionPageFactory(title=f"Ander besluit {number}")
        page.save_revision().publish()
        return ["Subsidie voor de Akerstraat", f"Wijk {number}"]

    assert_queries_constant(client, lambda: page.url, add)


def test_event_index_and_page(client, wijk):
    page = EventPageFactory(title="Werkdag op het Akerplein")

    def add(n):
        for _ in range(n):
            number = _n()
            page.wijken.add(WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}"))
            EventPageFactory(title=f"Andere activiteit {number}", wijken=[wijk])
        page.save_revision().publish()
        return ["Werkdag op het Akerplein", f"Wijk {number}"]

    assert_queries_constant(client, lambda: page.url, add)
    assert_queries_constant(client, "/agenda/", add)


# --- Search, feed, sitemap --------------------------------------------------------------


def test_search_results(client, wijk):
    def add(n):
        for _ in range(n):
            NewsPageFactory(title=f"Akerplein bloeit {_n()}", wijken=[wijk])
        return ["Akerplein bloeit"]

    # One page type matches: Wagtail loads the results' specific pages with one query per
    # type, a number that does not grow with the data.
    assert_queries_constant(client, "/zoeken/?q=bloeit", add)
    assert_queries_constant(client, "/zoeken/?q=bloeit&page=2", add)


def test_rss_feed(client, wijk):
    def add(n):
        titles = []
        for _ in range(n):
            number = _n()
            NewsPageFactory(title=f"Nieuws {number}", wijken=[wijk])
            titles.append(DecisionPageFactory(title=f"Besluit {number}", wijken=[wijk]).title)
        return [titles[-1]]

    assert_queries_constant(client, "/wijken/brunssum-noord/feed/", add)


def test_sitemap(client, wijk):
    def add(n):
        for _ in range(n):
            page = NewsPageFactory(wijken=[wijk])
            EventPageFactory(wijken=[wijk])
        return [page.slug]

    assert_queries_constant(client, "/sitemap.xml", add)

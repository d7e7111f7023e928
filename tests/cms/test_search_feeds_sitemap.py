"""Site search, the RSS feed per wijk and sitemap.xml."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from cms.models import StandardPage
from tests.factories.cms import DecisionPageFactory, EventPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_search_finds_live_pages_and_not_drafts(client, home, wijk_page):
    NewsPageFactory(
        title="Buurtmoestuin zoekt vrijwilligers",
        intro="De moestuin achter de school zoekt handen voor het onkruid.",
    )
    NewsPageFactory(title="Moestuin concept", intro="Nog niet af.", live=False)
    home.add_child(
        instance=StandardPage(title="Gegevensbeleid", slug="gegevens", intro="Over uw gegevens.")
    )

    response = client.get("/zoeken/", {"q": "moestuin"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Buurtmoestuin zoekt vrijwilligers" in content
    assert "Moestuin concept" not in content
    assert "Gegevensbeleid" not in content
    assert "1 resultaat voor “moestuin”" in content
    assert 'value="moestuin"' in content


def test_search_without_a_query_shows_only_the_form(client, home):
    content = client.get("/zoeken/").content.decode()

    assert '<label class="utrecht-form-label" for="id_q">Zoeken naar</label>' in content
    assert "resultaat" not in content


def test_search_says_when_nothing_was_found(client, home):
    content = client.get("/zoeken/", {"q": "olifant"}).content.decode()

    assert "Niets gevonden." in content


def test_the_wijk_feed_is_rss_with_its_news_and_decisions(client, wijk_page, wijk, other_wijk):
    NewsPageFactory(
        title="Bankjes in de Akerstraat",
        date=timezone.localdate() - datetime.timedelta(days=1),
        wijken=[wijk],
    )
    DecisionPageFactory(title="Subsidie Groene Akerstraat", wijken=[wijk])
    NewsPageFactory(title="Nieuws uit Beijum", wijken=[other_wijk])
    NewsPageFactory(title="Concept", wijken=[wijk], live=False)
    EventPageFactory(title="Koffieochtend", wijken=[wijk])

    response = client.get("/wijken/brunssum-noord/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Nieuws en besluiten voor Brunssum-Noord"
    assert channel.findtext("link") == "http://testserver/brunssum-noord/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Besluit: Subsidie Groene Akerstraat",
        "Bankjes in de Akerstraat",
    ]
    assert items[1].findtext("link").startswith("http://testserver/nieuws/")
    assert items[0].findtext("pubDate")
    assert items[0].findtext("category") == "Brunssum-Noord"


def test_the_feed_of_an_unknown_wijk_is_not_found(client, home):
    assert client.get("/wijken/atlantis/feed/").status_code == 404


def test_the_wijk_page_links_to_its_feed(client, wijk_page):
    content = client.get("/brunssum-noord/").content.decode()

    assert '<link rel="alternate" type="application/rss+xml"' in content
    assert 'href="/wijken/brunssum-noord/feed/"' in content


def test_the_sitemap_lists_live_public_pages(client, home, wijk_page):
    news = NewsPageFactory(title="Bankjes", slug="bankjes")
    NewsPageFactory(title="Concept", slug="concept", live=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP_NS}urlset"
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in root.findall(f"{SITEMAP_NS}url")]
    assert "http://testserver/" in locations
    assert "http://testserver/brunssum-noord/" in locations
    assert "http://testserver/nieuws/bankjes/" in locations
    assert "http://testserver/nieuws/concept/" not in locations
    lastmods = {
        url.findtext(f"{SITEMAP_NS}loc"): url.findtext(f"{SITEMAP_NS}lastmod")
        for url in root.findall(f"{SITEMAP_NS}url")
    }
    published = news.last_published_at.date().isoformat()
    assert lastmods["http://testserver/nieuws/bankjes/"] == published

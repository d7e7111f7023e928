"""The home page and each wijk page show the latest news, decisions and events."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from initiatives.models import InitiativeStatus
from tests.factories.cms import (
    DecisionPageFactory,
    EventPageFactory,
    ImageFactory,
    NewsPageFactory,
)
from tests.factories.initiatives import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_three_latest_news_decisions_and_next_events(client, home):
    today = timezone.localdate()
    for days_ago in range(4):
        NewsPageFactory(
            title=f"Nieuws van {days_ago} dagen geleden",
            date=today - datetime.timedelta(days=days_ago),
        )
    DecisionPageFactory(title="Uitslag wijkbudget Brunssum-Noord 2026", kind="budget_result")
    EventPageFactory(title="Koffieochtend", date=today + datetime.timedelta(days=1))
    EventPageFactory(title="Vorige werkdag", date=today - datetime.timedelta(days=1))
    NewsPageFactory(title="Nog in concept", live=False)

    content = client.get("/").content.decode()

    assert "Nieuws van 0 dagen geleden" in content
    assert "Nieuws van 2 dagen geleden" in content
    assert "Nieuws van 3 dagen geleden" not in content
    assert content.index("Nieuws van 0 dagen") < content.index("Nieuws van 2 dagen")
    assert "Uitslag wijkbudget Brunssum-Noord 2026" in content
    assert "Uitslag wijkbudget" in content
    assert "Koffieochtend" in content
    assert "Vorige werkdag" not in content
    assert "Nog in concept" not in content
    assert 'href="/nieuws/">Al het nieuws</a>' in content
    assert 'href="/besluiten/">Alle besluiten</a>' in content
    assert 'href="/agenda/">De hele agenda</a>' in content


def test_the_home_page_says_when_there_is_nothing_yet(client, home):
    content = client.get("/").content.decode()

    assert "Nog geen nieuws." in content
    assert "Nog geen besluiten gepubliceerd." in content
    assert "Nog niets gepland." in content


def test_a_wijk_page_shows_only_what_concerns_its_wijk(client, wijk_page, wijk, other_wijk):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    NewsPageFactory(title="Bankjes in de Akerstraat", wijken=[wijk])
    NewsPageFactory(title="Speeltuin Beijum vernieuwd", wijken=[other_wijk])
    DecisionPageFactory(title="Subsidie Groene Akerstraat", wijken=[wijk, other_wijk])
    DecisionPageFactory(title="Subsidie Beijumer Bos", wijken=[other_wijk])
    EventPageFactory(title="Werkdag Akerplein", date=tomorrow, wijken=[wijk])
    EventPageFactory(title="Koffie in Beijum", date=tomorrow, wijken=[other_wijk])

    content = client.get("/brunssum-noord/").content.decode()

    assert "Bankjes in de Akerstraat" in content
    assert "Subsidie Groene Akerstraat" in content
    assert "Werkdag Akerplein" in content
    assert "Beijum vernieuwd" not in content
    assert "Beijumer Bos" not in content
    assert "Koffie in Beijum" not in content
    assert 'href="/nieuws/?wijk=brunssum-noord"' in content


def _count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/", "/brunssum-noord/", "/nieuws/"])
def test_listing_queries_do_not_grow_with_the_number_of_pages(
    client, wijk_page, wijk, path, django_assert_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            NewsPageFactory(wijken=[wijk], image=ImageFactory())
            DecisionPageFactory(wijken=[wijk])
            EventPageFactory(wijken=[wijk])

    add(3)
    client.get(path)  # makes the image renditions once
    with_three = _count_queries(client, path)
    add(9)
    client.get(path)

    with django_assert_num_queries(with_three):
        assert client.get(path).status_code == 200


def test_a_wijk_page_shows_its_initiatives_that_ask_for_help(client, wijk_page, wijk, other_wijk):
    InitiativeFactory(title="Moestuin zoekt handen", wijk=wijk, status=InitiativeStatus.PUBLISHED)
    InitiativeFactory(title="Nog een concept", wijk=wijk, status=InitiativeStatus.CONCEPT)
    InitiativeFactory(
        title="Klaar zonder hulp",
        wijk=wijk,
        status=InitiativeStatus.PUBLISHED,
        needs_volunteers=False,
    )
    InitiativeFactory(title="Beijum zoekt handen", wijk=other_wijk, status="published")

    content = client.get("/brunssum-noord/").content.decode()

    assert "Initiatieven die steun of vrijwilligers zoeken" in content
    assert "Moestuin zoekt handen" in content
    assert "Nog een concept" not in content
    assert "Klaar zonder hulp" not in content
    assert "Beijum zoekt handen" not in content


def test_pages_in_a_private_section_stay_off_the_home_page_wijk_page_and_feed(
    client, wijk_page, wijk
):
    NewsPageFactory(title="Openbaar bericht", wijken=[wijk])
    secret = NewsPageFactory(title="Alleen voor medewerkers", wijken=[wijk])
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )

    for path in ("/", "/brunssum-noord/", "/wijken/brunssum-noord/feed/"):
        content = client.get(path).content.decode()
        assert "Openbaar bericht" in content, path
        assert "Alleen voor medewerkers" not in content, path

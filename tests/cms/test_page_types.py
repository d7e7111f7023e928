"""News, decision and event pages and their overviews render with realistic content."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cms.models import DecisionKind, DecisionPage, EventPage, NewsPage
from tests.factories.cms import (
    DecisionPageFactory,
    EventPageFactory,
    ImageFactory,
    NewsPageFactory,
    decision_index,
    event_index,
    news_index,
)

pytestmark = pytest.mark.django_db


def _one_h1(content: str) -> None:
    assert len(re.findall(r"<h1[ >]", content)) == 1


def test_a_news_page_shows_date_wijk_image_body_quote_card_and_tags(client, home, wijk):
    image = ImageFactory()
    page = NewsPageFactory(
        title="Bloembollen geplant op het Akerplein",
        slug="bloembollen",
        date=datetime.date(2026, 3, 14),
        image=image,
        wijken=[wijk],
    )
    page.tags.add("groen", "vrijwilligers")
    page.save_revision().publish()

    response = client.get("/nieuws/bloembollen/")

    content = response.content.decode()
    assert response.status_code == 200
    _one_h1(content)
    assert '<time datetime="2026-03-14">14 maart 2026</time>' in content
    assert "Wijk: Brunssum-Noord" in content
    assert 'alt="Vijf bewoners met schoppen planten bloembollen in een perk"' in content
    assert "stimuleringsregeling" in content
    assert "<blockquote" in content and "Zo leer je je buren kennen." in content
    assert "— Sanne, bewoner" in content
    assert 'href="/initiatieven/groene-akerstraat/">Groene Akerstraat</a>' in content
    assert "Initiatief" in content
    assert 'href="/nieuws/?tag=groen"' in content


def test_the_news_overview_filters_by_wijk_and_tag(client, home, wijk, other_wijk):
    tagged = NewsPageFactory(title="Nieuw bankje in de Akerstraat", wijken=[wijk])
    tagged.tags.add("groen")
    tagged.save_revision().publish()
    NewsPageFactory(title="Speeltuin Beijum vernieuwd", wijken=[other_wijk])
    NewsPageFactory(title="Concept: nog niet klaar", live=False)

    everything = client.get("/nieuws/").content.decode()
    in_beijum = client.get("/nieuws/?wijk=beijum").content.decode()
    green = client.get("/nieuws/?tag=groen").content.decode()

    _one_h1(everything)
    assert "Nieuw bankje in de Akerstraat" in everything
    assert "Speeltuin Beijum vernieuwd" in everything
    assert "Concept: nog niet klaar" not in everything
    assert "Speeltuin Beijum vernieuwd" in in_beijum
    assert "Nieuw bankje" not in in_beijum
    assert '<option value="beijum" selected>' in in_beijum
    assert "Nieuw bankje in de Akerstraat" in green and "Speeltuin" not in green


def test_the_news_overview_pages_keep_the_filter(client, home, wijk):
    for number in range(13):
        NewsPageFactory(title=f"Wijknieuws {number}", wijken=[wijk])

    content = client.get("/nieuws/?wijk=brunssum-noord").content.decode()

    assert "Pagina 1 van 2" in content
    assert 'href="?wijk=brunssum-noord&amp;page=2"' in content


def test_a_draft_news_item_is_not_shown_to_visitors(client, home):
    NewsPageFactory(title="Geheim", slug="geheim", live=False)

    assert client.get("/nieuws/geheim/").status_code == 404


def test_a_decision_page_shows_kind_date_advice_and_links(client, home, wijk):
    DecisionPageFactory(
        title="Subsidie toegekend aan Groene Akerstraat",
        slug="groene-akerstraat",
        decided_on=datetime.date(2026, 2, 3),
        wijken=[wijk],
    )

    response = client.get("/besluiten/groene-akerstraat/")

    content = response.content.decode()
    assert response.status_code == 200
    _one_h1(content)
    assert "Subsidie" in content
    assert '<time datetime="2026-02-03">3 februari 2026</time>' in content
    assert "€ 2.500" in content
    assert "Advies van het wijkpanel" in content
    assert "breed gedragen in de straat" in content
    assert 'href="/initiatieven/groene-akerstraat/"' in content


def test_a_decision_without_advice_has_no_advice_section(client, home):
    DecisionPageFactory(slug="beleid", kind=DecisionKind.POLICY, panel_advice="", decided_url="")

    content = client.get("/besluiten/beleid/").content.decode()

    assert "Beleid" in content
    assert "Advies van het wijkpanel" not in content


def test_the_decisions_overview_filters_by_kind(client, home):
    DecisionPageFactory(title="Subsidie voor de buurttuin")
    DecisionPageFactory(title="Uitslag wijkbudget 2026", kind=DecisionKind.BUDGET_RESULT)

    content = client.get("/besluiten/?kind=budget_result").content.decode()

    _one_h1(content)
    assert "Uitslag wijkbudget 2026" in content
    assert "Subsidie voor de buurttuin" not in content


def test_an_event_page_shows_when_where_and_the_sign_up_link(client, home, wijk):
    EventPageFactory(
        title="Werkdag in de buurttuin",
        slug="werkdag",
        date=datetime.date(2026, 5, 2),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(14, 0),
        wijken=[wijk],
    )

    response = client.get("/agenda/werkdag/")

    content = response.content.decode()
    assert response.status_code == 200
    _one_h1(content)
    assert '<time datetime="2026-05-02T10:00">zaterdag 2 mei 2026, 10.00</time>' in content
    assert '<time datetime="2026-05-02T14:00">14.00</time> uur' in content
    assert "Akerstraat 112<br>6441 AN Brunssum" in content
    assert (
        'href="/initiatieven/groene-akerstraat/">Meld u aan als vrijwilliger voor Groene '
        "Akerstraat</a>" in content
    )


def test_the_agenda_shows_only_upcoming_events_soonest_first(client, home):
    today = timezone.localdate()
    EventPageFactory(title="Repaircafé", date=today + datetime.timedelta(days=10))
    EventPageFactory(title="Koffieochtend", date=today + datetime.timedelta(days=2))
    EventPageFactory(title="Nieuwjaarsborrel", date=today - datetime.timedelta(days=2))

    content = client.get("/agenda/").content.decode()

    assert content.index("Koffieochtend") < content.index("Repaircafé")
    assert "Nieuwjaarsborrel" not in content


def test_an_event_must_end_after_it_starts_and_a_sign_up_text_needs_a_link(home):
    page = EventPage(
        title="Werkdag",
        slug="werkdag",
        date=datetime.date(2026, 5, 2),
        start_time=datetime.time(14, 0),
        end_time=datetime.time(10, 0),
        place="Buurttuin",
        intro="Samen de tuin winterklaar maken.",
        signup_label="Meld u aan",
    )
    with pytest.raises(ValidationError) as error:
        event_index().add_child(instance=page)
    assert set(error.value.message_dict) >= {"end_time", "signup_url"}


def test_links_in_cards_must_stay_on_the_site_or_use_https(home):
    page = EventPage(
        title="Werkdag",
        slug="werkdag",
        date=datetime.date(2026, 5, 2),
        start_time=datetime.time(10, 0),
        place="Buurttuin",
        intro="Samen de tuin winterklaar maken.",
        signup_url="javascript:alert(1)",
    )
    with pytest.raises(ValidationError) as error:
        event_index().add_child(instance=page)
    assert "signup_url" in error.value.message_dict


def test_overview_pages_render_empty(client, home):
    news_index()
    decision_index()
    event_index()

    assert "Nog geen nieuws." in client.get("/nieuws/").content.decode()
    assert "Nog geen besluiten gepubliceerd." in client.get("/besluiten/").content.decode()
    assert "Nog niets gepland." in client.get("/agenda/").content.decode()


def test_the_demo_publishes_news_decisions_and_events_once(client):
    call_command("demo_data")
    call_command("demo_data")

    content = client.get("/").content.decode()
    assert NewsPage.objects.live().count() == 3
    assert EventPage.objects.live().count() == 3
    assert DecisionPage.objects.live().count() == 1
    assert "Wijkbudget Beijum: dien uw plan in" in content
    assert "Wijkbudget 2026 vastgesteld" in content
    assert "Koffieochtend Bilgaard" in content
    beijum = client.get("/beijum/", HTTP_HOST="groningen.localhost").content.decode()
    assert "Wijkbudget Beijum: dien uw plan in" in beijum
    assert "Wijkbudget Bilgaard" not in beijum
    for path in ("/nieuws/", "/besluiten/", "/agenda/", "/nieuws/wijkbudget-beijum/"):
        assert client.get(path).status_code == 200

"""Site search: every kind of content, grouped by kind, only what the visitor may see."""

from __future__ import annotations

import re

import pytest

from budget.models import ProjectStatus
from cms.models import StandardPage
from cms.selectors import SEARCH_GROUP_SIZE, site_search
from initiatives.models import InitiativeStatus
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.cms import DecisionPageFactory, EventPageFactory, NewsPageFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.subsidies import SchemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each(wijk, home):
    """Something about a playground ("speeltuin") of every kind the search finds."""
    return {
        "initiative": InitiativeFactory(
            wijk=wijk, title="Speeltuin aan de vijver", status=InitiativeStatus.PUBLISHED
        ),
        "project": ProjectFactory(
            round=RoundFactory(wijk=wijk), title="Nieuwe speeltuin bij de school"
        ),
        "scheme": SchemeFactory(
            wijk=wijk,
            name="Regeling spelen en bewegen",
            eligibility="Voor een speeltuin, een trapveldje of een buitenfitness.",
        ),
        "news": NewsPageFactory(title="Speeltuin weer open", intro="De glijbaan is gerepareerd."),
        "decision": DecisionPageFactory(
            title="Besluit over de speeltuin", summary="Het college kent € 5.000 toe."
        ),
        "event": EventPageFactory(title="Opening van de speeltuin", intro="Met limonade."),
        "page": home.add_child(
            instance=StandardPage(
                title="Spelen in de wijk",
                slug="spelen",
                intro="Waar is de dichtstbijzijnde speeltuin?",
            )
        ),
    }


def _section(content: str, kind: str) -> str:
    """The HTML of one kind's group of results."""
    match = re.search(
        rf'<section class="search-group" aria-labelledby="results-{kind}">(.*?)</section>',
        content,
        re.S,
    )
    assert match, f"no group {kind!r}"
    return match.group(1)


def test_search_finds_every_kind_grouped_with_headings_counts_and_links(client, one_of_each):
    response = client.get("/zoeken/", {"q": "speeltuin"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "7 resultaten voor “speeltuin”" in content
    expected = {
        "initiatives": ("Initiatieven", f"/initiatieven/{one_of_each['initiative'].pk}/"),
        "projects": ("Wijkbudgetprojecten", f"/wijkbudget/project/{one_of_each['project'].pk}/"),
        "schemes": ("Subsidieregelingen", f"/subsidie/regeling/{one_of_each['scheme'].pk}/"),
        "news": ("Nieuws", one_of_each["news"].url),
        "decisions": ("Besluiten", one_of_each["decision"].url),
        "events": ("Activiteiten", one_of_each["event"].url),
        "pages": ("Overige pagina’s", "/spelen/"),
    }
    for kind, (heading, url) in expected.items():
        section = _section(content, kind)
        assert f'id="results-{kind}">{heading} <span class="search-group__count">(1)</span>' in (
            section
        )
        assert f'href="{url}"' in section
        # The list of kinds at the top leads to each group.
        assert f'href="#results-{kind}">{heading} (1)</a>' in content
    # In the order residents look for them: their own things first, council pages last.
    assert re.findall(r"class=\"search-group\" aria-labelledby=\"results-(\w+)\"", content) == list(
        expected
    )


def test_the_public_sees_only_public_initiatives_projects_on_the_ballot_and_live_pages(
    client, wijk, home
):
    InitiativeFactory(wijk=wijk, title="Speeltuin zichtbaar", status=InitiativeStatus.PUBLISHED)
    InitiativeFactory(wijk=wijk, title="Speeltuin concept", status=InitiativeStatus.CONCEPT)
    InitiativeFactory(wijk=wijk, title="Speeltuin ingediend", status=InitiativeStatus.SUBMITTED)
    InitiativeFactory(
        wijk=wijk,
        title="Speeltuin verborgen",
        status=InitiativeStatus.PUBLISHED,
        hidden=True,
        hidden_reason="Scheldwoorden",
    )
    public_round = RoundFactory(wijk=wijk)
    ProjectFactory(round=public_round, title="Speeltuin op het stembiljet")
    ProjectFactory(
        round=public_round, title="Speeltuin nog te toetsen", status=ProjectStatus.SUBMITTED
    )
    ProjectFactory(
        round=public_round, title="Speeltuin ingetrokken", status=ProjectStatus.WITHDRAWN
    )
    ProjectFactory(round=RoundFactory(wijk=wijk, is_rehearsal=True), title="Speeltuin oefenronde")
    NewsPageFactory(title="Speeltuin nieuws concept", live=False)

    content = client.get("/zoeken/", {"q": "speeltuin"}).content.decode()

    assert "Speeltuin zichtbaar" in content
    assert "Speeltuin op het stembiljet" in content
    for hidden in (
        "concept",
        "ingediend",
        "verborgen",
        "nog te toetsen",
        "ingetrokken",
        "oefenronde",
        "nieuws concept",
    ):
        assert f"Speeltuin {hidden}" not in content
    assert "2 resultaten voor “speeltuin”" in content


def test_every_word_must_match(wijk, home):
    InitiativeFactory(
        wijk=wijk,
        title="Speeltuin aan de vijver",
        summary="Een plek om te spelen.",
        status=InitiativeStatus.PUBLISHED,
    )
    InitiativeFactory(
        wijk=wijk,
        title="Speeltuin bij de school",
        summary="Een plek om te spelen.",
        status=InitiativeStatus.PUBLISHED,
    )

    groups = site_search(query="speeltuin   vijver")

    assert [(group.kind, [item.title for item in group.items]) for group in groups] == [
        ("initiatives", ["Speeltuin aan de vijver"])
    ]


def test_a_long_group_shows_its_first_results_and_says_how_to_find_fewer(client, wijk, home):
    for number in range(SEARCH_GROUP_SIZE + 1):
        InitiativeFactory(wijk=wijk, title=f"Bankje {number}", status=InitiativeStatus.PUBLISHED)

    content = client.get("/zoeken/", {"q": "bankje"}).content.decode()

    section = _section(content, "initiatives")
    assert f"({SEARCH_GROUP_SIZE + 1})" in section
    assert section.count("<li>") == SEARCH_GROUP_SIZE
    assert f"De eerste {SEARCH_GROUP_SIZE} staan hier." in section
    assert 'href="/initiatieven/?q=bankje"' in section


def test_the_search_page_without_a_query_explains_what_it_finds(client, home):
    content = client.get("/zoeken/").content.decode()

    assert '<label class="utrecht-form-label" for="id_q">Zoeken naar</label>' in content
    assert 'aria-describedby="id_q_hint"' in content
    assert "Initiatieven, wijkbudgetprojecten, subsidieregelingen, nieuws, besluiten" in content
    assert "results-heading" not in content


def test_no_results_say_so_in_dutch(client, home):
    content = client.get("/zoeken/", {"q": "olifant"}).content.decode()

    assert "0 resultaten voor “olifant”" in content
    assert "Niets gevonden. Probeer andere of minder woorden." in content


def test_a_blank_query_is_no_search(client, home):
    assert site_search(query="   ") == []
    content = client.get("/zoeken/", {"q": "   "}).content.decode()
    assert "results-heading" not in content

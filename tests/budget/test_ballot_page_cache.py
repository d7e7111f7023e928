"""The ballot page with its cached parts on (budget/views/ballot_cards.py): every voter sees
their own choices, and a change to a project shows at once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from budget.services import ballot_cast
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.initiatives import verified_resident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def _checked(page: str) -> set[str]:
    """Titles of the projects whose box is ticked."""
    return set(re.findall(r"data-ballot-choice checked>\s*<label[^>]*>Kies ([^<]+)</label>", page))


def _page(user, budget_round) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("budget:ballot", args=[budget_round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_voter_sees_their_own_choices_not_the_first_visitors(
    wijk, voting_round, projects, committed
):
    first = verified_resident(wijk, postcode="6441AB", house_number="1")
    second = verified_resident(wijk, postcode="6441AB", house_number="2")
    with committed():
        ballot_cast(actor=first, budget_round=voting_round, choices={projects["Bankjes"].pk: 1})

    first_page, second_page = _page(first, voting_round), _page(second, voting_round)
    assert _checked(first_page) == {"Bankjes"}
    assert _checked(second_page) == set()
    assert _checked(_page(first, voting_round)) == {"Bankjes"}
    assert "U heeft al gestemd" in first_page and "U heeft al gestemd" not in second_page
    # The budget meter is the voter's own: € 3.000 chosen of 10.000, and nothing chosen.
    assert 'data-meter="left">7.000,00<' in first_page
    assert 'data-meter="left">10.000,00<' in second_page


def test_a_renamed_or_withdrawn_project_shows_at_once(resident, voting_round, projects, committed):
    assert "Speeltuin" in _page(resident, voting_round)

    with committed():
        projects["Speeltuin"].title = "Speeltuin met glijbaan"
        projects["Speeltuin"].save()
        projects["Moestuin"].status = "ineligible"
        projects["Moestuin"].save()

    page = _page(resident, voting_round)
    assert "Speeltuin met glijbaan" in page
    assert "Moestuin" not in page


def test_a_title_that_looks_like_a_marker_stays_text(resident, voting_round, committed):
    with committed():
        sneaky = ProjectFactory(
            round=voting_round, title="<!--wp-choice-1--> Kas", cost=Decimal("100")
        )

    page = _page(resident, voting_round)

    assert "&lt;!--wp-choice-1--&gt; Kas" in page
    assert f'value="{sneaky.pk}" data-cost="100.00" data-ballot-choice>' in page


def test_points_ballots_show_each_voters_points(wijk, committed):
    with committed():
        budget_round = RoundFactory(wijk=wijk, ballot_style="points", points_total=10)
        park = ProjectFactory(round=budget_round, title="Park", cost=Decimal("1000"))
        ProjectFactory(round=budget_round, title="Plein", cost=Decimal("1000"))
    first = verified_resident(wijk, postcode="6441AB", house_number="1")
    second = verified_resident(wijk, postcode="6441AB", house_number="2")
    with committed():
        ballot_cast(actor=first, budget_round=budget_round, choices={park.pk: 7})

    assert f'name="points_{park.pk}" value="7"' in _page(first, budget_round)
    assert f'name="points_{park.pk}" value=""' in _page(second, budget_round)


def test_the_ballot_form_posts_with_the_voters_own_token(wijk, voting_round, projects):
    url = reverse("budget:ballot", args=[voting_round.pk])
    for number in (1, 2):  # the second voter gets the cached form, with their own token
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(verified_resident(wijk, postcode="6441AB", house_number=str(number)))
        page = browser.get(url).content.decode()
        form = page.split("data-ballot>")[1]
        token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

        response = browser.post(
            url,
            {"csrfmiddlewaretoken": token, "projects": [projects["Bankjes"].pk], "step": "review"},
        )

        assert response.status_code == 200

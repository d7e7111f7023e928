"""The budget meter never shows a negative budget left: it says how much too much is chosen."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from budget.models import Ballot
from tests.factories.budget import ProjectFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _round(wijk, **kwargs):
    budget_round = RoundFactory(wijk=wijk, budget=Decimal("8000"), **kwargs)
    costs = {"Speeltuin": "6000", "Bankjes": "3000", "Moestuin": "2000"}
    projects = [
        ProjectFactory(round=budget_round, title=title, cost=Decimal(cost))
        for title, cost in costs.items()
    ]
    return budget_round, [project.pk for project in projects]


def _text(html: str) -> str:
    """What a sighted reader sees: the tags and hidden elements left out."""
    html = re.sub(r"<(strong|p)\b[^>]*\bhidden\b[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_refused_knapsack_ballot_says_how_much_too_much_without_javascript(
    client, resident, wijk
):
    knapsack, chosen = _round(wijk, ballot_style="knapsack")
    client.force_login(resident)

    response = client.post(
        reverse("budget:ballot", args=[knapsack.pk]), {"projects": chosen, "step": "review"}
    )

    assert response.status_code == 400
    meter = response.content.decode().split('id="budget-meter"')[1].split("</div>")[0]
    assert '<span data-meter="excess">€ 3.000,00</span> te veel gekozen' in meter
    assert "€ 3.000,00 te veel gekozen" in _text(meter)
    assert "Budget over" not in _text(meter)
    assert "€ -" not in meter and "-€" not in meter
    assert not Ballot.objects.exists()


def test_the_confirm_page_says_how_much_too_much_in_both_languages(client, resident, wijk):
    # An approval ballot may cost more than the budget; the page still never shows "€ -3.000".
    approval, chosen = _round(wijk, ballot_style="approval", max_choices=3)
    client.force_login(resident)
    url = reverse("budget:ballot", args=[approval.pk])

    dutch = client.post(url, {"projects": chosen, "step": "review"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(url, {"projects": chosen, "step": "review"}).content.decode()

    assert "Totaal: € 11.000,00; € 3.000,00 te veel gekozen" in _text(dutch)
    assert "Total: €11,000.00; €3,000.00 too much chosen" in _text(english)
    for page in (dutch, english):
        assert "€ -" not in page and "-€" not in page


def test_within_the_budget_the_meter_shows_the_budget_left(client, resident, wijk):
    knapsack, chosen = _round(wijk, ballot_style="knapsack")
    client.force_login(resident)

    page = client.post(
        reverse("budget:ballot", args=[knapsack.pk]), {"projects": chosen[1:], "step": "edit"}
    ).content.decode()

    meter = page.split('id="budget-meter"')[1].split("</div>")[0]
    assert "Budget over: € 3.000,00" in _text(meter)
    assert "te veel gekozen" not in _text(meter)

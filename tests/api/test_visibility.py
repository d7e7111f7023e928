"""The API shows what an anonymous visitor sees on the public pages, nothing more, and nothing
personal: no e-mail address, no name of a resident, no address (issue #21)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from budget import models as budget_models
from initiatives.models import InitiativeStatus
from tests.api.conftest import titles
from tests.factories import VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.cms import DecisionPageFactory, EventPageFactory, NewsPageFactory
from tests.factories.initiatives import InitiativeFactory, SupportFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _all(api, url: str) -> list[dict]:
    return api.json(f"{url}{'&' if '?' in url else '?'}page_size=100")["results"]


def test_initiatives_are_those_of_the_public_list_page(api, client, initiatives):
    shown = {item["title"] for item in _all(api, "/api/v1/initiatives")}
    page = client.get("/initiatieven/").content.decode()

    assert shown == {
        "Initiatief published",
        "Initiatief rejected",
        "Initiatief in_progress",
        "Initiatief completed",
    }
    for initiative in initiatives.values():
        assert (initiative.title in shown) == (initiative.title in page), initiative.title
    for hidden in ("concept", "submitted", "in_review", "withdrawn"):
        response = api.get(f"/api/v1/initiatives/{initiatives[hidden].pk}")
        assert response.status_code == 404
    assert api.get(f"/api/v1/initiatives/{initiatives['hidden'].pk}").status_code == 404


def test_rounds_are_those_of_the_public_list_page(api, client, wijk):
    RoundFactory(wijk=wijk, name="Openbare ronde")
    rehearsal = RoundFactory(wijk=wijk, name="Oefenronde uit een pb-bestand", is_rehearsal=True)
    hidden = [rehearsal]
    if hasattr(budget_models, "RoundStatus"):  # drafts: the draft state of rounds
        hidden.append(
            RoundFactory(wijk=wijk, name="Conceptronde", status=budget_models.RoundStatus.DRAFT)
        )

    shown = {item["name"] for item in _all(api, "/api/v1/budget-rounds")}
    page = client.get("/wijkbudget/").content.decode()

    assert shown == {"Openbare ronde"} and "Openbare ronde" in page
    for budget_round in hidden:
        assert budget_round.name not in page
        assert api.get(f"/api/v1/budget-rounds/{budget_round.pk}").status_code == 404


def test_news_decisions_and_events_are_those_anyone_may_see(api, home, wijk):
    NewsPageFactory(title="Gepubliceerd nieuws")
    NewsPageFactory(title="Nieuws in concept", live=False)
    DecisionPageFactory(title="Gepubliceerd besluit")
    DecisionPageFactory(title="Besluit in concept", live=False)
    EventPageFactory(title="Openbare activiteit")
    EventPageFactory(title="Activiteit in concept", live=False)

    assert titles(api.json("/api/v1/news")) == {"Gepubliceerd nieuws"}
    assert titles(api.json("/api/v1/decisions")) == {"Gepubliceerd besluit"}
    assert titles(api.json("/api/v1/events")) == {"Openbare activiteit"}


@pytest.fixture
def private_world(wijk, grant, published_round, home):
    """Everywhere a resident's e-mail, name or address could leak from, with values that are
    easy to find: the initiator, supporters, volunteers, a proposer, the subsidy applicant."""
    initiator = VerifiedProfileFactory(
        wijk=wijk, display_name="Geheimnaam Initiatiefnemer", postcode="6441XX", house_number="77"
    ).user
    initiator.email = "initiatiefnemer.geheim@example.org"
    initiator.save()
    initiative = InitiativeFactory(
        wijk=wijk, created_by=initiator, title="Openbaar plan", status=InitiativeStatus.PUBLISHED
    )
    supporter = VerifiedProfileFactory(
        wijk=wijk, display_name="Geheimnaam Steuner", postcode="6441YY", house_number="88"
    ).user
    SupportFactory(initiative=initiative, user=supporter)
    VolunteerFactory(initiative=initiative, user=supporter, message="Bel me op 06-12345678")
    budget_round, _projects = published_round
    ProjectFactory(round=budget_round, title="Voorstel van een bewoner", proposed_by=initiator)
    NewsPageFactory(title="Nieuws")
    EventPageFactory(title="Koffie")
    DecisionPageFactory(title="Besluit")
    return {"initiative": initiative, "grant": grant, "round": budget_round}


SECRETS = (
    "initiatiefnemer.geheim",
    "Geheimnaam",
    "6441XX",
    "6441YY",
    "6441ZZ",
    "Geheimstraat",
    "Henk Privépersoon",
    "Privépersoon",
    "Stichting Buurtfeest",  # the account holder
    "NL91ABNA",  # the bank account
    "06-12345678",
    "Akerstraat 112",  # an event's street address is left out too
)


def test_no_response_holds_an_email_a_residents_name_or_an_address(api, private_world):
    grant, budget_round = private_world["grant"], private_world["round"]
    urls = [
        "/api/v1",
        "/api/v1/wijken",
        "/api/v1/wijken/brunssum-noord",
        "/api/v1/initiatives",
        f"/api/v1/initiatives/{private_world['initiative'].pk}",
        "/api/v1/subsidy-schemes",
        f"/api/v1/subsidy-schemes/{grant.scheme_id}",
        "/api/v1/subsidies",
        f"/api/v1/subsidies/{grant.pk}",
        "/api/v1/budget-rounds",
        f"/api/v1/budget-rounds/{budget_round.pk}",
        "/api/v1/news",
        "/api/v1/decisions",
        "/api/v1/events",
        "/api/v1/statistics",
        "/api/v1/statistics?wijk=brunssum-noord",
    ]
    for url in urls:
        text = api.get(url).content.decode()
        assert not EMAIL.search(text), (url, EMAIL.search(text))
        for secret in SECRETS:
            assert secret not in text, (url, secret)


def test_the_openapi_document_names_no_personal_field(client):
    text = client.get("/api/v1/openapi.json").content.decode()

    for field in ("email", "applicant_name", "postcode", "house_number", "iban", "display_name"):
        assert f'"{field}"' not in text


def test_the_json_of_a_title_with_markup_is_valid_json_and_the_docs_escape_nothing_of_it(api, wijk):
    InitiativeFactory(wijk=wijk, title='<script>alert("x")</script> & "quotes"', status="published")

    response = api.get("/api/v1/initiatives")

    assert response["Content-Type"] == "application/json"
    assert response.json()["results"][0]["title"] == '<script>alert("x")</script> & "quotes"'
    # Written as \u003c... escapes: the same text to any JSON reader, never markup.
    assert b"<script>" not in response.content and b"\\u003cscript\\u003e" in response.content
    # Served as JSON (never sniffed as HTML), so the text is data, not markup.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in Client().get("/api/v1/docs").content.decode()

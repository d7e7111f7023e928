"""The open-data API (issue #21): every endpoint, its filters and paging; every answer checked
against /api/v1/openapi.json by the `api` fixture (openapi-core)."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.utils import timezone

from budget.models import Phase, ProjectStatus
from initiatives.models import InitiativeStatus
from tests.api.conftest import titles
from tests.factories import WijkFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.cms import DecisionPageFactory, EventPageFactory, NewsPageFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.subsidies import SchemeFactory

pytestmark = pytest.mark.django_db


def test_the_index_links_every_list_and_the_documents(api):
    data = api.json("/api/v1")

    assert data["version"] == "1.0.0"
    assert data["_links"]["openapi"]["href"] == "http://testserver/api/v1/openapi.json"
    assert data["_links"]["initiatives"]["href"] == "http://testserver/api/v1/initiatives"


def test_the_openapi_document_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")

    spec = response.json()
    assert response.status_code == 200
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["version"] == "1.0.0"
    assert set(spec["paths"]) == {
        "/api/v1",
        "/api/v1/wijken",
        "/api/v1/wijken/{slug}",
        "/api/v1/initiatives",
        "/api/v1/initiatives/{id}",
        "/api/v1/subsidy-schemes",
        "/api/v1/subsidy-schemes/{id}",
        "/api/v1/subsidies",
        "/api/v1/subsidies/{id}",
        "/api/v1/budget-rounds",
        "/api/v1/budget-rounds/{id}",
        "/api/v1/news",
        "/api/v1/decisions",
        "/api/v1/events",
        "/api/v1/statistics",
    }
    # No trailing slashes, the errors as problem details.
    assert not any(path.endswith("/") for path in spec["paths"])
    assert (
        "application/problem+json"
        in (spec["paths"]["/api/v1/initiatives"]["get"]["responses"]["400"]["content"])
    )


def test_the_docs_page_is_served_by_us_without_inline_code(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "<style>" not in html  # the strict CSP holds
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert 'href="/api/v1/openapi.json"' in html
    script = client.get("/api/v1/docs?script=")
    assert script.status_code == 200
    assert "/api/v1/openapi.json" in script.content.decode()


def test_wijken(api, wijk, other_wijk):
    data = api.json("/api/v1/wijken")

    assert [item["slug"] for item in data["results"]] == ["beijum", "brunssum-noord"]
    assert api.json("/api/v1/wijken/beijum") == {
        "slug": "beijum",
        "name": "Beijum",
        "municipality": "Groningen",
    }
    # No boundary yet: the maps work has not landed (docs/api.md).
    assert "boundary" not in data["results"][0]
    assert api.get("/api/v1/wijken/nergens").status_code == 404


def test_initiatives_show_status_dates_and_supporters(api, wijk, initiatives):
    published = initiatives[InitiativeStatus.PUBLISHED]
    data = api.json(f"/api/v1/initiatives/{published.pk}")

    assert data["title"] == "Initiatief published"
    assert data["status"] == "published"
    assert data["support_count"] == 1
    assert data["wijk"] == "brunssum-noord"
    assert data["url"] == f"http://testserver/initiatieven/{published.pk}/"
    datetime.datetime.fromisoformat(data["created_at"])  # ISO 8601


def test_initiatives_filter_by_wijk_status_and_date(api, wijk, other_wijk, initiatives):
    InitiativeFactory(wijk=other_wijk, title="Beijum plant bomen", status="published")
    old = InitiativeFactory(wijk=wijk, title="Oud initiatief", status="published")
    old.created_at = timezone.now() - datetime.timedelta(days=400)
    old.save(update_fields=["created_at"])

    assert "Beijum plant bomen" not in titles(api.json("/api/v1/initiatives?wijk=brunssum-noord"))
    assert titles(api.json("/api/v1/initiatives?wijk=beijum")) == {"Beijum plant bomen"}
    assert titles(api.json("/api/v1/initiatives?status=rejected")) == {"Initiatief rejected"}
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    recent = titles(api.json(f"/api/v1/initiatives?date_from={since}"))
    assert "Oud initiatief" not in recent and "Initiatief published" in recent
    until = (timezone.localdate() - datetime.timedelta(days=300)).isoformat()
    assert titles(api.json(f"/api/v1/initiatives?date_to={until}")) == {"Oud initiatief"}


def test_pages_of_a_list_link_to_each_other(api, wijk):
    for number in range(5):
        InitiativeFactory(wijk=wijk, title=f"Plan {number}", status="published")

    first = api.json("/api/v1/initiatives?page_size=2")
    second = api.json(first["_links"]["next"]["href"])
    last = api.json(first["_links"]["last"]["href"])

    assert first["count"] == 5 and first["page_size"] == 2 and len(first["results"]) == 2
    assert first["_links"]["prev"] is None
    assert second["page"] == 2 and second["_links"]["prev"]["href"].endswith("page_size=2")
    assert last["page"] == 3 and last["_links"]["next"] is None and len(last["results"]) == 1
    shown = titles(first) | titles(second) | titles(last)
    assert shown == {f"Plan {number}" for number in range(5)}


def test_subsidy_schemes_with_money_as_strings_in_euro(api, wijk, grant):
    data = api.json("/api/v1/subsidy-schemes")

    scheme = data["results"][0]
    assert scheme["name"] == "Stimuleringsregeling Noord"
    assert scheme["currency"] == "EUR"
    assert scheme["pot"] == "10000.00"
    assert scheme["remaining"] == "8750.00"
    assert api.json(f"/api/v1/subsidy-schemes/{grant.scheme_id}")["max_amount"] == "2500.00"
    assert api.json(f"/api/v1/subsidy-schemes?year={timezone.localdate().year}")["count"] == 1
    assert api.json("/api/v1/subsidy-schemes?year=2001")["count"] == 0
    assert api.get("/api/v1/subsidy-schemes/999999").status_code == 404


def test_granted_subsidies_without_the_residents_name(api, wijk, grant):
    data = api.json("/api/v1/subsidies")

    assert data["count"] == 1
    item = data["results"][0]
    assert item["granted_amount"] == "1250.00"
    assert item["currency"] == "EUR"
    assert item["initiative"] == {"id": grant.initiative_id, "title": "Initiatief published"}
    assert item["purpose"].startswith("Huur van een springkussen")
    assert item["recipient"] is None
    assert item["decided_on"] == timezone.localdate().isoformat()
    assert api.json(f"/api/v1/subsidies/{grant.pk}")["id"] == grant.pk
    assert api.json("/api/v1/subsidies?status=settled")["count"] == 0
    assert api.json(f"/api/v1/subsidies?scheme={grant.scheme_id}")["count"] == 1


def test_a_grant_of_an_initiative_hidden_by_moderation_is_not_listed(api, grant):
    initiative = grant.initiative
    initiative.hidden = True
    initiative.hidden_reason = "Klachten"
    initiative.save()

    assert api.json("/api/v1/subsidies")["count"] == 0
    assert api.get(f"/api/v1/subsidies/{grant.pk}").status_code == 404


def test_a_round_with_its_phases_projects_and_published_result(api, published_round):
    budget_round, (a, b, c) = published_round
    data = api.json(f"/api/v1/budget-rounds/{budget_round.pk}")

    assert data["phase"] == Phase.RESULTS
    assert [phase["name"] for phase in data["phases"]] == [
        "proposals",
        "review",
        "voting",
        "results",
        "realisation",
    ]
    assert data["budget"] == "10000.00" and data["currency"] == "EUR"
    assert data["result_published"] is True
    projects = {project["title"]: project for project in data["projects"]}
    assert projects["A Speeltuin"]["votes"] == 3 and projects["A Speeltuin"]["funded"] is True
    assert projects["B Bankjes"]["funded"] is False
    assert projects["C Moestuin"]["cost"] == "5000.00"
    result = data["result"]
    assert result["funded"] == [a.pk, c.pk]
    assert result["budget_used"] == "10000.00"
    assert result["ballot_count"] == 5 and result["eligible_count"] == 10
    assert result["turnout"] == "50.0"
    rules = {figure["rule"]: figure for figure in result["rules"]}
    assert rules["greedy"]["funded"] == [a.pk, b.pk] and not rules["greedy"]["chosen"]
    assert rules["equalshares/add1"]["chosen"]
    assert result["pb_url"] == f"http://testserver/wijkbudget/{budget_round.pk}/stemmen.pb"
    pb = api.client.get(result["pb_url"])
    assert hashlib.sha256(pb.content).hexdigest() == result["pb_sha256"]


def test_a_counted_result_not_yet_published_is_not_in_the_api(api, published_round):
    budget_round, _projects = published_round
    budget_round.result.published_at = None
    budget_round.result.save()

    data = api.json(f"/api/v1/budget-rounds/{budget_round.pk}")

    assert data["result"] is None and data["result_published"] is False
    assert all(project["votes"] is None for project in data["projects"])


def test_rounds_filter_by_wijk_phase_and_date(api, wijk, other_wijk):
    RoundFactory(wijk=wijk, name="Noord stemt", phase="voting")
    RoundFactory(wijk=other_wijk, name="Beijum bedenkt", phase="proposals")

    def names(url):
        return {item["name"] for item in api.json(url)["results"]}

    assert names("/api/v1/budget-rounds") == {"Noord stemt", "Beijum bedenkt"}
    assert names("/api/v1/budget-rounds?wijk=beijum") == {"Beijum bedenkt"}
    assert names("/api/v1/budget-rounds?phase=voting") == {"Noord stemt"}
    assert names("/api/v1/budget-rounds?phase=results") == set()
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert names(f"/api/v1/budget-rounds?date_from={later}") == set()


def test_before_voting_a_round_shows_every_proposal_but_withdrawn_ones(api, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="proposals")
    ProjectFactory(round=budget_round, title="Ingediend", status=ProjectStatus.SUBMITTED, cost=None)
    ProjectFactory(round=budget_round, title="Ingetrokken", status=ProjectStatus.WITHDRAWN)

    data = api.json(f"/api/v1/budget-rounds/{budget_round.pk}")

    assert [project["title"] for project in data["projects"]] == ["Ingediend"]
    assert data["projects"][0]["cost"] is None


def test_news_decisions_and_events(api, home, wijk, other_wijk):
    NewsPageFactory(title="Nieuws uit Noord", wijken=[wijk])
    NewsPageFactory(title="Nieuws uit Beijum", wijken=[other_wijk])
    DecisionPageFactory(title="Besluit over bankjes", wijken=[wijk])
    EventPageFactory(title="Koffieochtend", wijken=[wijk])
    EventPageFactory(title="Vorige week", date=timezone.localdate() - datetime.timedelta(days=7))

    assert titles(api.json("/api/v1/news?wijk=brunssum-noord")) == {"Nieuws uit Noord"}
    news = api.json("/api/v1/news?wijk=beijum")["results"][0]
    assert news["wijken"] == ["beijum"] and news["url"].startswith("http://")
    decision = api.json("/api/v1/decisions?kind=subsidy")["results"][0]
    assert decision["title"] == "Besluit over bankjes" and decision["kind"] == "subsidy"
    assert api.json("/api/v1/decisions?kind=policy")["count"] == 0
    assert titles(api.json("/api/v1/events")) == {"Koffieochtend"}
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert titles(api.json(f"/api/v1/events?date_from={since}")) == {"Koffieochtend", "Vorige week"}
    event = api.json("/api/v1/events")["results"][0]
    assert event["start_time"] == "10:00:00" and event["place"] == "Wijkbedrijf Brunssum-Noord"


def test_statistics_suppress_small_numbers_as_the_page_does(api, client, wijk, other_wijk):
    # Two verified residents in Beijum: too few to show.
    from tests.factories import VerifiedProfileFactory

    for number in range(2):
        VerifiedProfileFactory(wijk=other_wijk, postcode="9733AB", house_number=str(number + 1))
    for number in range(6):
        VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number=str(number + 1))

    data = api.json("/api/v1/statistics")
    beijum = next(row for row in data["wijken"] if row["wijk"] == "beijum")
    figure = next(f for f in beijum["figures"] if f["code"] == "residents_verified")
    assert figure == {**figure, "value": None, "suppressed": True}
    # The page hides the same figure.
    page = client.get("/statistieken/beijum/").content.decode()
    assert "&lt; 5" in page or "< 5" in page
    one = api.json("/api/v1/statistics?wijk=beijum&period=quarter")
    assert one["wijk"] == "beijum" and one["period"] == "quarter" and one["wijken"] == []
    assert len(one["periods"]) == 8


def test_another_municipalitys_wijk_is_just_another_wijk(api):
    WijkFactory(name="Zuid", slug="zuid")
    assert api.json("/api/v1/wijken/zuid")["name"] == "Zuid"


def test_a_scheme_for_the_whole_municipality_has_no_wijk(api):
    SchemeFactory(wijk=None, name="Hele gemeente")
    item = api.json("/api/v1/subsidy-schemes")["results"][0]
    assert item["wijk"] is None and item["name"] == "Hele gemeente"

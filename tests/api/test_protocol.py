"""How the API answers, whatever the resource: NLGov API Design Rules headers, problem details
for every error, CORS for reading only, a rate limit per address."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.api.conftest import validated

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body


def test_every_answer_says_its_version_and_is_open_to_other_origins(api, wijk):
    response = api.get("/api/v1/wijken", HTTP_ORIGIN="https://data.example.org")

    assert response["API-Version"] == "1.0.0"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "API-Version" in response["Access-Control-Expose-Headers"]
    assert response["Content-Type"] == "application/json"


def test_a_preflight_allows_reading_only(client):
    response = client.options(
        "/api/v1/initiatives",
        HTTP_ORIGIN="https://data.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_refused_with_405_and_no_cors(client, wijk, method):
    response = getattr(client, method)(
        "/api/v1/initiatives", data="{}", content_type="application/json"
    )

    body = _problem(response, 405)
    assert method.upper() in body["detail"]
    assert "Access-Control-Allow-Origin" not in response
    assert response["API-Version"] == "1.0.0"


def test_a_post_from_a_logged_in_resident_changes_nothing(client, resident, initiatives):
    client.force_login(resident)
    response = client.post(f"/api/v1/initiatives/{initiatives['published'].pk}")

    _problem(response, 405)
    assert initiatives["published"].supports.count() == 1


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/initiatives?wijk=nergens", "wijk"),
        ("/api/v1/initiatives?status=concept", "status"),
        ("/api/v1/initiatives?status=withdrawn", "status"),
        ("/api/v1/initiatives?date_from=gisteren", "date_from"),
        ("/api/v1/initiatives?date_from=2026-05-01&date_to=2026-04-01", "date_to"),
        ("/api/v1/initiatives?page=nul", "page"),
        ("/api/v1/initiatives?page_size=1000", "page_size"),
        ("/api/v1/subsidies?status=concept", "status"),
        ("/api/v1/subsidies?scheme=abc", "scheme"),
        ("/api/v1/subsidy-schemes?year=1999", "year"),
        ("/api/v1/budget-rounds?phase=draft", "phase"),
        ("/api/v1/decisions?kind=secret", "kind"),
        ("/api/v1/statistics?period=week", "period"),
    ],
)
def test_an_invalid_filter_is_a_400_that_says_which_and_why(api, wijk, url, parameter):
    body = _problem(api.get(url), 400)

    assert body["detail"].startswith(f"{parameter}: ")
    assert body["invalid_params"][0]["name"] == parameter


def test_a_page_past_the_last_is_a_404_problem(api, wijk):
    body = _problem(api.get("/api/v1/wijken?page=9"), 404)
    assert body["instance"] == "/api/v1/wijken"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/nergens", "/api/v1/initiatives/", "/api/v2/initiatives", "/api", "/api/"],
)
def test_unknown_paths_and_trailing_slashes_are_404_problems(client, url):
    # Not in the OpenAPI document, so not validated against it.
    body = _problem(client.get(url), 404)
    assert body["title"] == "Not Found"


def test_a_missing_object_is_a_404_problem(api, wijk):
    for url in ("/api/v1/initiatives/999999", "/api/v1/budget-rounds/999999"):
        _problem(api.get(url), 404)


@override_settings(OPENDATA_RATE_LIMIT=(3, 60))
def test_too_many_requests_from_one_address_get_429_with_retry_after(client, wijk):
    for _ in range(3):
        assert client.get("/api/v1/wijken", REMOTE_ADDR="192.0.2.10").status_code == 200

    refused = validated(client.get("/api/v1/wijken", REMOTE_ADDR="192.0.2.10"))
    other = client.get("/api/v1/wijken", REMOTE_ADDR="192.0.2.11")

    _problem(refused, 429)
    assert refused["Retry-After"] == "60"
    assert refused["Access-Control-Allow-Origin"] == "*"  # a browser client can read why
    assert other.status_code == 200


def test_a_logged_in_visitor_gets_what_an_anonymous_one_gets(client, initiatives):
    anonymous = client.get("/api/v1/initiatives").json()
    # The initiator of the draft sees it on their own pages, never in the API.
    client.force_login(initiatives["concept"].created_by)
    logged_in = client.get("/api/v1/initiatives").json()

    assert logged_in["results"] == anonymous["results"]
    assert "Initiatief concept" not in str(logged_in)

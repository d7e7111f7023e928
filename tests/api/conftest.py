"""Fixtures of the open-data API tests: a client whose every answer is checked against the
API's own OpenAPI document (openapi-core), and a small world of public and hidden things."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from budget import services as budget_services
from initiatives.models import InitiativeStatus
from subsidies.models import Status
from tests.budget.test_results import counted_round  # noqa: F401 - fixture, used by name
from tests.cms.conftest import home  # noqa: F401 - fixture, used by name
from tests.factories.initiatives import InitiativeFactory, SupportFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory

_spec: OpenAPI | None = None


def openapi() -> OpenAPI:
    """The API's own OpenAPI document, as /api/v1/openapi.json serves it (read once)."""
    global _spec
    if _spec is None:
        response = Client().get("/api/v1/openapi.json")
        assert response.status_code == 200
        # Problem details are JSON too (openapi-core knows application/json only).
        config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
        _spec = OpenAPI.from_dict(json.loads(response.content), config=config)
    return _spec


def validated(response):
    """Check one answer of the API against the OpenAPI document; return it."""
    openapi().validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


class ApiClient:
    """A test client for the API that validates every answer against the OpenAPI document."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str, **extra):
        return validated(self.client.get(url, **extra))

    def json(self, url: str, **extra) -> dict:
        response = self.get(url, **extra)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.json()


@pytest.fixture
def api(client):
    return ApiClient(client)


def titles(data: dict) -> set[str]:
    return {item["title"] for item in data["results"]}


@pytest.fixture
def initiatives(wijk):
    """One initiative of each status, and a published one hidden by moderation."""
    made = {
        status: InitiativeFactory(wijk=wijk, title=f"Initiatief {status}", status=status)
        for status in InitiativeStatus.values
    }
    made["hidden"] = InitiativeFactory(
        wijk=wijk,
        title="Initiatief verborgen",
        status=InitiativeStatus.PUBLISHED,
        hidden=True,
        hidden_reason="Scheldwoorden",
    )
    SupportFactory(initiative=made[InitiativeStatus.PUBLISHED])
    return made


@pytest.fixture
def grant(wijk, initiatives):
    """A granted subsidy of a published initiative, made by a resident (not an organisation)."""
    return ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk, name="Stimuleringsregeling Noord"),
        initiative=initiatives[InitiativeStatus.PUBLISHED],
        status=Status.GRANTED,
        requested_amount=Decimal("1500.00"),
        granted_amount=Decimal("1250.00"),
        decided_at=timezone.now(),
        applicant_name="Henk Privépersoon",
        applicant_street="Geheimstraat",
        applicant_house_number="99",
        applicant_postcode="6441ZZ",
        applicant_town="Brunssum",
    )


@pytest.fixture
def published_round(staff, counted_round):  # noqa: F811 - the fixture imported above
    """The counted round of tests/budget/test_results.py, its result published; the test
    runs after voting closed."""
    budget_round, projects = counted_round
    with time_machine.travel(budget_round.voting_end + datetime.timedelta(hours=1), tick=False):
        result = budget_services.round_count(actor=staff, budget_round=budget_round)
        result.published_at = timezone.now()
        result.save()
        yield budget_round, projects

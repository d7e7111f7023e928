"""/metrics: only for the monitoring, and the counters an operator watches rise."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from budget.services.voting import ballot_cast
from plumbing.mail import queue_email
from subsidies import services as subsidy_services
from subsidies.models import Status
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator

pytestmark = pytest.mark.django_db


def _scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_not_shown_to_a_public_address(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 404
    assert b"wijkplein_" not in response.content


def test_metrics_are_not_shown_through_the_proxy_even_from_an_allowed_address(client):
    # The Ingress controller sits in the pod network too: what came through it has XFF.
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 404


@override_settings(METRICS_ALLOWED_IPS=["10.244.0.0/16"], METRICS_TOKEN="s3cret-token")
def test_the_pod_network_and_the_bearer_token_may_read_them(client):
    assert client.get("/metrics", REMOTE_ADDR="10.244.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
        ).status_code
        == 200
    )
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong"
        ).status_code
        == 404
    )


def test_a_cast_ballot_counts_once_and_a_changed_one_as_changed(
    client, resident, voting_round, projects, django_capture_on_commit_callbacks
):
    before = _scrape(client)
    client.force_login(resident)
    url = reverse("budget:ballot", args=[voting_round.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"projects": [projects["Speeltuin"].pk], "step": "confirm"})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, {"projects": [projects["Bankjes"].pk], "step": "confirm"})
    # A ballot refused by validation is no ballot.
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"projects": ["999999"], "step": "confirm"})
    client.logout()
    after = _scrape(client)

    assert (first.status_code, second.status_code, refused.status_code) == (302, 302, 400)
    cast = "wijkplein_ballots_cast_total"
    new = _value(after, cast, via="web", kind="new") - _value(before, cast, via="web", kind="new")
    changed = _value(after, cast, via="web", kind="changed") - _value(
        before, cast, via="web", kind="changed"
    )
    assert (new, changed) == (1, 1)
    queued = "wijkplein_emails_queued_total"
    assert _value(after, queued) - _value(before, queued) == 2  # the two receipts
    requests = "wijkplein_http_requests_total"
    labels = {"method": "POST", "view": "budget:ballot"}
    assert (
        _value(after, requests, status="3xx", **labels)
        - _value(before, requests, status="3xx", **labels)
        == 2
    )
    assert _value(after, "wijkplein_db_queries_total", alias="default") > _value(
        before, "wijkplein_db_queries_total", alias="default"
    )


def test_a_rolled_back_ballot_is_not_counted(
    client, resident, voting_round, projects, django_capture_on_commit_callbacks
):
    before = _scrape(client)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ballot_cast(actor=resident, budget_round=voting_round, choices={projects["Moestuin"].pk: 1})
        raise RuntimeError("the request failed after the ballot was written")
    after = _scrape(client)

    cast = "wijkplein_ballots_cast_total"
    assert _value(after, cast, via="web", kind="new") == _value(before, cast, via="web", kind="new")


def test_a_submitted_application_counts(client, wijk, django_capture_on_commit_callbacks):
    applicant, initiative = make_initiator(wijk=wijk)
    draft = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk), initiative=initiative, created_by=applicant
    )
    before = _scrape(client)

    with django_capture_on_commit_callbacks(execute=True):
        application = subsidy_services.application_submit(actor=applicant, application=draft)
    after = _scrape(client)

    assert application.status == Status.SUBMITTED
    name = "wijkplein_subsidy_applications_submitted_total"
    assert _value(after, name) - _value(before, name) == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_task_queue_depth_is_read_from_the_database(client):
    before = _scrape(client)
    queue_email(EmailMessage(subject="Hallo", body="Tekst", to=["bewoner@example.org"]))
    queue_email(EmailMessage(subject="Hallo", body="Tekst", to=["buur@example.org"]))
    after = _scrape(client)

    depth = "wijkplein_task_queue_depth"
    assert _value(after, depth, queue="default") - _value(before, depth, queue="default") == 2
    assert _value(after, "wijkplein_task_queue_oldest_seconds", queue="default") >= 0

"""Logs: JSON lines with the request id, the id taken from the proxy when it looks sane."""

from __future__ import annotations

import io
import json
import logging

import pytest

from plumbing.logs import JsonFormatter, RequestIdFilter
from tests.platform.support import production_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the access logger writes, through production's formatter and filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("plumbing.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_the_proxy_request_id_is_kept_and_logged(client, json_lines):
    response = client.get("/zoeken/", HTTP_X_REQUEST_ID="abc-123.def")

    assert response["X-Request-ID"] == "abc-123.def"
    [line] = [entry for entry in json_lines() if entry["path"] == "/zoeken/"]
    assert line["request_id"] == "abc-123.def"
    assert line["status"] == response.status_code and line["method"] == "GET"


def test_a_strange_request_id_is_replaced(client, json_lines):
    response = client.get("/zoeken/", HTTP_X_REQUEST_ID="<script>" + "x" * 300)

    rid = response["X-Request-ID"]
    assert len(rid) == 32 and rid.isalnum()
    assert [entry["request_id"] for entry in json_lines()] == [rid]


def test_production_writes_json_lines_with_the_request_id_on_stdout(tmp_path):
    answers, log = production_requests(
        "/metrics", env={"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    )

    rid = answers["/metrics"]["request_id"]
    entries = [json.loads(line) for line in log if line.startswith("{")]
    access = [e for e in entries if e["logger"] == "plumbing.access"]
    assert access and access[0]["request_id"] == rid and access[0]["path"] == "/metrics"
    assert all(set(e) >= {"time", "level", "logger", "message", "request_id"} for e in entries)

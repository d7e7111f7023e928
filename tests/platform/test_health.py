"""The probes: what a kubelet sees on /healthz and /readyz, and what the public does not."""

from __future__ import annotations

import json
import socket

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import override_settings

from plumbing import health
from tests.platform.support import production_requests


def _closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_a_database_and_readyz_says_unavailable(tmp_path):
    port = _closed_port()
    answers, log = production_requests(
        "/healthz",
        "/readyz",
        env={"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/wijkplein"},
    )

    # Plain HTTP with the pod's IP as Host: no HTTPS redirect, no 400 for the host.
    assert answers["/healthz"]["status"] == 200
    assert answers["/healthz"]["body"] == "ok\n"
    assert answers["/readyz"]["status"] == 503
    assert answers["/readyz"]["body"] == "unavailable\n"
    # Why is in the log (a JSON line with the request id), never in the answer.
    failures = [json.loads(line) for line in log if "readiness check database" in line]
    assert failures and failures[0]["request_id"] == answers["/readyz"]["request_id"]
    assert str(port) not in answers["/readyz"]["body"]


def test_both_answer_ok_on_the_embedded_default(tmp_path):
    answers, _log = production_requests(
        "/healthz", "/readyz", env={"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    )

    assert answers["/healthz"] == {**answers["/healthz"], "status": 200, "body": "ok\n"}
    assert answers["/readyz"] == {**answers["/readyz"], "status": 200, "body": "ok\n"}


@pytest.mark.django_db
def test_probes_skip_the_site_middleware(client):
    # No language redirect, no session cookie, never cached.
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.244.1.7", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response.content == b"ok\n"
        assert response["Cache-Control"] == "no-store"
        assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_redis_but_stays_ready_without_it(client, caplog):
    port = _closed_port()
    health._redis_client.cache_clear()
    try:
        with override_settings(REDIS_URL=f"redis://127.0.0.1:{port}/6"):
            response = client.get("/readyz")
    finally:
        health._redis_client.cache_clear()

    # The cache answers from memory while Redis is down (plumbing/cache.py): still ready.
    assert response.status_code == 200
    assert "readiness check redis failed (not required, still ready)" in caplog.text


class Unreachable(FileSystemStorage):
    """A remote storage whose endpoint refuses connections."""

    def exists(self, name):
        raise OSError("connection refused")


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_object_storage_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(health, "_local_storage", lambda: False)
    with override_settings(
        STORAGES={
            "default": {"BACKEND": f"{__name__}.Unreachable"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content == b"unavailable\n"

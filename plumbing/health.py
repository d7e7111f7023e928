"""Liveness and readiness probes: `/healthz` and `/readyz`, answered before any other middleware.

- `/healthz` (liveness) needs nothing: no database, no cache. It says the process can still
  answer a request; a failing one makes the kubelet restart the container.
- `/readyz` (readiness) checks what a request needs: the database (PostgreSQL, or SQLite in
  `make run`), and, where configured, Redis and the object storage. A failing one takes the
  pod out of the Service until it passes again.

The public sees only `ok` (200) or `unavailable` (503), as plain text: which dependency failed,
and why, goes to the log (logger `plumbing.health`), never into the answer.

`ProbeMiddleware` is the first middleware, so the probes are answered before anything that
would get in a kubelet's way: the HTTPS redirect (a probe speaks plain HTTP to the pod), the
host check (a probe sends the pod's IP as Host, which is not in ALLOWED_HOSTS), the locale
redirect, the page cache, rate limits, sessions. Only GET and HEAD are answered.

Redis is checked and logged, but its failure does not make the pod unready: the cache falls
back to process memory while Redis is down (plumbing/cache.py), so the site keeps serving;
taking every pod out of the Service for it would turn a slower site into no site. The
database and the object storage are required.

The checks are django-health-check's (`SELECT 1` on the database, a Redis PING) and our own
for the object storage: an `exists()` on a fixed key, one HEAD request, where the library's
storage check would write and delete a file on every probe of every pod.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.http import HttpRequest, HttpResponse
from health_check.backends import HealthCheck
from health_check.contrib.db_heartbeat.backends import DatabaseHeartBeatCheck
from health_check.contrib.redis.backends import RedisHealthCheck
from health_check.exceptions import ServiceUnavailable
from redis import Redis

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
PROBE_PATHS = frozenset({LIVENESS_PATH, READINESS_PATH})


class ObjectStorageCheck(HealthCheck):
    """The default storage answers (a HEAD request for a fixed key on S3)."""

    def check_status(self) -> None:
        try:
            storages["default"].exists("health-check")
        except Exception as error:
            raise ServiceUnavailable(f"Object storage: {error}") from error


def _local_storage() -> bool:
    """True when uploads stay on this machine's disk or in memory: nothing remote to check."""
    return isinstance(storages["default"], FileSystemStorage | InMemoryStorage)


@functools.cache
def _redis_client() -> Redis:
    """One client (and connection pool) per process, with the cache's short timeouts."""
    return Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def readiness_checks() -> list[tuple[str, HealthCheck, bool]]:
    """(name, check, required) for what this deployment has configured."""
    checks: list[tuple[str, HealthCheck, bool]] = [
        ("database", DatabaseHeartBeatCheck(alias="default"), True)
    ]
    if getattr(settings, "REDIS_URL", None):
        checks.append(("redis", RedisHealthCheck(client=_redis_client()), False))
    if not _local_storage():
        checks.append(("storage", ObjectStorageCheck(), True))
    return checks


def readiness() -> tuple[bool, dict[str, bool]]:
    """Run the checks; True when every required one passed, with each check's outcome."""
    outcomes: dict[str, bool] = {}
    ready = True
    for name, check, required in readiness_checks():
        try:
            check.run_check()
            passed = not check.errors
        except Exception:
            logger.exception("readiness check %s raised", name)
            passed = False
        if not passed:
            logger.warning(
                "readiness check %s failed%s: %s",
                name,
                "" if required else " (not required, still ready)",
                "; ".join(str(error) for error in check.errors) or "exception",
            )
        outcomes[name] = passed
        ready = ready and (passed or not required)
    return ready, outcomes


def _plain(body: str, status: int) -> HttpResponse:
    response = HttpResponse(f"{body}\n", content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


class ProbeMiddleware:
    """Answer `/healthz` and `/readyz` before every other middleware (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PROBE_PATHS and request.method in ("GET", "HEAD"):
            if request.path_info == LIVENESS_PATH:
                return _plain("ok", 200)
            ready, _outcomes = readiness()
            return _plain("ok", 200) if ready else _plain("unavailable", 503)
        return self.get_response(request)

"""Logs as JSON lines (production) with the request id on every line.

A request id comes from the proxy's `X-Request-ID` when it looks sane (1-128 letters, digits
and `.`, `_`, `:`, `-`; ingress-nginx and most load balancers send one), else it is made here;
it goes back on the response's `X-Request-ID` and onto every log record written while the
request is answered (`RequestIdFilter`, on the console handler), so one resident's error can
be found in every replica's log. `RequestIdMiddleware` also writes one access line per request
(logger `plumbing.access`; successful probes are left out, they come every few seconds).

Our own formatter rather than python-json-logger or django-structlog: one `json.dumps` of the
record's standard fields and its `extra`, twenty lines with no dependency; structlog would
mean a second logging API beside the standard one that Django and the libraries use.
`LOG_FORMAT=json` switches it on (production's default); development keeps readable lines.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
access_logger = logging.getLogger("plumbing.access")
# The kubelet's probes (plumbing/health.py): their successes are not logged. Named here, not
# imported, so that gunicorn's config can use this module before Django is set up.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})

# Attributes every LogRecord has: whatever else is on a record came in `extra`.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "request_id", "taskName"}
)


def incoming_or_new(value: str | None) -> str:
    """The proxy's request id when it looks sane, else a new one."""
    if value and _SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """Give each request its id (see the module docstring) and write its access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_or_new(request.headers.get(HEADER))
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            if not (request.path_info in QUIET_PATHS and response.status_code == 200):
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path_info,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path_info,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id.reset(token)

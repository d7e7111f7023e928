"""Errors as RFC 9457 problem details (`application/problem+json`), as the NLGov API Design
Rules ask: `type`, `title`, `status`, `detail` and `instance`, for every error the API gives
(400 invalid filter, 404, 405, 406, 429)."""

from __future__ import annotations

from http import HTTPStatus

from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_JSON = "application/problem+json"


class InvalidParameter(exceptions.ValidationError):
    """A filter or paging value the API does not understand: 400, saying which and why."""

    def __init__(self, name: str, message: str):
        super().__init__({name: [message]})
        self.parameter = name
        self.message = message


def _detail(exc: Exception) -> str:
    if isinstance(exc, InvalidParameter):
        return f"{exc.parameter}: {exc.message}"
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {' '.join(map(str, value))}" for key, value in detail.items())
    if isinstance(detail, list):
        return " ".join(map(str, detail))
    return str(detail) if detail is not None else ""


def exception_handler(exc, context):
    """DRF's handler (it sets Retry-After on 429 and Allow on 405), then a problem body.

    Only for the API's views (`problem_details = True`); other DRF views (Wagtail's admin
    API) keep DRF's own answers.
    """
    if not getattr(context.get("view"), "problem_details", False):
        return drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.NotFound | Http404):
        exc = exceptions.NotFound("No such resource.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    status = response.status_code
    response.data = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": _detail(exc),
        "instance": request.path if request is not None else "",
    }
    if isinstance(exc, InvalidParameter):
        response.data["invalid_params"] = [{"name": exc.parameter, "reason": exc.message}]
    response.content_type = PROBLEM_JSON
    return response

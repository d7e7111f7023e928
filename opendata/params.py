"""The query parameters of the API: read, checked, and refused with a 400 that says why.

The API's field names and messages are English: it is for developers (docs/api.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.models import Wijk
from opendata.problems import InvalidParameter

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def wijk(request) -> Wijk | None:
    """?wijk=<slug>: one wijk; an unknown slug is a 400, not an empty list."""
    slug = request.query_params.get("wijk", "").strip()
    if not slug:
        return None
    found = Wijk.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidParameter("wijk", f"no wijk with the slug {slug!r} (see /api/v1/wijken)")
    return found


def choice(request, name: str, allowed: Iterable[str]) -> str:
    """A value from a fixed list, or "" when not given."""
    value = request.query_params.get(name, "").strip()
    allowed = list(allowed)
    if value and value not in allowed:
        raise InvalidParameter(name, f"must be one of: {', '.join(allowed)}")
    return value


def date(request, name: str) -> datetime.date | None:
    """An ISO 8601 date (2026-03-01), or None when not given."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidParameter(name, "must be a date as YYYY-MM-DD") from None


def dates(request) -> dict[str, datetime.date | None]:
    """?date_from= and ?date_to= (both inclusive); date_to before date_from is a 400."""
    found = {"date_from": date(request, "date_from"), "date_to": date(request, "date_to")}
    if found["date_from"] and found["date_to"] and found["date_to"] < found["date_from"]:
        raise InvalidParameter("date_to", "must not be before date_from")
    return found


def integer(request, name: str, *, minimum: int = 1, maximum: int | None = None) -> int | None:
    """A whole number within bounds, or None when not given."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < minimum or (maximum and int(value) > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum else f"of at least {minimum}"
        raise InvalidParameter(name, f"must be a whole number {bounds}")
    return int(value)


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (at most 100); links to the other pages under `_links` (HAL)."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        integer(request, "page")
        integer(request, "page_size", maximum=MAX_PAGE_SIZE)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        page = self.page.number
        last = self.page.paginator.num_pages

        def link(number: int | None):
            if number is None:
                return None
            return {
                "href": remove_query_param(url, "page")
                if number == 1
                else replace_query_param(url, "page", number)
            }

        return Response(
            {
                "count": self.page.paginator.count,
                "page": page,
                "page_size": self.get_page_size(self.request),
                "_links": {
                    "self": link(page),
                    "first": link(1),
                    "prev": link(page - 1 if page > 1 else None),
                    "next": link(page + 1 if page < last else None),
                    "last": link(last),
                },
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        href = {
            "type": ["object", "null"],  # OpenAPI 3.1 (JSON Schema): null on the first page
            "properties": {"href": {"type": "string", "format": "uri"}},
            "required": ["href"],
        }
        return {
            "type": "object",
            "required": ["count", "page", "page_size", "_links", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {"type": "integer", "example": 1},
                "page_size": {"type": "integer", "example": PAGE_SIZE},
                "_links": {
                    "type": "object",
                    "required": ["self", "first", "prev", "next", "last"],
                    "properties": dict.fromkeys(("self", "first", "prev", "next", "last"), href),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Items per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]

"""What the query-count tests share: the 5-versus-100 check and unique names for objects."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import InitiativeStatus
from tests.factories.budget import ProjectFactory
from tests.factories.initiatives import (
    InitiativeFactory,
    SupportFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 100

# A unique number per object, so each test can name the objects it expects to see.
_serial = itertools.count(1)


def _normalise(sql: str) -> str:
    """A query without its literal numbers and strings, to compare the shapes of queries."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _get(client, url: str, shown: Iterable[str]) -> list[str]:
    """GET `url` (after one warming GET), check it shows `shown`; the queries it made."""
    # The first request fills per-process caches (content types, Wagtail's site root
    # paths, image renditions); what we measure is every request after that.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.content.decode()
    for text in shown:
        assert text in content, f"{url} does not show {text!r}"
    return [query["sql"] for query in queries.captured_queries]


def assert_queries_constant(
    client, url: str | Callable[[], str], add: Callable[[int], Iterable[str]]
) -> None:
    """GET `url` with SMALL objects (made by `add(n)`) and with LARGE: as many queries.

    `add(n)` makes n more objects and returns texts the page must show afterwards (for a
    paginated page, some of those on its first page).
    """

    def target() -> str:
        return url() if callable(url) else url

    small = _get(client, target(), list(add(SMALL)))
    large = _get(client, target(), list(add(LARGE - SMALL)))
    if len(small) != len(large):
        before, after = Counter(map(_normalise, small)), Counter(map(_normalise, large))
        diff = "\n".join(
            f"  {after[sql] - before[sql]:+d} x {sql[:300]}"
            for sql in before | after
            if before[sql] != after[sql]
        )
        pytest.fail(
            f"{target()}: {len(small)} queries with {SMALL} objects, {len(large)} with "
            f"{LARGE}; the queries whose number changed:\n{diff}"
        )


def _n() -> int:
    return next(_serial)


def _published_initiatives(wijk, n: int, **kwargs) -> list[str]:
    titles = []
    for _ in range(n):
        title = f"Moestuin nummer {_n()}"
        initiative = InitiativeFactory(
            wijk=wijk, title=title, status=InitiativeStatus.PUBLISHED, **kwargs
        )
        SupportFactory(initiative=initiative)
        titles.append(title)
    return titles


def _projects(budget_round, n: int, **kwargs) -> list[str]:
    return [
        ProjectFactory(round=budget_round, title=f"Project {_n()}", **kwargs).title
        for _ in range(n)
    ]

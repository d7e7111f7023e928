"""What the privacy tests share: the people's names and how to download, delete and dump."""

from __future__ import annotations

import json
import re

from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

NAME = "Jantje Privacyproef"
EMAIL = "jantje.privacyproef@example.org"
OTHER_NAME = "Pietje Buurman"
OTHER_EMAIL = "pietje.buurman@example.org"


def _download(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get(reverse("core:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    return json.loads(text), text


def _delete(client, user, password="correct horse battery"):
    client.force_login(user)
    return client.post(reverse("core:account_delete"), {"password": password, "understood": "on"})


def _every_row():
    """(table, column names, row) for every row of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from Django
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                yield table, columns, row


def _dump_all_tables() -> str:
    """Every row of every table, as text (to prove a value is gone everywhere)."""
    return "\n".join(repr(row) for _table, _columns, row in _every_row())


def _cells_holding(pattern: str, *, integer: int | None = None) -> list[tuple[str, str]]:
    """(table, column) of every text cell matching `pattern`, and of every birth-year column
    holding `integer`. Ids and foreign keys are left out: in a long run they reach any number."""
    regex = re.compile(pattern)
    return [
        (table, column)
        for table, columns, row in _every_row()
        for column, value in zip(columns, row, strict=True)
        if (isinstance(value, str) and regex.search(value))
        or (value == integer and "birth" in column)
    ]


DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _outbox_to(address: str):
    return DBTaskResult.objects.filter(args_kwargs__kwargs__to__0=address)

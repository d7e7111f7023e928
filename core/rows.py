"""Model rows read and written with plain SQL, for the few statements on every logged-in
request and every ballot.

Building a query with the ORM costs several times what the database takes to answer it:
loading the user with their profile and staff role took 1.1 ms of CPU through the ORM and
0.1 ms as plain SQL, and a ballot made eight such statements. On a 2-core server that CPU
is what limits how many ballots a second the site takes (benchmarks/bench_casting.py).

Nothing here is written by hand per model: column lists come from the model's `_meta`, so a
new field needs no change here, and values pass through the same preparation and converters
the ORM applies (SQLite hands back booleans as integers and times as text; JSON is adapted
per database). The SQL is portable between SQLite (3.35 or newer, for RETURNING) and
PostgreSQL. Everywhere else, use the ORM; and a write to an audited model made here must
write its history row too (`history_row`), in the same transaction.

On PostgreSQL these statements go through `cursor()`, which sends the values apart from the
text (server-side binding), so that PostgreSQL plans each statement once per connection
instead of on every request: planning was a third of what a ballot's transaction cost
PostgreSQL (pgbench on the ballot's statements: 1,660 transactions a second as text, 2,340
prepared). The ORM keeps Django's client-side binding, under which nothing is prepared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from core.models import User


@contextmanager
def cursor(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """Django's cursor (queries counted and logged as usual), binding its parameters on the
    server when the database is PostgreSQL: psycopg then prepares a statement once it has
    run `prepare_threshold` times on the connection (set in config/settings/base.py)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as found:
            yield found
        return
    connection.ensure_connection()
    raw = connection.connection
    usual = raw.cursor_factory
    raw.cursor_factory = connection.Database.Cursor  # psycopg's server-side binding cursor
    try:
        wrapped = connection.cursor()
    finally:
        raw.cursor_factory = usual
    with wrapped:
        yield wrapped


class Table:
    """A model's concrete columns, as selected under `alias` (or unqualified, for RETURNING)."""

    def __init__(
        self, model: type[models.Model], alias: str = "", *, only: Sequence[str] = ()
    ) -> None:
        if model._meta.parents:
            # A child table's columns live in two tables; these statements read one.
            raise TypeError(f"{model.__name__} inherits another table; use the ORM for it")
        self.model = model
        self.alias = alias
        self.fields = (
            [model._meta.get_field(name) for name in only]
            if only
            else list(model._meta.concrete_fields)
        )
        self.attnames = [field.attname for field in self.fields]
        # Per database alias: [(position, converters, column expression)] as the ORM's
        # compiler would apply them.
        self._converters: dict[str, list[tuple[int, list, Any]]] = {}
        self._columns: dict[str, str] = {}  # per database vendor

    def __len__(self) -> int:
        return len(self.fields)

    def columns(self, connection: BaseDatabaseWrapper) -> str:
        found = self._columns.get(connection.vendor)
        if found is None:
            quote = connection.ops.quote_name
            prefix = f"{quote(self.alias)}." if self.alias else ""
            found = ", ".join(f"{prefix}{quote(field.column)}" for field in self.fields)
            self._columns[connection.vendor] = found
        return found

    def values(self, row: Sequence[Any], connection: BaseDatabaseWrapper) -> list[Any]:
        """One row's values (in `columns()` order) as Python values, as the ORM converts them."""
        values = list(row)
        for position, converters, expression in self._converters_for(connection):
            value = values[position]
            for converter in converters:
                value = converter(value, expression, connection)
            values[position] = value
        return values

    def instance(self, row: Sequence[Any], connection: BaseDatabaseWrapper) -> models.Model:
        """The model instance of one row (with `only`, the others deferred), as the ORM makes it."""
        return self.model.from_db(connection.alias, self.attnames, self.values(row, connection))

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, list, Any]]:
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for position, field in enumerate(self.fields):
                expression = field.get_col(self.alias or self.model._meta.db_table)
                converters = connection.ops.get_db_converters(
                    expression
                ) + expression.get_db_converters(connection)
                if converters:
                    found.append((position, converters, expression))
            self._converters[connection.alias] = found
        return found


def insert(
    connection: BaseDatabaseWrapper,
    instance: models.Model,
    *,
    conflict: Sequence[str] = (),
    conflict_where: str = "",
    update: dict[str, str] | None = None,
    returning: Table | None = None,
) -> models.Model | None:
    """INSERT the instance's row; with `conflict` (column names) an upsert that sets
    `update` (column -> SQL expression, `EXCLUDED.<column>` for the new value) instead.

    With `returning`, the row as stored (after the insert or the update) comes back as a
    new instance; an auto-increment primary key left empty is filled in by the database and
    is on that returned instance only, so write a history row from the returned one.
    """
    if conflict and not update:
        raise TypeError("an upsert needs the columns to update on conflict")
    fields = [
        field
        for field in instance._meta.concrete_fields
        if not (
            field.primary_key and field.db_returning and getattr(instance, field.attname) is None
        )
    ]
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    key = (
        connection.vendor,
        instance._meta.db_table,
        tuple(field.column for field in fields),
        tuple(conflict),
        conflict_where,
        tuple((update or {}).items()),
        id(returning),
    )
    sql = _INSERTS.get(key)
    if sql is None:
        sql = _INSERTS[key] = _insert_sql(
            connection, instance, fields, conflict, conflict_where, update, returning
        )
    with cursor(connection) as found:
        found.execute(sql, values)
        if returning is None:
            return None
        return returning.instance(found.fetchone(), connection)


# The text of each INSERT, by everything it is made of: built once, not per ballot.
_INSERTS: dict[tuple, str] = {}


def _insert_sql(connection, instance, fields, conflict, conflict_where, update, returning) -> str:
    quote = connection.ops.quote_name
    sql = (  # names from _meta, quoted; the values are parameters
        f"INSERT INTO {quote(instance._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if conflict:
        assignments = ", ".join(f"{quote(column)} = {value}" for column, value in update.items())
        where = f" WHERE {conflict_where}" if conflict_where else ""
        sql += (
            f" ON CONFLICT ({', '.join(quote(column) for column in conflict)}){where}"
            f" DO UPDATE SET {assignments}"
        )
    if returning is not None:
        sql += f" RETURNING {returning.columns(connection)}"
    return sql


def history_row(
    instance: models.Model, *, actor: User | None, reason: str, created: bool
) -> models.Model:
    """The django-simple-history row recording the instance as it now is, as its post_save
    handler would write it: who did it, why and when.

    Not for models whose history keeps many-to-many snapshots (the user's groups): those
    are rows of their own, which simple-history writes after the history row.
    """
    history_model = _history_model(type(instance))
    return history_model(
        history_date=timezone.now(),
        history_type="+" if created else "~",
        history_user_id=actor.pk if actor is not None else None,
        history_change_reason=reason,
        **{
            field.attname: getattr(instance, field.attname)
            for field in history_model.tracked_fields
        },
    )


# Model -> its historical model. Reading `Model.history` builds a new manager class on every
# access (simple-history's descriptor), a twentieth of a ballot's CPU.
_HISTORY_MODELS: dict[type[models.Model], type[models.Model]] = {}


def _history_model(model: type[models.Model]) -> type[models.Model]:
    found = _HISTORY_MODELS.get(model)
    if found is None:
        found = model.history.model
        if getattr(found, "_history_m2m_fields", None):
            raise TypeError(f"{model.__name__}'s history has many-to-many snapshots")
        _HISTORY_MODELS[model] = found
    return found

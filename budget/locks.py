"""The lock that keeps a round's outcome-deciding configuration still while ballots are cast.

Casting a ballot holds it shared; changing what decides the outcome (budget, ballot style,
rule, eligibility, the projects on the ballot) or counting holds it exclusively, so such a
change waits for the ballots in flight and no ballot is validated against a configuration
that is about to change (and the first ballot locks the configuration for good).

On PostgreSQL it is a transaction-scoped advisory lock, not a row lock: a share lock on the
round's row by every concurrent ballot made PostgreSQL record each locker on that one tuple
(a MultiXact, written to disk), which serialised voting at about 100 ballots a second.
SQLite runs one writing transaction at a time, so there it needs nothing.
"""

from __future__ import annotations

from django.db import connection

# The first key of our two-key advisory locks; the second is the round's id.
ROUND_CONFIG_LOCK_CLASS = 4712


def _advisory(function: str, round_pk: int) -> None:
    if connection.vendor == "postgresql":
        # The one plain statement we keep: the ORM has no advisory locks (a row lock here
        # serialised voting, see above).
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [ROUND_CONFIG_LOCK_CLASS, round_pk])


def round_config_lock_shared(*, round_pk: int) -> None:
    """Held while a ballot is cast: many at once, none while the configuration changes."""
    _advisory("pg_advisory_xact_lock_shared", round_pk)


def round_config_lock_exclusive(*, round_pk: int) -> None:
    """Held to change what decides the outcome, or to count: waits for ballots in flight."""
    _advisory("pg_advisory_xact_lock", round_pk)

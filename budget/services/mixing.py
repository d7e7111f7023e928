"""Mixing a round's ballots, so the database no longer shows which participation wrote which.

A ballot and the participation that names its voter are written in one transaction, so on
PostgreSQL both rows carry that transaction's id in the `xmin` system column, and the ballot
rows lie on disk in the order of voting. Mixing deletes the round's counted ballots and
inserts them again, unchanged, in a random order, in one transaction: afterwards every
ballot carries the mixing transaction's id and a random place on disk. See docs/privacy.md
for what this does not remove (dead row versions, WAL, backups, query logs).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from budget import selectors
from budget.locks import round_config_lock_exclusive
from budget.models import Ballot, Round

# Rounds are mixed until this long after voting closed: ballots cast in the last minutes
# are mixed by the next run, and a scheduler that was down for a while catches up.
MIX_AFTER_CLOSE = datetime.timedelta(days=2)
# Rows per INSERT and per DELETE ... WHERE id IN (...) on SQLite: within its variable limit.
BATCH = 2000
FIELDS = [field.attname for field in Ballot._meta.concrete_fields]
# More than one transaction id among the counted ballots, or one that a participation shares.
# (xid has no ordering, so the distinct count goes through text.)
LINKABLE_SQL = """
    SELECT (
        SELECT count(DISTINCT b.xmin::text) FROM budget_ballot b
        WHERE b.round_id = %s AND b.counted
    ) > 1 OR EXISTS (
        SELECT 1 FROM budget_ballot b JOIN budget_participation p ON p.xmin = b.xmin
        WHERE b.round_id = %s AND b.counted AND p.round_id = %s
    )
"""


@transaction.atomic
def ballots_mix(*, budget_round: Round) -> int:
    """Re-insert the round's counted ballots in a random order; the number of ballots mixed.

    The configuration lock, held exclusively, waits for the ballots in flight and keeps new
    ones out until the commit. Under it only the four-eyes check writes ballots, and only
    uncounted ones: paper ballots awaiting their second check are left alone (staff confirm
    or discard them by id, they name no voter) and mixed by the first run after they count.
    Nothing refers to a ballot by foreign key (tests check it), and ids stay the same.
    """
    round_config_lock_exclusive(round_pk=budget_round.pk)
    if connection.vendor == "postgresql":
        return _mix_postgresql(round_pk=budget_round.pk)
    return _mix_orm(budget_round=budget_round)


def _mix_postgresql(*, round_pk: int) -> int:
    """Copy, delete, and insert the copy in a shuffled order: 100,000 ballots in about a second.

    Only the copied rows are deleted and inserted again, by id: a paper ballot confirmed
    between these statements is not in the copy and stays as it is.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE mixing_ballots AS "
            "SELECT * FROM budget_ballot WHERE round_id = %s AND counted",
            [round_pk],
        )
        cursor.execute("SELECT id FROM mixing_ballots")
        order = [row[0] for row in cursor.fetchall()]
        secrets.SystemRandom().shuffle(order)
        cursor.execute("DELETE FROM budget_ballot b USING mixing_ballots m WHERE b.id = m.id")
        cursor.execute(
            "INSERT INTO budget_ballot SELECT m.* "
            "FROM unnest(%s::uuid[]) WITH ORDINALITY AS o(id, n) "
            "JOIN mixing_ballots m ON m.id = o.id ORDER BY o.n",
            [order],
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE mixing_ballots")
    return inserted


def _mix_orm(*, budget_round: Round) -> int:
    """The same with the ORM, for SQLite (development and tests): there is no xmin there."""
    ballots = [
        Ballot(**row)
        for row in Ballot.objects.filter(round=budget_round, counted=True)
        .order_by()
        .values(*FIELDS)
    ]
    ids = [ballot.pk for ballot in ballots]
    for start in range(0, len(ids), BATCH):
        Ballot.objects.filter(pk__in=ids[start : start + BATCH]).delete()
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.bulk_create(ballots, batch_size=BATCH)
    return len(ballots)


def ballots_linkable(*, budget_round: Round) -> bool:
    """True when a counted ballot was written since the round's last mix (PostgreSQL).

    Then it shares its transaction id with the participation written beside it, or at least
    differs from the mixed ballots' one. Other databases have no such column: always True.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(LINKABLE_SQL, [budget_round.pk, budget_round.pk, budget_round.pk])
        return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class RoundMix:
    """One round seen by the scheduled run: how many ballots were mixed (0 when skipped)."""

    budget_round: Round
    mixed: int
    skipped: bool


def ballots_mix_due(*, now: datetime.datetime | None = None) -> list[RoundMix]:
    """Mix every round whose voting is open or closed recently, if a ballot was written since.

    Each round in its own transaction, so voting in one round waits only for its own mix.
    A round whose ballots are all mixed already is skipped: rewriting 100,000 unchanged rows
    every few minutes would only add dead rows and WAL.
    """
    now = now or timezone.now()
    mixes = []
    for budget_round in selectors.rounds_due_ballot_mixing(now=now, after_close=MIX_AFTER_CLOSE):
        if not ballots_linkable(budget_round=budget_round):
            mixes.append(RoundMix(budget_round=budget_round, mixed=0, skipped=True))
            continue
        mixed = ballots_mix(budget_round=budget_round)
        mixes.append(RoundMix(budget_round=budget_round, mixed=mixed, skipped=False))
    return mixes

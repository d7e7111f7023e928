"""The rows a ballot writes and reads under the round's lock, as plain SQL (core.rows).

Casting runs on every ballot; through the ORM, building these statements cost several times
the database's work on a CPU-bound server. Used by budget/services/voting.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.locks import round_config_lock_shared
from budget.models import Ballot, Participation, Project, ProjectStatus, Round, VotingCode
from core import rows
from core.models import User

_ROUND = rows.Table(Round, "r")
_COST = rows.Table(Project, "p", only=["id", "cost"])
_PARTICIPATION = rows.Table(Participation)


def round_sharing_lock(budget_round: Round) -> tuple[Round, dict[int, Decimal]]:
    """Re-read the round and its eligible projects' costs holding the round's configuration
    lock shared (see budget/locks.py), so neither can change while this ballot is cast.

    One statement: the round's row, then a row per project with its id and cost, each
    padded with NULLs to the other's columns (a join would repeat and convert the round's
    columns on every project's row).
    """
    round_config_lock_shared(round_pk=budget_round.pk)
    with rows.cursor(connection) as cursor:
        cursor.execute(
            _round_and_costs_sql(), [budget_round.pk, budget_round.pk, ProjectStatus.ELIGIBLE]
        )
        found = cursor.fetchall()
    width = len(_ROUND)
    round_rows = [row[1 : 1 + width] for row in found if row[0] == 0]
    if not round_rows:
        raise Round.DoesNotExist
    locked = _ROUND.instance(round_rows[0], connection)
    if locked.wijk_id == budget_round.wijk_id:
        locked.wijk = budget_round.wijk  # a wijk never changes: reuse the caller's copy
    costs = {}
    for row in found:
        if row[0] == 1:
            pk, cost = _COST.values(row[1 + width :], connection)
            costs[pk] = cost
    return locked, costs


# The statement's text per database vendor, built once like core.rows' INSERTs: the same
# text every time is also what lets PostgreSQL keep it prepared.
_ROUND_AND_COSTS_SQL: dict[str, str] = {}


def _round_and_costs_sql() -> str:
    found = _ROUND_AND_COSTS_SQL.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        project = Project._meta
        round_pad = ", ".join(["NULL"] * len(_ROUND))
        cost_pad = ", ".join(["NULL"] * len(_COST))
        found = _ROUND_AND_COSTS_SQL[connection.vendor] = (
            f"SELECT 0, {_ROUND.columns(connection)}, {cost_pad} "  # noqa: S608
            f"FROM {quote(Round._meta.db_table)} r "
            f"WHERE r.{quote(Round._meta.pk.column)} = %s "
            f"UNION ALL SELECT 1, {round_pad}, {_COST.columns(connection)} "
            f"FROM {quote(project.db_table)} p "
            f"WHERE p.{quote(project.get_field('round').column)} = %s "
            f"AND p.{quote(project.get_field('status').column)} = %s"
        )
    return found


def store_ballot(
    *, budget_round: Round, voter_key: str, choices: dict[str, int], via: str, digest: str
) -> None:
    """Create the voter's ballot or replace its choices, in one statement.

    An upsert on the one-ballot-per-voter constraint (INSERT ... ON CONFLICT DO UPDATE):
    it takes the row lock a concurrent request of the same voter then waits for, so the
    voter's requests are serialised here and the last one to commit counts. Ballots have
    no history by design, so there is no audit row to write.
    """
    ballot = Ballot(
        round=budget_round,
        voter_key=voter_key,
        choices=choices,
        via=via,
        receipt_digest=digest,
    )
    rows.insert(
        connection,
        ballot,
        conflict=["round_id", "voter_key"],
        update={"choices": "EXCLUDED.choices", "receipt_digest": "EXCLUDED.receipt_digest"},
    )


def record_participation(
    *, budget_round: Round, user: User | None, code: VotingCode | None, via: str
) -> bool:
    """Record that (and when) the voter voted, with its history row; True when they had
    voted before.

    One upsert on the one-participation-per-voter constraint: a first vote inserts the row,
    a change sets its `changed_at`, and the row comes back as stored. The ballot upsert,
    done first in the same transaction, already serialises the voter's concurrent requests.
    The history row is written here because the upsert bypasses save() (core.rows).
    """
    participation = Participation(
        round=budget_round, via=via, user=user, code=code, voted_at=timezone.now()
    )
    # The foreign keys come from rows this request already holds and uniqueness is the
    # database's constraint, so full_clean's extra queries (about six a vote) are skipped.
    participation.clean_fields(exclude=["round", "user", "code", "entered_by", "confirmed_by"])
    voter = "user_id" if user is not None else "code_id"
    stored = rows.insert(
        connection,
        participation,
        conflict=["round_id", voter],
        conflict_where=f"{voter} IS NOT NULL",
        update={"changed_at": "EXCLUDED.voted_at"},
        returning=_PARTICIPATION,
    )
    changed = stored.changed_at is not None
    reason = _("Ballot changed") if changed else _("Voted")
    rows.insert(
        connection, rows.history_row(stored, actor=user, reason=reason, created=not changed)
    )
    return changed

"""Telling a wijk's residents about its round: voting opens, closes tomorrow, results are out.

Phases follow from the dates, so "voting opens" and "closes tomorrow" are sent by
the scheduled `budget_notify` command; each round records when each message went
out, so reruns (every few minutes, or late) send nothing twice. The results
message follows the publication (services.results.result_publish).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budget import notifications, selectors
from budget.models import Round
from core.services import save_audited

# "Voting closes tomorrow" goes out once voting has less than this left.
CLOSES_AHEAD = datetime.timedelta(hours=24)
# The first key of the advisory lock that serialises the runs telling one round (any
# constant unique among the site's advisory locks; the round's pk is the second key).
NOTIFIER_LOCK_CLASS = 4711


@dataclass
class NoticeCount:
    """How many rounds and residents each run told."""

    opens_rounds: int = 0
    opens_sent: int = 0
    closes_rounds: int = 0
    closes_sent: int = 0


def _notifier_lock(*, round_pk: int) -> None:
    """Serialise the runs that tell one round's residents, without locking the round's row.

    A row lock would be held for the whole fan-out (minutes in a large wijk) and every new
    ballot's foreign key takes a key-share lock on that row, so voting would stall. On
    PostgreSQL a transaction-scoped advisory lock makes a parallel run wait and then find the
    timestamp set; SQLite has one writer at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NOTIFIER_LOCK_CLASS, round_pk])


@transaction.atomic
def _round_tell(*, round_pk: int, which: str, now: datetime.datetime) -> int | None:
    """Send one round's message and record it, in one transaction; None when already done."""
    _notifier_lock(round_pk=round_pk)
    budget_round = Round.objects.select_related("wijk").get(pk=round_pk)
    field = f"voting_{which}_notified_at"
    # Voting may have ended (or moved) since the list was made: then nothing is sent.
    if getattr(budget_round, field) is not None or not (
        budget_round.voting_start <= now < budget_round.voting_end
    ):
        return None
    if which == "opens":
        sent = notifications.send_voting_opens(budget_round=budget_round)
        reason = _("Residents told that voting opens (%(n)d messages)") % {"n": sent}
    else:
        sent = notifications.send_voting_closes(budget_round=budget_round)
        reason = _("Residents who have not voted told that voting closes (%(n)d messages)") % {
            "n": sent
        }
    # Only now the row lock, held until the commit right after: a staff member's change
    # to the round during the fan-out is kept, and ballots wait milliseconds at most.
    budget_round = Round.objects.select_for_update().get(pk=round_pk)
    setattr(budget_round, field, now)
    save_audited(budget_round, actor=None, reason=reason)
    return sent


def round_notices_send(*, now: datetime.datetime | None = None) -> NoticeCount:
    """Send every due "voting opens" and "voting closes tomorrow" message, each once per round."""
    now = now or timezone.now()
    count = NoticeCount()
    # A round whose voting already ended is not listed: "voting opens" would be wrong then.
    for pk in selectors.rounds_due_voting_opens(now=now).values_list("pk", flat=True):
        sent = _round_tell(round_pk=pk, which="opens", now=now)
        if sent is not None:
            count.opens_rounds += 1
            count.opens_sent += sent
    for pk in selectors.rounds_due_voting_closes(now=now, ahead=CLOSES_AHEAD).values_list(
        "pk", flat=True
    ):
        sent = _round_tell(round_pk=pk, which="closes", now=now)
        if sent is not None:
            count.closes_rounds += 1
            count.closes_sent += sent
    return count


@transaction.atomic
def round_results_announce(*, round_pk: int) -> int:
    """Tell the wijk's residents that the round's result is published (after publication)."""
    budget_round = Round.objects.select_related("wijk", "result").get(pk=round_pk)
    result = getattr(budget_round, "result", None)
    if budget_round.is_rehearsal or result is None or not result.is_published:
        return 0
    return notifications.send_results_published(budget_round=budget_round)

"""Helpers every subsidy service shares: saving with history, amounts, locks, the transition."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.models import User
from core.services import save_audited as _save  # noqa: F401 - used by the service modules
from plumbing.workflow import transition_run
from subsidies.models import Application, CostLine
from subsidies.workflow import TRANSITIONS


@dataclass(frozen=True)
class LineInput:
    """One budget or cost line as typed in a form."""

    description: str
    category: str
    amount: Decimal


def _replace_lines(
    application: Application, lines: list[LineInput], *, kind: str, actor: User, reason: str
) -> bool:
    """Store the lines when they differ from the stored ones (each removal and addition
    is in the history); returns whether anything changed."""
    current = list(application.cost_lines.filter(kind=kind))
    as_typed = [(line.description, line.category, Decimal(line.amount)) for line in lines]
    if [(c.description, c.category, c.amount) for c in current] == as_typed:
        return False
    for stored in current:
        # django-simple-history reads who and why from these attributes; it has no type hints.
        stored._history_user = actor  # type: ignore[attr-defined]
        stored._change_reason = reason  # type: ignore[attr-defined]
        stored.delete()
    for position, line in enumerate(lines):
        row = CostLine(
            application=application,
            kind=kind,
            description=line.description.strip(),
            category=line.category,
            amount=line.amount,
            position=position,
        )
        _save(row, actor=actor, reason=reason)
    return True


def _lock(application: Application) -> Application:
    return (
        # Only the application's row: the scheme is locked on purpose where money is counted.
        Application.objects.select_for_update(of=("self",))
        .select_related("scheme", "initiative")
        .get(pk=application.pk)
    )


def application_transition(
    *,
    actor: User,
    application: Application,
    action: str,
    reason: str = "",
    changes: dict | None = None,
) -> Application:
    """The one way an application changes status (see workflow.py)."""
    return transition_run(
        obj=application,
        action=action,
        actor=actor,
        transitions=TRANSITIONS,
        reason=reason,
        changes=changes,
    )

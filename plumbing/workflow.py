"""One way to run a status machine, shared by every stateful model.

Each app writes its machine as data in its own `workflow.py`::

    TRANSITIONS = {
        (Status.CONCEPT, "submit"): Transition(Status.SUBMITTED, "initiatives.submit_initiative"),
        ...
    }

with the diagram in that module's docstring, and calls `transition_run` from
its one transition service. `transition_run` locks the row, checks that the
action is allowed from the current status and that the actor has the named
permission on the object, sets the new status, validates and saves with the
reason in the audit trail. Side effects (e-mail, PDFs) stay with the caller,
after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Transition:
    """Where an action leads and which permission it needs."""

    target: str
    permission: str
    reason_required: bool = False


class TransitionNotAllowed(ValidationError):
    """The action does not exist from the object's current status."""


def actions_available(
    *, obj: models.Model, user, transitions: Mapping[tuple[str, str], Transition], field="status"
) -> list[str]:
    """The actions this user may take on the object now (for buttons)."""
    current = getattr(obj, field)
    return [
        action
        for (source, action), transition in transitions.items()
        if source == current and user.has_perm(transition.permission, obj)
    ]


@transaction.atomic
def transition_run(
    *,
    obj: M,
    action: str,
    actor,
    transitions: Mapping[tuple[str, str], Transition],
    reason: str = "",
    field: str = "status",
    changes: Mapping[str, object] | None = None,
) -> M:
    """Apply `action` to a locked copy of `obj` and return it, saved with history."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, field)
    transition = transitions.get((current, action))
    if transition is None:
        raise TransitionNotAllowed(
            _("This step is not possible now (status: %(status)s).")
            % {"status": getattr(locked, f"get_{field}_display")()},
            code="transition_not_allowed",
        )
    if not actor.has_perm(transition.permission, locked):
        raise PermissionDenied(_("You are not allowed to do this."))
    if transition.reason_required and not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")}, code="reason_required")
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    setattr(locked, field, transition.target)
    locked.full_clean()
    # django-simple-history reads who and why from these instance attributes; it has no types.
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = reason.strip() or action  # type: ignore[attr-defined]
    locked.save()
    return locked

"""What happens to a submission when its wijkpanel review ends.

A kind of submission (initiative, subsidy application, budget project)
registers a handler in its app's `ready()`; the review calls it when the
chair has written the advice, or when staff proceed without advice. When the
subject leaves the procedure (withdrawn), the subject's own service cancels the
review (`review_cancel_open`); `may_cancel` says who may do that on its behalf.
The review itself knows nothing about the kinds it serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


def _never_decided(subject: Any) -> bool:
    return False


def _nobody(user: Any, subject: Any) -> bool:
    return False


@dataclass(frozen=True)
class SubjectKind:
    """How the review treats one model: its default criteria and what to do after advice."""

    on_concluded: Callable[..., None]  # called as on_concluded(subject=..., review=..., actor=...)
    criteria: tuple[str, ...] | None = None  # None: the default criteria
    # Whether staff have decided on the subject: from then on the panel's advice is public.
    is_decided: Callable[[Any], bool] = _never_decided
    # Who, besides council staff, may cancel the open review because the subject left the
    # procedure: called as may_cancel(user, subject) (initiatives: its initiators, who withdraw).
    may_cancel: Callable[[Any, Any], bool] = _nobody


_KINDS: dict[type[models.Model], SubjectKind] = {}


def register(model: type[models.Model], kind: SubjectKind) -> None:
    """Declare that `model` can be reviewed by the wijkpanel (registering again replaces)."""
    _KINDS[model] = kind


def kind_for(model: type[models.Model] | None) -> SubjectKind | None:
    """The registration of a model (or of its concrete class), if any."""
    if model is None:
        return None
    return _KINDS.get(model)

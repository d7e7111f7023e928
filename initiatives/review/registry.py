"""What happens to a submission when its wijkpanel review ends.

A kind of submission (initiative, subsidy application, budget project)
registers a handler in its app's `ready()`; the review calls it when the
chair has written the advice, or when staff proceed without advice. The
review itself knows nothing about the kinds it serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


def _never_decided(subject: Any) -> bool:
    return False


@dataclass(frozen=True)
class SubjectKind:
    """How the review treats one model: its default criteria and what to do after advice."""

    on_concluded: Callable[..., None]  # called as on_concluded(subject=..., review=..., actor=...)
    criteria: tuple[str, ...] | None = None  # None: the default criteria
    # Whether staff have decided on the subject: from then on the panel's advice is public.
    is_decided: Callable[[Any], bool] = _never_decided


_KINDS: dict[type[models.Model], SubjectKind] = {}


def register(model: type[models.Model], kind: SubjectKind) -> None:
    """Declare that `model` can be reviewed by the wijkpanel (registering again replaces)."""
    _KINDS[model] = kind


def kind_for(model: type[models.Model] | None) -> SubjectKind | None:
    """The registration of a model (or of its concrete class), if any."""
    if model is None:
        return None
    return _KINDS.get(model)

"""What happens to a submission when its wijkpanel review ends.

A kind of submission (initiative, subsidy application, budget project)
registers a handler in its app's `ready()`; the review calls it when the
chair has written the advice, or when staff proceed without advice. When the
subject leaves the procedure (withdrawn), the subject's own service cancels the
review (`review_cancel_open`); `may_cancel` says who may do that on its behalf.
`interests` names the people with a stake in a subject (its initiators, applicants,
supporters, volunteers): a panel member among them is recused from its review
automatically. `describe` tells the panel what it reviews (purpose, the money asked,
files, the full page). The review itself knows nothing about the kinds it serves.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Interest(models.TextChoices):
    """Why someone has a stake in a subject; the label completes "you are ..."."""

    INITIATOR = "initiator", _("the initiator of the initiative")
    CO_INITIATOR = "co_initiator", _("a co-initiator of the initiative")
    APPLICANT = "applicant", _("the applicant")
    PROPOSER = "proposer", _("the proposer of the project")
    ORGANISATION = "organisation", _("a member of the applying organisation")
    SUPPORTER = "supporter", _("a supporter of the initiative")
    VOLUNTEER = "volunteer", _("a volunteer for the initiative")


def _never_decided(subject: Any) -> bool:
    return False


def _nobody(user: Any, subject: Any) -> bool:
    return False


@dataclass(frozen=True)
class SubjectFile:
    """A file of a subject the panel reads; the review streams it after its own check."""

    key: str  # unique within the subject, a slug: the last part of its download address
    name: str  # the file name as uploaded
    label: str  # what it is: "Cost quote", "Photo"
    open: Callable[[], IO[bytes]]  # the file, opened for reading
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class SubjectSummary:
    """What the panel reads of a subject on its review pages (never an address or e-mail).

    Texts and labels are rendered as given (autoescaped); `amount` and the second item of
    each of `lines` go through the `euro` filter.
    """

    summary: str  # the purpose, or the short summary
    amount_label: str  # "Requested amount", "Estimated cost", ...
    amount: Decimal | None
    description: str = ""  # the longer text, when there is one
    facts: tuple[tuple[str, str], ...] = ()  # further (label, value) pairs
    lines: tuple[tuple[str, Decimal], ...] = ()  # a budget: (description, amount)
    files: tuple[SubjectFile, ...] = ()
    url: str = ""  # the site path of the full submission
    url_label: str = ""  # the link's text: "Open the full application"
    # The permission a visitor needs on the subject to open `url` (the link shows only then).
    url_permission: str = ""

    @property
    def lines_total(self) -> Decimal:
        return sum((amount for _label, amount in self.lines), Decimal(0))

    def file(self, key: str) -> SubjectFile | None:
        return next((f for f in self.files if f.key == key), None)


def stored_file(field: Any, *, key: str, label: str) -> tuple[SubjectFile, ...]:
    """A model's file field (a photo) as the subject's file, or nothing when it is empty."""
    if not field:
        return ()
    name = posixpath.basename(field.name)
    return (
        SubjectFile(
            key=key,
            name=name,
            label=label,
            open=lambda: field.open("rb"),
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        ),
    )


def _no_summary(subject: Any) -> SubjectSummary | None:
    return None


def _no_interests(subjects: list[Any], user_ids: Collection[int]) -> Iterable[tuple[Any, int, str]]:
    return ()


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
    # Who among `user_ids` has a stake in each of `subjects`, as (subject pk, user id,
    # Interest value): called as interests(subjects, user_ids), for many subjects at once so
    # a list of reviews asks a fixed number of queries. Such members are recused automatically.
    interests: Callable[[list[Any], Collection[int]], Iterable[tuple[Any, int, str]]] = (
        _no_interests
    )
    # What the panel reads of the subject: called as describe(subject), in the reader's
    # language. None: the review pages show its title only.
    describe: Callable[[Any], SubjectSummary | None] = _no_summary


_KINDS: dict[type[models.Model], SubjectKind] = {}


def register(model: type[models.Model], kind: SubjectKind) -> None:
    """Declare that `model` can be reviewed by the wijkpanel (registering again replaces)."""
    _KINDS[model] = kind


def kind_for(model: type[models.Model] | None) -> SubjectKind | None:
    """The registration of a model (or of its concrete class), if any."""
    if model is None:
        return None
    return _KINDS.get(model)

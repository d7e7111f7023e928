"""One initiative, one source of money: a subsidy and a wijkbudget project do not both fund it.

An initiative that already has a granted subsidy is admitted to a wijkbudget ballot only when
staff state why (budget/services/rounds.py asks `granted_subsidies`); a subsidy for an
initiative that a budget round funds, or whose project is on a ballot still to be counted, is
granted only when staff state why (`application_decide` asks `other_funding`). Subsidies may
not import budget, so the budget app registers its check here when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from subsidies.models import COMMITTED_STATUSES, Application

# A check takes an initiative and returns one line per other source funding it (empty: none).
FundingCheck = Callable[[Initiative], list[str]]
_CHECKS: dict[str, FundingCheck] = {}


def register_other_funding(name: str, check: FundingCheck) -> None:
    """Declare another source of money for initiatives (registering again replaces)."""
    _CHECKS[name] = check


def other_funding(*, initiative: Initiative) -> list[str]:
    """What else funds the initiative, as lines staff can read (empty when nothing does)."""
    return [line for check in _CHECKS.values() for line in check(initiative)]


def initiative_lock(*, initiative_id: int) -> None:
    """Lock the initiative's row until the commit: a grant and a ballot admission for the
    same initiative then check one after the other, so both cannot pass without a reason."""
    list(Initiative.objects.select_for_update().filter(pk=initiative_id).values_list("pk"))


def granted_subsidies(
    *, initiative: Initiative, exclude: Application | None = None
) -> QuerySet[Application]:
    """The initiative's subsidies that were granted (in part), however far they went since.

    Settled and reclaimed ones count too: money was paid out for the initiative.
    """
    qs = Application.objects.filter(initiative=initiative, status__in=COMMITTED_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def overlap_refusal(*, field: str, sources: list[str]) -> ValidationError:
    """The plain Dutch refusal when a second source lacks a reason (nothing is changed)."""
    return ValidationError(
        {
            field: _(
                "This initiative already gets money elsewhere (%(sources)s). One initiative, "
                "one source of money: state why it should be funded again."
            )
            % {"sources": "; ".join(sources)}
        },
        code="funding_overlap",
    )

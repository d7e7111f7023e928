"""What the API lists: the same rows anonymous visitors see on the public pages.

Each read goes through the selector the public page uses (initiatives_overview,
rounds_public, the cms listings, statistics_page), so a change to what the public may see
(a new draft state of budget rounds, a new moderation status) reaches the API by itself.
Where no public selector exists yet the query is written here and says so.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from budget.models import Phase, Project, Round
from budget.selectors import projects_on_ballot, projects_public, rounds_public
from cms.models import DecisionPage, EventPage, NewsPage
from core.models import Wijk
from core.selectors import wijken_all
from initiatives.models import Initiative
from initiatives.selectors import initiatives_overview
from subsidies.models import COMMITTED_STATUSES, Application, Scheme
from subsidies.selectors import schemes_all, schemes_with_remaining


def wijken() -> QuerySet[Wijk]:
    """Every wijk, by name (the wijk pages and the statistics list them all)."""
    return wijken_all()


def initiatives(
    *,
    wijk: Wijk | None = None,
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Initiative]:
    """Public initiatives with their number of supporters, as the initiatives page lists them."""
    qs = initiatives_overview(wijk=wijk, status=status)
    if date_from is not None:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def schemes(*, wijk: Wijk | None = None, year: int | None = None) -> list[tuple[Scheme, Decimal]]:
    """Every subsidy scheme (their pages are public), with what is left in its pot."""
    qs = schemes_all().order_by("-year", "name", "pk")
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    if year is not None:
        qs = qs.filter(year=year)
    return schemes_with_remaining(schemes=qs)


def granted_subsidies(
    *,
    wijk: Wijk | None = None,
    scheme: int | None = None,
    status: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Application]:
    """Granted subsidies of public initiatives, newest decision first.

    No public page lists them yet (subsidies has no public selector for grants): the query
    is here. A grant is shown only while its initiative is public, as its decision page says
    which initiative got what; the applicant's name, address and bank account never leave.
    """
    qs = (
        Application.objects.filter(
            status__in=COMMITTED_STATUSES,
            initiative__in=Initiative.objects.public(),
            decided_at__isnull=False,
        )
        .select_related("scheme", "initiative__wijk")
        .order_by("-decided_at", "-pk")
    )
    if wijk is not None:
        qs = qs.filter(initiative__wijk=wijk)
    if scheme is not None:
        qs = qs.filter(scheme_id=scheme)
    if status:
        qs = qs.filter(status=status)
    if date_from is not None:
        qs = qs.filter(decided_at__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(decided_at__date__lte=date_to)
    return qs


def rounds(
    *,
    wijk: Wijk | None = None,
    phase: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Round]:
    """Public wijkbudget rounds (rounds_public: no rehearsals, and whatever else the budget
    pages leave out), newest voting first; the phase is computed from the dates."""
    qs = rounds_public().order_by("-voting_start", "-pk")
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    if date_from is not None:
        qs = qs.filter(voting_end__date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(voting_start__date__lte=date_to)
    if phase:
        qs = qs.filter(_phase_q(phase, timezone.now()))
    return qs


def _phase_q(phase: str, now: datetime.datetime) -> Q:
    """Rounds in `phase` at `now`, as Round.phase_at computes it, as a filter."""
    return {
        Phase.UPCOMING: Q(proposals_start__gt=now),
        Phase.PROPOSALS: Q(proposals_start__lte=now, review_start__gt=now),
        Phase.REVIEW: Q(review_start__lte=now, voting_start__gt=now),
        Phase.VOTING: Q(voting_start__lte=now, voting_end__gt=now),
        Phase.RESULTS: Q(voting_end__lte=now, realisation_start__gt=now),
        Phase.REALISATION: Q(realisation_start__lte=now),
    }[Phase(phase)]


def round_by_pk(*, pk: int) -> Round | None:
    """One public round with its wijk and result."""
    return rounds_public().filter(pk=pk).first()


def round_projects(*, budget_round: Round) -> QuerySet[Project]:
    """The projects the round's page shows: on the ballot once voting opened, before that
    every proposal except withdrawn ones."""
    if budget_round.phase_reached(Phase.VOTING):
        return projects_on_ballot(budget_round=budget_round)
    return projects_public(budget_round=budget_round)


def published_result(*, budget_round: Round):
    """The round's result once staff published it (the results page's rule), else None."""
    result = getattr(budget_round, "result", None)
    return result if result is not None and result.is_published else None


def news(*, wijk=None, date_from=None, date_to=None):
    """Live news items outside private sections, newest first (the news overview)."""
    qs = NewsPage.objects.listed().for_wijk(wijk).order_by("-date", "-first_published_at", "-pk")
    return _dated(qs, "date", date_from, date_to)


def decisions(*, wijk=None, kind: str = "", date_from=None, date_to=None):
    """Published decisions, newest first (the decisions overview)."""
    qs = DecisionPage.objects.listed().for_wijk(wijk)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("-decided_on", "-first_published_at", "-pk")
    return _dated(qs, "decided_on", date_from, date_to)


def events(*, wijk=None, date_from=None, date_to=None):
    """Events, soonest first: from today on unless an earlier `date_from` is asked (the
    agenda lists the upcoming ones; past events' pages stay public)."""
    qs = EventPage.objects.listed().for_wijk(wijk).order_by("date", "start_time", "pk")
    return _dated(qs, "date", date_from or timezone.localdate(), date_to)


def _dated(qs, field: str, date_from, date_to):
    if date_from is not None:
        qs = qs.filter(**{f"{field}__gte": date_from})
    if date_to is not None:
        qs = qs.filter(**{f"{field}__lte": date_to})
    return qs


def page_urls(pages) -> dict[int, str]:
    """The full public address of each page (Wagtail's site root paths, cached per process)."""
    return {page.pk: page.get_full_url() for page in pages}

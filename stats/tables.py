"""The statistics as the page and the CSV show them, with small numbers suppressed for the public.

Suppression rule (the public sees this; council staff see every figure):

- Figures about people or money that are not public elsewhere on the site (registered
  and verified residents, subsidy applications and their amounts) are suppressed when
  they rest on 1 to 4 people or applications: a count is shown as "< 5", an amount as
  "hidden". Zero is shown: it identifies nobody.
- On the table of wijken, the hidden wijken of a column must together rest on 5 or
  more; otherwise the next-smallest wijken are hidden too (shown as "hidden"), or the
  total when there is none, so a hidden figure cannot be worked out from the total.
  The same cells are hidden on every page, so the wijk pages cannot undo it.
  The months (or quarters) over time are protected the same way against the total.
- Money over time, the money paid and the counts per application status are for staff
  only. Public initiatives, their supports and published wijkbudget results are public
  pages already and are shown in full.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from budget.models import Round
from core.models import Wijk
from initiatives.models import PUBLIC_STATUSES, InitiativeStatus
from initiatives.subsidies.models import Status
from stats import selectors
from stats.selectors import MONTH, PeriodFigures, WijkTotals

SUPPRESS_BELOW = 5

COUNT = "count"
MONEY = "money"
PERCENT = "percent"


@dataclass(frozen=True)
class Cell:
    """One figure as shown: its value, or suppressed (value None) for the public."""

    value: int | Decimal | None
    kind: str = COUNT
    suppressed: bool = False
    # Hidden only so that another small figure cannot be worked out (not itself small).
    secondary: bool = False

    @property
    def number(self) -> float:
        """The value for drawing a bar (0 when suppressed)."""
        return float(self.value or 0)


def _is_small(basis: int) -> bool:
    return 0 < basis < SUPPRESS_BELOW


def cell(value, *, kind: str = COUNT, basis: int | None = None, protect: bool = False) -> Cell:
    """A figure; when `protect` is set it is suppressed if its basis is 1 to 4."""
    basis = value if basis is None else basis
    if protect and _is_small(int(basis or 0)):
        return Cell(None, kind, suppressed=True)
    return Cell(value, kind)


@dataclass(frozen=True)
class Measure:
    """A figure the statistics report, with who may see it and what it rests on."""

    code: str
    label: str
    kind: str
    value: Callable
    # The number of people or applications the figure rests on (for suppression).
    basis: Callable | None = None
    # Not public elsewhere: suppressed for the public when small.
    sensitive: bool = False
    staff_only: bool = False


TOTAL_MEASURES = (
    Measure(
        "residents_registered",
        _("Registered residents"),
        COUNT,
        lambda t: t.residents_registered,
        sensitive=True,
    ),
    Measure(
        "residents_verified",
        _("Verified residents"),
        COUNT,
        lambda t: t.residents_verified,
        sensitive=True,
    ),
    Measure("initiatives_public", _("Public initiatives"), COUNT, lambda t: t.initiatives_public),
    Measure(
        "initiatives_all",
        _("All initiatives (also drafts and hidden ones)"),
        COUNT,
        lambda t: t.initiatives_all,
        staff_only=True,
    ),
    Measure(
        "supports_public",
        _("Supports for public initiatives"),
        COUNT,
        lambda t: t.supports_public,
    ),
    Measure("supports_all", _("All supports"), COUNT, lambda t: t.supports_all, staff_only=True),
    Measure(
        "applications_submitted",
        _("Subsidy applications"),
        COUNT,
        lambda t: t.applications_submitted,
        sensitive=True,
    ),
    Measure(
        "applications_granted",
        _("Subsidy applications granted"),
        COUNT,
        lambda t: t.applications_granted,
        sensitive=True,
    ),
    Measure(
        "amount_requested",
        _("Amount requested"),
        MONEY,
        lambda t: t.amount_requested,
        basis=lambda t: t.applications_submitted,
        sensitive=True,
    ),
    Measure(
        "amount_granted",
        _("Amount granted"),
        MONEY,
        lambda t: t.amount_granted,
        basis=lambda t: t.applications_granted,
        sensitive=True,
    ),
    Measure(
        "amount_paid",
        _("Amount paid (advance; final amount once settled)"),
        MONEY,
        lambda t: t.amount_paid,
        basis=lambda t: t.applications_paid,
        staff_only=True,
    ),
)

PERIOD_MEASURES = (
    Measure(
        "registrations",
        _("New registered residents"),
        COUNT,
        lambda p: p.registrations,
        sensitive=True,
    ),
    Measure(
        "verifications",
        _("Residents verified"),
        COUNT,
        lambda p: p.verifications,
        sensitive=True,
    ),
    Measure(
        "initiatives_public", _("New public initiatives"), COUNT, lambda p: p.initiatives_public
    ),
    Measure(
        "initiatives_all",
        _("New initiatives (also drafts)"),
        COUNT,
        lambda p: p.initiatives_all,
        staff_only=True,
    ),
    Measure(
        "supports_public",
        _("Supports for public initiatives"),
        COUNT,
        lambda p: p.supports_public,
    ),
    Measure("supports_all", _("All supports"), COUNT, lambda p: p.supports_all, staff_only=True),
    Measure(
        "applications_submitted",
        _("Subsidy applications submitted"),
        COUNT,
        lambda p: p.applications_submitted,
        sensitive=True,
    ),
    Measure(
        "applications_granted",
        _("Subsidy applications granted"),
        COUNT,
        lambda p: p.applications_granted,
        staff_only=True,
    ),
    Measure(
        "amount_requested",
        _("Amount requested"),
        MONEY,
        lambda p: p.amount_requested,
        staff_only=True,
    ),
    Measure(
        "amount_granted", _("Amount granted"), MONEY, lambda p: p.amount_granted, staff_only=True
    ),
    Measure("advances_paid", _("Advances paid"), MONEY, lambda p: p.advances_paid, staff_only=True),
)

# The series drawn as charts over time (each with the period table as its text alternative).
CHARTED_SERIES = (
    "registrations",
    "initiatives_public",
    "supports_public",
    "applications_submitted",
)
CHARTED_SERIES_STAFF = ("amount_granted", "advances_paid")


def _visible(measures, detailed: bool) -> list[Measure]:
    return [measure for measure in measures if detailed or not measure.staff_only]


def _cell(measure: Measure, source, *, detailed: bool) -> Cell:
    value = measure.value(source)
    basis = measure.basis(source) if measure.basis else value
    return cell(value, kind=measure.kind, basis=basis, protect=measure.sensitive and not detailed)


def _protect_columns(rows: dict[int, list[Cell]], total: list[Cell], bases) -> None:
    """Secondary suppression: the hidden wijken of a column must rest on 5 or more together.

    Otherwise the total minus the wijken shown gives the hidden figure away. The next
    smallest wijken are hidden as well until that holds; if it cannot, the total is.
    `bases[wijk_id][i]` is what the cell in column i rests on.
    """
    for column, total_cell in enumerate(total):
        if total_cell.suppressed:
            continue
        hidden = [wijk_id for wijk_id, cells in rows.items() if cells[column].suppressed]
        together = sum(bases[wijk_id][column] for wijk_id in hidden)
        candidates = sorted(
            (bases[wijk_id][column], wijk_id)
            for wijk_id, cells in rows.items()
            if not cells[column].suppressed and bases[wijk_id][column] > 0
        )
        while _is_small(together):
            if not candidates:
                total[column] = Cell(None, total_cell.kind, suppressed=True, secondary=True)
                break
            basis, wijk_id = candidates.pop(0)
            kind = rows[wijk_id][column].kind
            rows[wijk_id][column] = Cell(None, kind, suppressed=True, secondary=True)
            together += basis


@dataclass
class WijkRow:
    """One wijk on the table of wijken."""

    wijk: Wijk
    cells: list[Cell]


@dataclass
class StatusRow:
    """The number of initiatives or applications in one status."""

    code: str
    label: str
    count: Cell
    requested: Cell | None = None
    granted: Cell | None = None
    paid: Cell | None = None


@dataclass
class RoundRow:
    """One wijkbudget round with its turnout."""

    round: Round
    voters: int
    eligible: int | None
    turnout: Cell
    budget_used: Decimal | None
    counted: bool


@dataclass
class PeriodRow:
    """One month or quarter with its figures."""

    figures: PeriodFigures
    cells: list[Cell]


@dataclass
class StatisticsPage:
    """Everything the statistics page and its CSV show, for one audience."""

    wijk: Wijk | None
    detailed: bool
    period: str
    measures: list[Measure]
    totals: list[Cell]
    wijk_rows: list[WijkRow] = field(default_factory=list)
    initiative_statuses: list[StatusRow] = field(default_factory=list)
    application_statuses: list[StatusRow] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)
    period_measures: list[Measure] = field(default_factory=list)
    periods: list[PeriodRow] = field(default_factory=list)

    @property
    def scope_name(self) -> str:
        return self.wijk.name if self.wijk else str(_("All wijken"))

    @property
    def summary(self) -> list[tuple[Measure, Cell]]:
        return list(zip(self.measures, self.totals, strict=True))

    def total(self, code: str) -> Cell:
        """A total by its measure code (for the summary and the tests)."""
        return self.totals[[m.code for m in self.measures].index(code)]


def _initiative_statuses(totals: WijkTotals, *, detailed: bool) -> list[StatusRow]:
    statuses = InitiativeStatus if detailed else [InitiativeStatus(s) for s in PUBLIC_STATUSES]
    rows = [
        StatusRow(
            status.value, str(status.label), Cell(totals.initiatives_by_status.get(status, 0))
        )
        for status in statuses
    ]
    if detailed:
        rows.append(
            StatusRow("hidden", str(_("Hidden by moderation")), Cell(totals.initiatives_hidden))
        )
    return rows


def _application_statuses(totals: WijkTotals) -> list[StatusRow]:
    rows = []
    for status in Status:
        if status == Status.CONCEPT:
            continue
        sums = totals.applications_by_status.get(status, selectors.ApplicationSums())
        rows.append(
            StatusRow(
                status.value,
                str(status.label),
                Cell(sums.count),
                Cell(sums.requested, MONEY),
                Cell(sums.granted, MONEY),
                Cell(sums.paid, MONEY),
            )
        )
    return rows


def _rounds(wijk: Wijk | None, *, detailed: bool) -> list[RoundRow]:
    rows = []
    for budget_round in selectors.rounds_with_turnout(wijk=wijk):
        result = getattr(budget_round, "result", None)
        published = result is not None and result.is_published
        if not (published or detailed):
            continue
        if result is not None:
            rows.append(
                RoundRow(
                    round=budget_round,
                    voters=result.ballot_count,
                    eligible=result.eligible_count,
                    turnout=Cell(result.turnout, PERCENT),
                    budget_used=result.budget_used,
                    counted=True,
                )
            )
        else:
            rows.append(
                RoundRow(
                    round=budget_round,
                    voters=budget_round.participation_count,
                    eligible=None,
                    turnout=Cell(None, PERCENT),
                    budget_used=None,
                    counted=False,
                )
            )
    return rows


def _period_rows(activity, measures: list[Measure], *, detailed: bool) -> list[PeriodRow]:
    """The figures per period; for the public the hidden periods must rest on 5 or more too.

    On a young site the periods shown cover all time, so the total minus the periods
    shown would otherwise give a hidden month away.
    """
    cells = {
        i: [_cell(m, figures, detailed=detailed) for m in measures]
        for i, figures in enumerate(activity)
    }
    if not detailed:
        bases = {
            i: [int((m.basis or m.value)(figures)) for m in measures]
            for i, figures in enumerate(activity)
        }
        # The all-time totals are shown (or hidden) by their own rule; stand-ins here.
        _protect_columns(cells, [Cell(0) for _m in measures], bases)
    return [PeriodRow(figures, cells[i]) for i, figures in enumerate(activity)]


def statistics_page(
    *,
    wijk: Wijk | None,
    detailed: bool,
    period: str = MONTH,
    today: datetime.date | None = None,
    wijken: list[Wijk],
) -> StatisticsPage:
    """The figures of one wijk (or all), for staff (`detailed`) or with suppression."""
    all_totals = selectors.wijk_totals()
    measures = _visible(TOTAL_MEASURES, detailed)
    rows: dict[int, list[Cell]] = {}
    bases: dict[int, list[int]] = {}
    for each in wijken:
        totals = all_totals.get(each.pk, WijkTotals())
        rows[each.pk] = [_cell(m, totals, detailed=detailed) for m in measures]
        bases[each.pk] = [int((m.basis or m.value)(totals)) for m in measures]
    overall = WijkTotals()
    for each in wijken:
        overall.add(all_totals.get(each.pk, WijkTotals()))
    overall_cells = [_cell(m, overall, detailed=detailed) for m in measures]
    if not detailed:
        _protect_columns(rows, overall_cells, bases)
    scope_totals = all_totals.get(wijk.pk, WijkTotals()) if wijk else overall
    period_measures = _visible(PERIOD_MEASURES, detailed)
    activity = selectors.activity_over_time(wijk=wijk, period=period, today=today)
    page = StatisticsPage(
        wijk=wijk,
        detailed=detailed,
        period=period,
        measures=measures,
        totals=rows[wijk.pk] if wijk else overall_cells,
        wijk_rows=[] if wijk else [WijkRow(each, rows[each.pk]) for each in wijken],
        initiative_statuses=_initiative_statuses(scope_totals, detailed=detailed),
        application_statuses=_application_statuses(scope_totals) if detailed else [],
        rounds=_rounds(wijk, detailed=detailed),
        period_measures=period_measures,
        periods=_period_rows(activity, period_measures, detailed=detailed),
    )
    return page

"""The statistics as the page and the CSV show them, with small numbers suppressed for the public.

Suppression rule (the public sees this; council staff see every figure):

- Figures about people or money that are not public elsewhere on the site (registered
  and verified residents, subsidy applications and their amounts) are suppressed when
  they rest on 1 to 4 people or applications: a count is shown as "< 5", an amount as
  "hidden". Zero is shown: it identifies nobody.
- A figure shown per wijk is linked to the same figure of all wijken together: the
  table of wijken to the overall total, and each wijk's months (or quarters) to its
  own total and to the overview's month, which is the sum over the wijken. Each
  linked table is decided once, for every wijk and the overview together
  (stats.suppression), so every page and CSV hides the same cells: when a wijk's
  month is hidden, another wijk's month is hidden too (the next-smallest), or the
  overview's month, so the overview minus the wijken shown gives nothing away.
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
from stats import selectors
from stats.selectors import MONTH, PeriodFigures, WijkTotals
from stats.suppression import Decision, Line, is_small, suppress
from subsidies.models import Status

# The key of all wijken together in a linked table (wijken are keyed by their id).
OVERALL = "all"

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


def cell(value, *, kind: str = COUNT, basis: int | None = None, protect: bool = False) -> Cell:
    """A figure; when `protect` is set it is suppressed if its basis is 1 to 4."""
    basis = value if basis is None else basis
    if protect and is_small(int(basis or 0)):
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


def _raw(measure: Measure, source) -> Cell:
    return Cell(measure.value(source), measure.kind)


def _basis(measure: Measure, source) -> int:
    return int((measure.basis or measure.value)(source))


def _hide(cells: dict, column: int, decision: Decision) -> None:
    """Replace the cells `decision` hides in `column`; `cells[key]` is the row of `key`."""
    for key in decision.hidden:
        row = cells[key]
        row[column] = Cell(
            None, row[column].kind, suppressed=True, secondary=key not in decision.primary
        )


def linked_totals(
    measures: list[Measure], totals: dict[int, WijkTotals], overall: WijkTotals, *, detailed: bool
) -> dict[int | str, list[Cell]]:
    """The all-time figures per wijk id and OVERALL, decided for all of them at once."""
    cells: dict[int | str, list[Cell]] = {
        key: [_raw(m, source) for m in measures]
        for key, source in [*totals.items(), (OVERALL, overall)]
    }
    if detailed:
        return cells
    wijk_line = Line(tuple(totals), OVERALL)
    for column, measure in enumerate(measures):
        if not measure.sensitive:
            continue
        bases = {key: _basis(measure, source) for key, source in totals.items()}
        bases[OVERALL] = _basis(measure, overall)
        _hide(cells, column, suppress(bases=bases, lines=[wijk_line]))
    return cells


def linked_periods(
    measures: list[Measure],
    activity: dict[int, list[PeriodFigures]],
    overall: list[PeriodFigures],
    *,
    detailed: bool,
) -> dict[int | str, list[list[Cell]]]:
    """The figures over time per wijk id and OVERALL, decided for all of them at once.

    Lines: each wijk's periods (they add up to its total, shown elsewhere), each
    period's wijken (they add up to the overview's period) and the overview's periods
    (they add up to the overall total). On a young site the periods shown cover all time.
    `overall` is the sum of `activity` over the wijken.
    """
    scopes = {**activity, OVERALL: overall}
    cells = {
        (scope, index): [_raw(m, figures) for m in measures]
        for scope, rows in scopes.items()
        for index, figures in enumerate(rows)
    }
    if not detailed:
        periods = range(len(overall))
        lines = [Line(tuple((wijk_id, p) for p in periods)) for wijk_id in activity]
        lines += [Line(tuple((wijk_id, p) for wijk_id in activity), (OVERALL, p)) for p in periods]
        lines.append(Line(tuple((OVERALL, p) for p in periods)))
        for column, measure in enumerate(measures):
            if not measure.sensitive:
                continue
            bases = {key: _basis(measure, scopes[key[0]][key[1]]) for key in cells}
            _hide(cells, column, suppress(bases=bases, lines=lines))
    return {
        scope: [cells[(scope, index)] for index in range(len(rows))]
        for scope, rows in scopes.items()
    }


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


def statistics_page(
    *,
    wijk: Wijk | None,
    detailed: bool,
    period: str = MONTH,
    today: datetime.date | None = None,
    wijken: list[Wijk],
) -> StatisticsPage:
    """The figures of one wijk (or all), for staff (`detailed`) or with suppression.

    The suppression is decided over all wijken and the overview together, whichever
    page is asked for, so no page can be combined with another to undo it.
    """
    all_totals = selectors.wijk_totals()
    measures = _visible(TOTAL_MEASURES, detailed)
    totals = {each.pk: all_totals.get(each.pk, WijkTotals()) for each in wijken}
    overall = WijkTotals()
    for each in totals.values():
        overall.add(each)
    total_cells = linked_totals(measures, totals, overall, detailed=detailed)
    scope: int | str = wijk.pk if wijk else OVERALL
    scope_totals = totals.get(wijk.pk, WijkTotals()) if wijk else overall

    period_measures = _visible(PERIOD_MEASURES, detailed)
    activity = selectors.activity_by_wijk(period=period, today=today)
    empty = selectors.activity_total({}, period=period, today=today)
    for each in wijken:
        activity.setdefault(each.pk, empty)
    overall_activity = selectors.activity_total(activity, period=period, today=today)
    period_cells = linked_periods(period_measures, activity, overall_activity, detailed=detailed)
    figures = activity[wijk.pk] if wijk else overall_activity
    return StatisticsPage(
        wijk=wijk,
        detailed=detailed,
        period=period,
        measures=measures,
        totals=total_cells[scope],
        wijk_rows=[] if wijk else [WijkRow(each, total_cells[each.pk]) for each in wijken],
        initiative_statuses=_initiative_statuses(scope_totals, detailed=detailed),
        application_statuses=_application_statuses(scope_totals) if detailed else [],
        rounds=_rounds(wijk, detailed=detailed),
        period_measures=period_measures,
        periods=[
            PeriodRow(each, cells) for each, cells in zip(figures, period_cells[scope], strict=True)
        ],
    )

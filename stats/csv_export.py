"""The statistics as CSV for a municipal analyst: one row per wijk, period and measure.

Written by plumbing.csv for Excel in a Dutch setting (semicolons, a decimal comma, a byte
order mark); months read 2026-03 and quarters 2026-Q1. The long format (one figure per row)
filters and pivots without reshaping. Suppressed figures have an empty value and a
note, so the value column stays numeric. The rows are built from the same
StatisticsPage as the web page, so both always agree.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from plumbing.csv import spreadsheet_csv
from stats.tables import MONEY, PERCENT, Cell, StatisticsPage

_PLACES = {MONEY: Decimal("0.01"), PERCENT: Decimal("0.1")}


def csv_value(cell: Cell) -> Decimal | int | None:
    """The value to write: money with two decimals, percentages one; none when hidden."""
    if cell.suppressed or cell.value is None:
        return None
    if cell.kind in _PLACES:
        return Decimal(cell.value).quantize(_PLACES[cell.kind])
    return int(cell.value)


def _note(cell: Cell) -> str:
    if cell.secondary:
        return _("hidden to protect privacy: would reveal a figure of fewer than 5")
    if cell.suppressed:
        return _("hidden to protect privacy: fewer than 5")
    if cell.value is None:
        return _("not counted yet")
    return ""


def statistics_rows(page: StatisticsPage) -> list[list[object]]:
    """The header and one row per figure the page shows."""
    all_time = _("all time")
    rows: list[list[object]] = [
        [
            _("Wijk"),
            _("Period"),
            _("Wijkbudget round"),
            _("Measure"),
            _("Code"),
            _("Value"),
            _("Note"),
        ]
    ]

    def add(wijk: str, period: str, measure: str, code: str, value: Cell, round_name: str = ""):
        rows.append([wijk, period, round_name, str(measure), code, csv_value(value), _note(value)])

    scope = page.scope_name
    for measure, value in zip(page.measures, page.totals, strict=True):
        add(scope, all_time, measure.label, measure.code, value)
    for wijk_row in page.wijk_rows:
        for measure, value in zip(page.measures, wijk_row.cells, strict=True):
            add(wijk_row.wijk.name, all_time, measure.label, measure.code, value)
    for status in page.initiative_statuses:
        label = _("Initiatives: %(status)s") % {"status": status.label}
        add(scope, all_time, label, f"initiatives_status_{status.code}", status.count)
    for status in page.application_statuses:
        for code, label, value in (
            ("applications", _("Subsidy applications: %(status)s"), status.count),
            ("amount_requested", _("Amount requested: %(status)s"), status.requested),
            ("amount_granted", _("Amount granted: %(status)s"), status.granted),
            ("amount_paid", _("Amount paid: %(status)s"), status.paid),
        ):
            add(
                scope,
                all_time,
                label % {"status": status.label},
                f"{code}_status_{status.code}",
                value,
            )
    for period in page.periods:
        for measure, value in zip(page.period_measures, period.cells, strict=True):
            add(scope, period.figures.code, measure.label, measure.code, value)
    for round_row in page.rounds:
        budget_round = round_row.round
        closed = timezone.localdate(budget_round.voting_end)
        for code, label, value in (
            ("voters", _("Voters"), Cell(round_row.voters)),
            ("eligible", _("Eligible residents"), Cell(round_row.eligible)),
            ("turnout", _("Turnout (%)"), round_row.turnout),
            ("budget", _("Budget"), Cell(budget_round.budget, MONEY)),
            ("budget_used", _("Budget used"), Cell(round_row.budget_used, MONEY)),
        ):
            add(budget_round.wijk.name, closed, label, code, value, budget_round.name)
    return rows


def statistics_csv(page: StatisticsPage) -> str:
    """The CSV text, starting with a byte order mark for Excel."""
    return spreadsheet_csv(statistics_rows(page))

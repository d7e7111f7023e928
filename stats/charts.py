"""Server-drawn bar charts (inline SVG): no JavaScript, no inline styles, a table beside each.

Each chart is an <svg role="img"> named by its <title> and summarised by its <desc>;
the table under it is the full text alternative (WCAG 1.1.1).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from plumbing.formatting import euro
from stats.selectors import QUARTER, PeriodFigures
from stats.tables import (
    CHARTED_SERIES,
    CHARTED_SERIES_STAFF,
    COUNT,
    MONEY,
    PERCENT,
    Cell,
    StatisticsPage,
)

WIDTH = 640
LABEL_WIDTH = 230
BAR_SPACE = 330
ROW_HEIGHT = 26
BAR_HEIGHT = 18


def display(cell: Cell | None) -> str:
    """A figure as people read it in the active language: 1.234, € 1.234,50, 34,5%, < 5."""
    if cell is None:
        return ""
    if cell.suppressed:
        return "< 5" if cell.kind == COUNT and not cell.secondary else _("hidden")
    if cell.value is None:
        return "–"
    if cell.kind == MONEY:
        return euro(cell.value)
    if cell.kind == PERCENT:
        return number_format(cell.value, 1) + "%"
    return number_format(cell.value, force_grouping=True)


def period_label(figures: PeriodFigures) -> str:
    """March 2026, or Q1 2026."""
    if figures.period == QUARTER:
        return _("Q%(quarter)d %(year)d") % {"quarter": figures.quarter, "year": figures.start.year}
    return date_format(figures.start, "F Y")


@dataclass(frozen=True)
class Bar:
    """One bar: where it is drawn and what it says (numbers as SVG needs them, with a dot)."""

    label: str
    text: str
    width: str
    y_bar: str
    y_text: str
    x_text: str


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart ready for templates/stats/partials/_bar_chart.html."""

    slug: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH


def bar_chart(*, slug: str, title: str, bars: list[tuple[str, Cell]]) -> Chart:
    """Bars scaled to the largest shown value; suppressed values get no bar, only "< 5"."""
    largest = max((c.number for _label, c in bars if not c.suppressed), default=0.0)
    drawn = []
    for index, (label, value) in enumerate(bars):
        width = 0.0 if value.suppressed or not largest else BAR_SPACE * value.number / largest
        top = 4 + index * ROW_HEIGHT
        drawn.append(
            Bar(
                label=Truncator(label).chars(34),
                text=display(value),
                width=f"{width:.1f}",
                y_bar=f"{top + (ROW_HEIGHT - BAR_HEIGHT) / 2:.1f}",
                y_text=f"{top + ROW_HEIGHT / 2 + 5:.1f}",
                x_text=f"{LABEL_WIDTH + width + 6:.1f}",
            )
        )
    shown = [(label, c) for label, c in bars if not c.suppressed and c.value is not None]
    if not shown or not largest:
        description = _("No figures to show yet.")
    else:
        top_label, top_cell = max(shown, key=lambda pair: pair[1].number)
        description = _("Highest: %(label)s with %(value)s. The table gives every figure.") % {
            "label": top_label,
            "value": display(top_cell),
        }
    return Chart(
        slug=slug,
        title=title,
        description=description,
        bars=drawn,
        height=8 + len(bars) * ROW_HEIGHT,
    )


def status_chart(page: StatisticsPage) -> Chart:
    """Initiatives per status."""
    return bar_chart(
        slug="initiative-status",
        title=_("Initiatives by status"),
        bars=[(row.label, row.count) for row in page.initiative_statuses],
    )


def period_charts(page: StatisticsPage) -> list[Chart]:
    """One chart per main series over time; staff also get the money granted and paid."""
    codes = list(CHARTED_SERIES) + (list(CHARTED_SERIES_STAFF) if page.detailed else [])
    position = {measure.code: i for i, measure in enumerate(page.period_measures)}
    charts = []
    for code in codes:
        index = position[code]
        charts.append(
            bar_chart(
                slug=f"period-{code}",
                title=str(page.period_measures[index].label),
                bars=[(period_label(row.figures), row.cells[index]) for row in page.periods],
            )
        )
    return charts


def turnout_chart(page: StatisticsPage) -> Chart:
    """Turnout per wijkbudget round, where the round has been counted."""
    return bar_chart(
        slug="turnout",
        title=_("Turnout per wijkbudget round"),
        bars=[
            (f"{row.round.name} ({row.round.wijk.name})", row.turnout)
            for row in page.rounds
            if row.counted
        ],
    )

"""Template filters of the statistics pages."""

from __future__ import annotations

from django import template

from stats import charts

register = template.Library()


@register.filter
def stat(cell) -> str:
    """A figure as people read it: 1.234, € 1.234,50, 34,5%, or "< 5" when suppressed."""
    return charts.display(cell)


@register.filter
def period_label(figures) -> str:
    """March 2026, or Q1 2026."""
    return charts.period_label(figures)

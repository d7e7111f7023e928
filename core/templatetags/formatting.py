"""Template filters for money, shared by every app: `{% load formatting %}`, `{{ amount|euro }}`.

`{{ amount|euro_abs }}` is the amount without its sign, for sentences that say which way
it goes ("€ 9.500,00 too much chosen" rather than a negative budget left)."""

from __future__ import annotations

from django import template

from plumbing import formatting

register = template.Library()


@register.filter
def euro(value) -> str:
    """€ 1.234,50 (€1,234.50 in English), or a dash when there is no amount."""
    return formatting.euro(value)


@register.filter
def euro_abs(value) -> str:
    """The size of an amount, without a minus sign: € 9.500,00 (€9,500.00 in English)."""
    return formatting.euro(formatting.unsigned(value))

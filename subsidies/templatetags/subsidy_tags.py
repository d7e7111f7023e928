"""Template filters of subsidies: amounts in euro and masked bank accounts."""

from __future__ import annotations

from django import template

from subsidies.formatting import euro as format_euro
from subsidies.validators import mask_iban

register = template.Library()


@register.filter
def euro(value) -> str:
    """€ 1.234,50, or a dash when there is no amount."""
    if value is None or value == "":
        return "–"
    return format_euro(value)


@register.filter
def iban_masked(value) -> str:
    """NL** **** **** **12 34: only the last four characters visible."""
    return mask_iban(value or "") if value else "–"

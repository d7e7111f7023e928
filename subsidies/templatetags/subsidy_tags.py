"""Template filters of subsidies: masked bank accounts (amounts: `euro` in core's `formatting`)."""

from __future__ import annotations

from django import template

from subsidies.validators import mask_iban

register = template.Library()


@register.filter
def iban_masked(value) -> str:
    """NL** **** **** **12 34: only the last four characters visible."""
    return mask_iban(value or "") if value else "–"

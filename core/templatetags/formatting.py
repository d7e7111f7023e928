"""Template filters for money, shared by every app: `{% load formatting %}`, `{{ amount|euro }}`."""

from __future__ import annotations

from django import template

from plumbing import formatting

register = template.Library()


@register.filter
def euro(value) -> str:
    """€ 1.234,50 (€1,234.50 in English), or a dash when there is no amount."""
    return formatting.euro(value)

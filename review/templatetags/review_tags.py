"""Template tags other apps use to show the panel's advice on public pages and letters."""

from __future__ import annotations

from django import template

from review.selectors import public_advice_for

register = template.Library()


@register.inclusion_tag("review/partials/_public_advice.html")
def public_advice(subject):
    """The panel's advice on a submission, once the decision makes it public (else nothing)."""
    return {"review": public_advice_for(subject=subject) if subject is not None else None}

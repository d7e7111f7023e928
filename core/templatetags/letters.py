"""Tags of the letter templates (templates/pdf/): the site's address, QR codes, who signs."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from core.letters import LetterDetails, letter_details_for_wijk
from core.models import Wijk
from plumbing.pdf import qr_data_url, site_url

register = template.Library()


@register.simple_tag
def letter_settings(wijk: Wijk | None = None) -> LetterDetails:
    """The name of the wijk's municipality, its signing official and where to object:
    `{% letter_settings batch.wijk as letter %}`."""
    return letter_details_for_wijk(wijk)


@register.simple_tag
def site_link(viewname: str, *args, **query) -> str:
    """The full web address of a page of this site; keyword arguments become the query.

    `{% site_link "budget:code_enter" round.pk code=code as url %}`
    """
    path = reverse(viewname, args=args)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return site_url(path + (f"?{urlencode(query)}" if query else ""))


@register.simple_tag
def qr_code(url: str, label: str, size: str = "32mm"):
    """An <img> of a QR code that opens the address; `label` is its text alternative."""
    return format_html(
        '<img class="qr" src="{}" alt="{}" style="width: {}; height: {}">',
        qr_data_url(url),
        label,
        size,
        size,
    )

"""Money and dates as people read them in the active language.

Amounts follow the conventions of each language (CLDR): `€ 1.234,50` and `€ -1.234,50` in
Dutch, `€1,234.50` and `-€1,234.50` in English. Every amount on a page, in an e-mail, a
PDF or a message goes through `euro`; templates use the `euro` filter of
core/templatetags/formatting.py, which calls it.

Dates have one house format in both languages, day first with the month written out:
`7 december 2026` and `7 December 2026`, with the time as `17:30` (templates:
`|date:"j F Y"` and `|date:"j F Y H:i"`). Machine attributes (`<time datetime>`) stay ISO.
Amounts typed into forms are read by `plumbing.forms_fields.AmountField`.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

CENT = Decimal("0.01")
NO_VALUE = "–"

# Where the sign and the euro sign go, per language; Dutch for any other language.
_EURO_PATTERNS = {"en": "{sign}€{digits}"}
_EURO_PATTERN_DUTCH = "€ {sign}{digits}"


def euro(amount: Decimal | int | float | str | None) -> str:
    """An amount in euro with cents and grouped thousands, or a dash when there is none."""
    if amount is None or amount == "":
        return NO_VALUE
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    digits = number_format(abs(value), 2, force_grouping=True)
    language = (get_language() or "nl").split("-")[0]
    pattern = _EURO_PATTERNS.get(language, _EURO_PATTERN_DUTCH)
    return pattern.format(sign="-" if value < 0 else "", digits=digits)


def unsigned(amount: Decimal | int | float | str | None) -> Decimal | None:
    """The size of an amount without its sign (how much too much), or None when there is none."""
    if amount is None or amount == "":
        return None
    return abs(Decimal(str(amount)))


def long_date(value: datetime.date) -> str:
    """A day as a sentence says it: 1 april 2026, or 1 April 2026 in English."""
    return date_format(value, "j F Y")


def long_datetime(value: datetime.datetime) -> str:
    """A moment in local time: 7 december 2026 17:30, or 7 December 2026 17:30 in English."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "j F Y H:i")

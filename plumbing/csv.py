"""CSV for Excel in a Dutch setting, safe to open: the one writer of every spreadsheet export.

Semicolons between fields, a decimal comma and no thousands separator, dates as 2026-03-31,
lines ending in CRLF, UTF-8 with a byte order mark so accents survive. A cell whose text
could start a formula gets a leading apostrophe (CSV injection); numbers stay numbers.
(Pabulib's .pb files are a format of their own: budget/tally/pabulib.py writes those.)
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

BOM = "\ufeff"

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One value as a cell: numbers with a decimal comma, dates in ISO, formula-like text defused.

    A negative number is written as it is: it is not a formula.
    """
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    elif isinstance(value, Decimal | float):
        return format(Decimal(str(value)), "f").replace(".", ",")
    elif isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, datetime.date):
        return value.isoformat()
    else:
        text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def spreadsheet_csv(rows: Iterable[Iterable[object]]) -> str:
    """The rows (header first) as CSV text, starting with the byte order mark Excel needs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([cell(value) for value in row] for row in rows)
    return BOM + buffer.getvalue()

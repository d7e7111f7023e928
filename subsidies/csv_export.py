"""The staff overview as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from subsidies.models import Application

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell as text; text that could start a formula gets a leading apostrophe.

    Numbers are written as they are: a negative number of days is not a formula.
    """
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def applications_csv(applications: Iterable[Application]) -> str:
    """One row per application with what the overview shows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Reference"),
            _("Initiative"),
            _("Wijk"),
            _("Scheme"),
            _("Status"),
            _("Requested (euro)"),
            _("Granted (euro)"),
            _("Submitted on"),
            _("Decision due"),
            _("Days left"),
        ]
    )
    for application in applications:
        days = application.days_left
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    application.reference or "",
                    application.initiative.title,
                    application.wijk.name,
                    str(application.scheme),
                    application.get_status_display(),
                    application.requested_amount
                    if application.requested_amount is not None
                    else "",
                    application.granted_amount if application.granted_amount is not None else "",
                    application.submitted_at.date().isoformat() if application.submitted_at else "",
                    application.decision_due.isoformat() if application.decision_due else "",
                    "" if days is None else days,
                )
            ]
        )
    return buffer.getvalue()

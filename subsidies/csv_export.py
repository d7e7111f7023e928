"""The staff overview as CSV, safe to open in a spreadsheet (written by plumbing.csv)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from plumbing.csv import spreadsheet_csv
from subsidies.models import Application


def applications_csv(applications: Iterable[Application]) -> str:
    """One row per application with what the overview shows."""
    header = [
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
    rows = (
        [
            application.reference,
            application.initiative.title,
            application.wijk.name,
            str(application.scheme),
            application.get_status_display(),
            application.requested_amount,
            application.granted_amount,
            timezone.localdate(application.submitted_at) if application.submitted_at else None,
            application.decision_due,
            application.days_left,
        ]
        for application in applications
    )
    return spreadsheet_csv([header, *rows])

"""Every state change of subsidy schemes and applications.

Services take the acting user, check the permission themselves, validate,
and save with a reason so the timeline shows who did what and why. Status
changes all go through `application_transition`, which runs the table in
workflow.py; the services around it add what each step needs.
"""

from subsidies.services._common import LineInput, application_transition
from subsidies.services.applications import (
    application_create,
    application_request_info,
    application_start_review,
    application_submit,
    application_update,
    attachment_add,
    attachment_remove,
    on_review_concluded,
)
from subsidies.services.decisions import (
    application_decide,
    application_pay_advance,
    application_reclaim,
    application_request_report_info,
    application_settle,
    application_staff_step,
    report_submit,
    report_update,
)
from subsidies.services.schemes import scheme_create, scheme_update

__all__ = [
    "LineInput",
    "application_create",
    "application_decide",
    "application_pay_advance",
    "application_reclaim",
    "application_request_info",
    "application_request_report_info",
    "application_settle",
    "application_staff_step",
    "application_start_review",
    "application_submit",
    "application_transition",
    "application_update",
    "attachment_add",
    "attachment_remove",
    "on_review_concluded",
    "report_submit",
    "report_update",
    "scheme_create",
    "scheme_update",
]

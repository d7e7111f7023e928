"""What the applicant and staff pages of an application share."""

from __future__ import annotations

from django.http import Http404

from plumbing.workflow import actions_available
from subsidies import selectors
from subsidies.forms import StepForm
from subsidies.models import Application, AttachmentKind, LineKind
from subsidies.workflow import SIMPLE_STAFF_ACTIONS, TRANSITIONS


def get_application(request, pk: int, **kwargs) -> Application:
    """The application of the URL (404 when there is none)."""
    try:
        return selectors.application_detail(pk=pk)
    except Application.DoesNotExist as error:
        raise Http404 from error


def detail_context(request, application: Application, **extra) -> dict:
    """Everything the application page shows to this user."""
    user = request.user
    private = user.has_perm("subsidies.view_application_private", application)
    actions = actions_available(obj=application, user=user, transitions=TRANSITIONS)
    staff_steps = [action for action in actions if action in SIMPLE_STAFF_ACTIONS]
    step_forms = extra.pop("step_forms", {})
    return {
        "application": application,
        "scheme": application.scheme,
        "lines": selectors.cost_lines(application=application),
        "lines_total": selectors.cost_total(application=application),
        "actual_lines": selectors.cost_lines(application=application, kind=LineKind.ACTUAL),
        "actual_total": selectors.cost_total(application=application, kind=LineKind.ACTUAL),
        "show_private": private,
        "quotes": selectors.attachments_of(application=application, kinds=[AttachmentKind.QUOTE])
        if private
        else [],
        "report_files": selectors.attachments_of(
            application=application, kinds=[AttachmentKind.RECEIPT, AttachmentKind.PHOTO]
        )
        if private
        else [],
        "review": selectors.advice_of(application=application),
        "letter": selectors.letter_current(application=application) if private else None,
        "can_edit": user.has_perm("subsidies.edit_application", application),
        "can_report": user.has_perm("subsidies.edit_report", application),
        "is_staff_member": user.has_perm("subsidies.manage_application", application),
        "can_decide": any(action in ("grant", "partly_grant", "reject") for action in actions),
        "can_settle": "settle" in actions or "settle_reclaim" in actions,
        "staff_steps": [
            (action, step_forms.get(action) or StepForm(prefix=action)) for action in staff_steps
        ],
        "timeline": selectors.application_timeline(application=application)
        if user.has_perm("subsidies.view_application_history", application)
        else None,
        **extra,
    }

"""Background work of subsidies: the decision letter and its e-mail, after the decision commits."""

from __future__ import annotations

from django_tasks import task

from core.models import User
from subsidies.letters import decision_letter_issue
from subsidies.models import Application
from subsidies.notifications import notify_applicants


@task()
def issue_decision_letter(*, application_id: int, actor_id: int | None) -> str:
    """Render and store the letter (once) and tell the applicants where to download it."""
    application = Application.objects.select_related("scheme", "initiative").get(pk=application_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    letter = decision_letter_issue(application=application, actor=actor)
    notify_applicants(application=application, event="decided")
    return letter.sha256

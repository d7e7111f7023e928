"""E-mail to the applicants when something happens to their application."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.models import NotificationKind, User
from core.notifications import notify_message
from subsidies.models import Application

# Which template pair (templates/subsidies/email/<name>.txt/.html) each event uses.
EVENTS = ("submitted", "info_requested", "decided", "report_info_requested", "settled")
# The notification kind of each event, so applicants can choose what they receive.
EVENT_KINDS = {
    "submitted": NotificationKind.SUBMISSION_RECEIVED,
    "info_requested": NotificationKind.MORE_INFORMATION,
    "decided": NotificationKind.DECISION,
    "report_info_requested": NotificationKind.MORE_INFORMATION,
    "settled": NotificationKind.DECISION,
}


def applicants(application: Application) -> list[User]:
    """Everyone who runs the initiative and has an e-mail address."""
    return [
        member.user
        for member in application.initiative.members.select_related("user")
        if member.user.email
    ]


def applicant_addresses(application: Application) -> list[str]:
    """E-mail addresses of everyone who runs the initiative."""
    return sorted(
        {
            member.user.email
            for member in application.initiative.members.select_related("user")
            if member.user.email
        }
    )


def notify_applicants(*, application: Application, event: str, extra: dict | None = None) -> None:
    """Queue one e-mail (plain text and HTML) to the applicants; sent after commit."""
    if event not in EVENTS:
        raise ValueError(f"Unknown subsidy e-mail event {event!r}")
    recipients = applicants(application)
    if not recipients:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(
        "subsidies:application_detail", kwargs={"pk": application.pk}
    )
    context = {"application": application, "url": url, **(extra or {})}
    # Residents read Dutch; the e-mail does not depend on the staff member's language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"subsidies/email/{event}_subject.txt", context)
        body = render_to_string(f"subsidies/email/{event}.txt", context)
        html = render_to_string(f"subsidies/email/{event}.html", context)
    # One message per person: co-initiators do not see each other's addresses.
    for user in recipients:
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
        message.attach_alternative(html, "text/html")
        notify_message(user=user, kind=EVENT_KINDS[event], message=message, link=url)

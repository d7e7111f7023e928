"""E-mail of wijkpanel reviews: the assignment, the reminder before it is due, the cancellation.

Messages are rendered in the site's language (Dutch) and queued with
plumbing.mail.queue_email, so they go out after the transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.models import NotificationKind, User
from core.municipalities import municipality_of
from core.notifications import notify_message
from review.models import Review


def _send(*, template: str, review: Review, member: User, kind: str) -> None:
    municipality = municipality_of(review)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "review": review,
            "member": member,
            "subject_title": review.subject_title,
            "review_url": settings.SITE_URL.rstrip("/")
            + reverse("review:detail", kwargs={"pk": review.pk}),
            "dashboard_url": settings.SITE_URL.rstrip("/") + reverse("review:dashboard"),
            "municipality": municipality.name,
        }
        subject = render_to_string(f"review/email/{template}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"review/email/{template}.txt", context),
            to=[member.email],
            from_email=municipality.sender or None,
        )
        message.attach_alternative(
            render_to_string(f"review/email/{template}.html", context), "text/html"
        )
    notify_message(
        user=member,
        kind=kind,
        message=message,
        link=reverse("review:detail", kwargs={"pk": review.pk}),
    )


def send_assignment(*, review: Review, member: User) -> None:
    """Tell a panel member that a submission awaits their review."""
    _send(template="assigned", review=review, member=member, kind=NotificationKind.PANEL_ASSIGNMENT)


def send_reminder(*, review: Review, member: User) -> None:
    """Remind a panel member that their review is due soon."""
    _send(template="reminder", review=review, member=member, kind=NotificationKind.PANEL_REMINDER)


def send_cancelled(*, review: Review, member: User) -> None:
    """Tell a panel member that a review was cancelled (the submission was withdrawn)."""
    # No kind of its own: it belongs with the assignment it takes back.
    _send(
        template="cancelled", review=review, member=member, kind=NotificationKind.PANEL_ASSIGNMENT
    )

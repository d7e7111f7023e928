"""Queue e-mail through the task framework once the surrounding transaction commits."""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from core.tasks import send_email


def queue_email(message: EmailMessage) -> None:
    """Send a rendered message after commit, never inside the request's transaction."""
    html_body = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html_body = content
    if message.content_subtype == "html":
        html_body, body = message.body, ""
    else:
        body = message.body
    transaction.on_commit(
        partial(
            send_email.enqueue,
            subject=str(message.subject),
            body=body,
            to=list(message.to),
            from_email=message.from_email,
            html_body=html_body,
            headers={k: str(v) for k, v in message.extra_headers.items()},
        )
    )

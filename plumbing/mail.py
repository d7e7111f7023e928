"""Queue e-mail through the task framework; it is sent only after the transaction commits."""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django_tasks_db.backend import DatabaseBackend

from plumbing.tasks import send_email


def queue_email(message: EmailMessage) -> None:
    """Send a rendered message after commit, never inside the request's transaction.

    With the database task queue (production) the task row is written inside the caller's
    transaction, a transactional outbox: the worker sees it only once that commits, it
    disappears with a rollback, and no crash between commit and enqueue can lose it (nor
    does it cost a commit of its own). Other backends (the immediate one in dev and tests)
    run the task at enqueue time, so there it waits for the commit.
    """
    html_body = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html_body = content
    if message.content_subtype == "html":
        html_body, body = message.body, ""
    else:
        body = message.body
    kwargs = {
        "subject": str(message.subject),
        "body": body,
        "to": list(message.to),
        "from_email": message.from_email,
        "html_body": html_body,
        "headers": {k: str(v) for k, v in message.extra_headers.items()},
    }
    if isinstance(send_email.get_backend(), DatabaseBackend):
        send_email.enqueue(**kwargs)  # the row is written in the caller's transaction
    else:
        transaction.on_commit(partial(send_email.enqueue, **kwargs))

"""Queue e-mail through the task framework; it is sent only after the transaction commits.

A private message (`queue_email(message, private=True)`: a ballot receipt, which must not be
linkable to its voter) never reaches the database readable. Its content, addresses included,
is sealed with Fernet (cryptography, which allauth's MFA already brings) under a key derived
from SECRET_KEY, so the task row holds only ciphertext while it waits and after a failed send;
once sent, its finished row is deleted through django-tasks-db's own model. See docs/privacy.md.

Links in e-mail are on the configured address (`site_link`: settings.SITE_URL), never on the
host a request came in on.
"""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from plumbing.tasks import send_email

_KEY_SALT = "plumbing.mail.private"


def site_link(url: str) -> str:
    """A link for an e-mail on settings.SITE_URL: a site path, or a full address of this site
    (as a request builds it) whose scheme and host are replaced."""
    parts = urlsplit(url)
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return settings.SITE_URL.rstrip("/") + path


def _fernet() -> MultiFernet:
    """The sealing key of private mail: from SECRET_KEY, and from its fallbacks to open."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(_KEY_SALT, "", secret=s, algorithm="sha256").digest()
                )
            )
            for s in secrets
        ]
    )


def seal(payload: dict[str, Any]) -> str:
    """Encrypt (and authenticate) a message's arguments for the task queue."""
    return _fernet().encrypt(json.dumps(payload).encode()).decode()


def unseal(sealed: str) -> dict[str, Any]:
    """The arguments back; raises cryptography's InvalidToken when the key does not fit."""
    return json.loads(_fernet().decrypt(sealed.encode()))


@task()
def send_private_email(*, sealed: str) -> None:
    """Send a sealed message; returns nothing, so the finished row would say nothing either."""
    send_email.call(**unseal(sealed))


@receiver(task_finished)
def _forget_sent_private_email(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    """Delete the row of a private message once it went out (the worker has marked it).

    Not from inside the task: the worker still writes the outcome to the row afterwards.
    A failed send keeps its row (ciphertext only) for the operator to see and retry.
    """
    if (
        task_result.task.module_path == send_private_email.module_path
        and task_result.status == TaskResultStatus.SUCCESSFUL
        and isinstance(task_result.task.get_backend(), DatabaseBackend)
    ):
        DBTaskResult.objects.filter(pk=task_result.id).delete()


def _arguments(message: EmailMessage) -> dict[str, Any]:
    html_body = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html_body = content
    if message.content_subtype == "html":
        html_body, body = message.body, ""
    else:
        body = message.body
    return {
        "subject": str(message.subject),
        "body": body,
        "to": list(message.to),
        "from_email": message.from_email,
        "html_body": html_body,
        "headers": {k: str(v) for k, v in message.extra_headers.items()},
    }


def queue_email(message: EmailMessage, *, private: bool = False) -> None:
    """Send a rendered message after commit, never inside the request's transaction.

    With the database task queue (production) the task row is written inside the caller's
    transaction, a transactional outbox: the worker sees it only once that commits, it
    disappears with a rollback, and no crash between commit and enqueue can lose it (nor
    does it cost a commit of its own). Other backends (the immediate one in dev and tests)
    run the task at enqueue time, so there it waits for the commit.

    `private=True` seals the whole message in the row and deletes the row once it is sent,
    for mail whose recipient must not be linkable to its content (ballot receipts).
    """
    kwargs = _arguments(message)
    if private:
        enqueue = partial(send_private_email.enqueue, sealed=seal(kwargs))
    else:
        enqueue = partial(send_email.enqueue, **kwargs)
    if isinstance(send_email.get_backend(), DatabaseBackend):
        enqueue()  # the row is written in the caller's transaction
    else:
        transaction.on_commit(enqueue)

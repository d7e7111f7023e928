"""E-mail is sent only after the transaction that asked for it commits."""

import pytest
from django.core.mail import EmailMessage
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from plumbing.mail import queue_email

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _message():
    return EmailMessage(subject="Onderwerp", body="Tekst", to=["bewoner@example.nl"])


def test_immediate_backend_sends_only_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_email(_message())
        assert mailoutbox == []
    assert [mail.subject for mail in mailoutbox] == ["Onderwerp"]


def test_immediate_backend_sends_nothing_after_a_rollback(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_email(_message())
        raise RuntimeError
    assert callbacks == []
    assert mailoutbox == []


@override_settings(TASKS=DB_QUEUE)
def test_database_queue_keeps_the_mail_with_the_transaction(mailoutbox):
    with transaction.atomic():
        queue_email(_message())
    assert DBTaskResult.objects.count() == 1  # queued, for the worker

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(_message())
        raise RuntimeError
    assert DBTaskResult.objects.count() == 1  # the rolled-back one never reaches the worker
    assert mailoutbox == []  # nothing is sent in the request


@override_settings(TASKS=DB_QUEUE)
def test_the_worker_sends_a_queued_mail(mailoutbox):
    with transaction.atomic():
        queue_email(_message())

    # What the worker does with a row: import its task by path, call it with its arguments
    # (db_worker itself closes the database connection, which the test still needs).
    row = DBTaskResult.objects.ready().get()
    row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])

    assert [(mail.subject, mail.to) for mail in mailoutbox] == [
        ("Onderwerp", ["bewoner@example.nl"])
    ]

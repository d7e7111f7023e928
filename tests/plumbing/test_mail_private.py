"""A private e-mail (a ballot receipt) never keeps its recipient next to its content.

While it waits in the database task queue the row holds only ciphertext; once the worker has
sent it the row is gone; a failed send keeps ciphertext only. The ballot receipt goes this way.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from budget import services
from plumbing.mail import queue_email, seal, unseal
from tests.factories.budget import ProjectFactory, RoundFactory

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PRIVATE = "plumbing.mail.send_private_email"
ADDRESS = "bewoner@example.nl"
CODE = "KQ7M-2XPL-9TRD"


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server did not answer")


def _receipt_message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Uw stem is ontvangen", body=f"Uw ontvangstcode: {CODE}", to=[ADDRESS]
    )
    message.attach_alternative(f"<p>Uw ontvangstcode: <strong>{CODE}</strong></p>", "text/html")
    return message


def _row_text(row: DBTaskResult) -> str:
    """Everything the task row holds, as a database administrator would read it."""
    values = DBTaskResult.objects.filter(pk=row.pk).values().get()
    return json.dumps(values, default=str)


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False)


def _rows_holding(*needles: str) -> list[str]:
    """Every row of every table in which all the needles appear together."""
    found = []
    for model in apps.get_models():
        for values in model._default_manager.values():
            text = json.dumps(values, default=str)
            if all(needle in text for needle in needles):
                found.append(f"{model._meta.label}: {text[:200]}")
    return found


def test_sealed_arguments_open_again_with_the_key():
    payload = {"to": [ADDRESS], "body": CODE}
    sealed = seal(payload)
    assert ADDRESS not in sealed and CODE not in sealed
    assert unseal(sealed) == payload


@pytest.mark.django_db
@override_settings(TASKS=DB_QUEUE)
def test_a_queued_private_mail_holds_neither_address_nor_content(mailoutbox):
    with transaction.atomic():
        queue_email(_receipt_message(), private=True)
    row = DBTaskResult.objects.get()
    text = _row_text(row)
    assert ADDRESS not in text
    assert CODE not in text
    assert "ontvangen" not in text  # not even the subject
    assert mailoutbox == []


@pytest.mark.django_db
@override_settings(TASKS=DB_QUEUE)
def test_an_ordinary_mail_still_queues_readable_arguments():
    with transaction.atomic():
        queue_email(EmailMessage(subject="Nieuws", body="Tekst", to=[ADDRESS]))
    assert ADDRESS in _row_text(DBTaskResult.objects.get())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_worker_sends_a_private_mail_and_its_row_is_gone(mailoutbox):
    with transaction.atomic():
        queue_email(_receipt_message(), private=True)
        queue_email(EmailMessage(subject="Nieuws", body="Tekst", to=[ADDRESS]))

    _run_worker()

    assert sorted(mail.subject for mail in mailoutbox) == ["Nieuws", "Uw stem is ontvangen"]
    receipt = next(mail for mail in mailoutbox if mail.subject == "Uw stem is ontvangen")
    assert receipt.to == [ADDRESS] and CODE in receipt.body
    assert CODE in receipt.alternatives[0][0]
    # The ordinary mail keeps its finished row (pruned as usual); the private one has none.
    assert [row.task_path for row in DBTaskResult.objects.all()] == ["plumbing.tasks.send_email"]
    assert _rows_holding(CODE) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_QUEUE, EMAIL_BACKEND=f"{__name__}.FailingBackend")
def test_a_failed_private_send_keeps_only_ciphertext(mailoutbox):
    with transaction.atomic():
        queue_email(_receipt_message(), private=True)

    _run_worker()

    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.FAILED  # kept, for the operator to see and retry
    assert "ConnectionRefusedError" in row.exception_class_path
    text = _row_text(row)
    assert ADDRESS not in text and CODE not in text
    assert _rows_holding(CODE) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_QUEUE)
def test_a_ballot_receipt_is_sent_and_nothing_keeps_the_code_next_to_the_voter(
    wijk, resident, mailoutbox
):
    budget_round = RoundFactory(wijk=wijk, phase="voting", min_choices=1, max_choices=1)
    project = ProjectFactory(round=budget_round, title="Bankjes", cost=Decimal("3000"))

    cast = services.ballot_cast(actor=resident, budget_round=budget_round, choices={project.pk: 1})
    # While queued: the row is there, unreadable. (Other tasks, such as Wagtail's reference
    # index, may be queued too.)
    queued = DBTaskResult.objects.get(task_path=PRIVATE)
    assert cast.receipt not in _row_text(queued) and resident.email not in _row_text(queued)

    _run_worker()

    assert [mail.to for mail in mailoutbox] == [[resident.email]]
    assert cast.receipt in mailoutbox[0].body
    assert not DBTaskResult.objects.filter(task_path=PRIVATE).exists()
    # No table anywhere holds the plain receipt code, with or without the address.
    assert _rows_holding(cast.receipt) == []
    assert _rows_holding(cast.receipt, resident.email) == []

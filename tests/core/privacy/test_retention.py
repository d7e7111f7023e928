"""Privacy (AVG): the retention run anonymises what is past its period."""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from budget import services as budget_services
from budget.models import Ballot, Participation
from core.models import (
    Notification,
    ResidencyCode,
    User,
)
from core.privacy import retention_run
from core.services import LetterAddress, residency_code_batch_create, residency_code_redeem
from plumbing.mail import queue_email, send_private_email
from tests.core.privacy.support import (
    DB_QUEUE,
    EMAIL,
    OTHER_EMAIL,
    _outbox_to,
)
from tests.factories import UserFactory
from tests.factories.budget import ProjectFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_retention_anonymises_only_what_is_past_its_period(old_and_new, person):
    ballots_before = sorted(Ballot.objects.values_list("voter_key", "choices"))

    lines = retention_run()

    old = Participation.objects.get(round=old_and_new["old_round"])
    assert old.user is None
    assert not old.history.filter(user_id=person.pk).exists()
    assert not old.history.filter(history_user_id=person.pk).exists()
    assert Participation.objects.get(round=old_and_new["new_round"]).user == person
    assert sorted(Ballot.objects.values_list("voter_key", "choices")) == ballots_before
    assert not Notification.objects.filter(pk=old_and_new["old_note"].pk).exists()
    assert Notification.objects.filter(pk=old_and_new["new_note"].pk).exists()
    assert not User.objects.filter(pk=old_and_new["stale"].pk).exists()
    assert not User.history.filter(id=old_and_new["stale"].pk).exists()
    assert User.objects.filter(pk=old_and_new["fresh"].pk).exists()
    assert User.objects.filter(pk=old_and_new["confirmed"].pk).exists()
    assert User.objects.filter(pk=old_and_new["made_by_command"].pk).exists()
    assert "budget: voter registry: 1 participation(s) unlinked from their account" in lines
    assert "core: notifications: 1 deleted" in lines
    assert "core: unconfirmed accounts: 1 deleted" in lines


def test_retention_is_idempotent(old_and_new):
    retention_run()

    lines = retention_run()

    assert "budget: voter registry: 0 participation(s) unlinked from their account" in lines
    assert "core: notifications: 0 deleted" in lines
    assert "core: unconfirmed accounts: 0 deleted" in lines


def test_retention_dry_run_changes_nothing(old_and_new, person):
    out = StringIO()

    call_command("privacy_retention", "--dry-run", stdout=out)

    assert "Dry run" in out.getvalue()
    assert "voter registry: 1 participation(s)" in out.getvalue()
    assert Participation.objects.get(round=old_and_new["old_round"]).user == person
    assert Notification.objects.filter(pk=old_and_new["old_note"].pk).exists()
    assert User.objects.filter(pk=old_and_new["stale"].pk).exists()


def test_retention_removes_addresses_of_old_used_residency_codes(wijk, staff, settings):
    settings.WIJKPLEIN_RETENTION_DAYS = {**settings.WIJKPLEIN_RETENTION_DAYS, "letter_codes": 90}
    from tests.factories import ProfileFactory

    users = [UserFactory() for _ in range(3)]
    for number, user in enumerate(users, start=1):
        ProfileFactory(user=user, wijk=wijk, postcode="6441AB", house_number=str(number))
    _batch, letters = residency_code_batch_create(
        actor=staff,
        wijk=wijk,
        addresses=[
            LetterAddress(street="Kerkstraat", house_number=str(n), postcode="6441AB")
            for n in (1, 2, 3)
        ],
    )
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=91)):
        residency_code_redeem(user=users[0], code=letters[0][1])
    with time_machine.travel(now - datetime.timedelta(days=89)):
        residency_code_redeem(user=users[1], code=letters[1][1])

    call_command("privacy_retention", stdout=StringIO())

    old, recent, unused = (ResidencyCode.objects.get(house_number=n) for n in ("", "2", "3"))
    assert (old.street, old.postcode, old.used_by) == ("", "", None)
    assert not ResidencyCode.history.filter(id=old.pk).exclude(postcode="").exists()
    assert recent.street == "Kerkstraat" and recent.used_by == users[1]
    assert unused.street == "Kerkstraat"


def test_retention_runs_from_the_scheduler():
    scheduler = Path(__file__).resolve().parents[3] / "platform" / "scheduler.sh"

    assert re.search(r"^\s*python manage.py privacy_retention\b", scheduler.read_text(), re.M)


def test_core_does_not_import_the_apps_it_serves():
    """Apps register with core.privacy; core itself never imports them."""
    core = Path(__file__).resolve().parents[3] / "core"
    offenders = [
        path.name
        for path in core.rglob("*.py")
        if re.search(r"^\s*(from|import) (initiatives|budget|cms)\b", path.read_text(), re.M)
    ]
    assert offenders == []


def test_retention_clears_sent_emails_from_the_outbox(person, wijk, settings):
    """The outbox row of a ballot receipt holds the voter's address next to the receipt code."""
    settings.TASKS = DB_QUEUE
    settings.WIJKPLEIN_RETENTION_DAYS = {**settings.WIJKPLEIN_RETENTION_DAYS, "sent_emails": 7}
    budget_round = RoundFactory(wijk=wijk, phase="voting")
    project = ProjectFactory(round=budget_round)
    cast = budget_services.ballot_cast(
        actor=person, budget_round=budget_round, choices={project.pk: 1}
    )
    # The receipt waits sealed: neither the address nor the code can be read in the queue.
    receipt_row = DBTaskResult.objects.get(task_path=send_private_email.module_path)
    assert cast.receipt not in json.dumps(receipt_row.args_kwargs)
    assert EMAIL not in json.dumps(receipt_row.args_kwargs)
    now = timezone.now()
    # One whose sending failed stays (sealed) for the operator, until retention removes it.
    receipt_row.status = TaskResultStatus.FAILED
    receipt_row.finished_at = now - datetime.timedelta(days=8)
    receipt_row.save()
    queue_email(EmailMessage(subject="Oud", body="x", to=[EMAIL]))
    _outbox_to(EMAIL).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - datetime.timedelta(days=8)
    )
    queue_email(EmailMessage(subject="Recent", body="x", to=[OTHER_EMAIL]))
    _outbox_to(OTHER_EMAIL).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - datetime.timedelta(days=6)
    )
    queue_email(EmailMessage(subject="Not sent yet", body="x", to=["wacht@example.org"]))

    lines = retention_run()

    assert not _outbox_to(EMAIL).exists()
    assert not DBTaskResult.objects.filter(task_path=send_private_email.module_path).exists()
    assert _outbox_to(OTHER_EMAIL).exists()
    assert _outbox_to("wacht@example.org").exists()  # the worker still has to send it
    assert "core: sent e-mails: 2 deleted from the outbox" in lines

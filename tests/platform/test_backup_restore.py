"""Backup and restore as docs/operations.md says: a demo database with ballots, a counted
result, a decision letter and a document in the object store (moto's S3 server on loopback)
is dumped with pg_dump (custom format) and its buckets copied with boto3; restored into a
new database (pg_restore) and new buckets, a process of its own with production settings on
them finds the same result, letters and documents, and the recount gives the same outcome."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from budget.models import Ballot, Round
from budget.services import round_count
from subsidies import services as subsidy_services
from subsidies.models import Attachment, AttachmentKind, DecisionLetter, Status
from tests.factories import WijkCoordinatorFactory, make_budget_officer
from tests.platform.pooler import create_database, drop_database
from tests.platform.support import ROOT
from tests.platform.test_object_storage import PRIVATE, PUBLIC, s3, s3_storages  # noqa: F401
from tests.subsidies.conftest import bring_to, pdf_upload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _url(database: str) -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{database}"


def _copy_bucket(client, source: str, target: str) -> int:
    """What `rclone sync` does for a nightly copy: every object, under the same key."""
    client.create_bucket(Bucket=target)
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=source):
        for item in page.get("Contents", []):
            client.copy_object(
                Bucket=target, Key=item["Key"], CopySource={"Bucket": source, "Key": item["Key"]}
            )
            copied += 1
    return copied


def _demo_with_ballots(*, wijk, staff, draft, applicant):
    """The demo's closed round with its paper ballots, counted; a granted application with
    its quote (a document) and decision letter (a letter), both in the private bucket."""
    WijkCoordinatorFactory(wijk=wijk, user=staff)
    make_budget_officer(wijk, email="collega@example.org")
    call_command("budget_demo", stdout=io.StringIO())
    closed = Round.objects.get(wijk=wijk, name__startswith="Groenbudget")
    result = round_count(actor=staff, budget_round=closed)
    subsidy_services.attachment_add(
        actor=applicant, application=draft, kind=AttachmentKind.QUOTE, upload=pdf_upload()
    )
    bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)
    return closed, result


def test_a_restored_dump_and_bucket_copy_hold_results_letters_and_documents(
    s3_storages,  # noqa: F811 - the fixture imported above
    wijk,
    staff,
    draft,
    applicant,
    tmp_path,
):
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed (Debian's postgresql-client)")
    s3_client, server = s3_storages
    closed, result = _demo_with_ballots(wijk=wijk, staff=staff, draft=draft, applicant=applicant)
    letter = DecisionLetter.objects.get(application=draft)
    attachment = Attachment.objects.get(application=draft)
    with attachment.file.open("rb") as handle:
        document_sha = hashlib.sha256(handle.read()).hexdigest()

    # Backup: the dump first, then the files (docs/operations.md, Backup).
    dump = tmp_path / "wijkplein.dump"
    subprocess.run(  # noqa: S603 - Debian's pg_dump
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            _url(connection.settings_dict["NAME"]),
        ],
        check=True,
    )
    copies = {PUBLIC: f"{PUBLIC}-restored", PRIVATE: f"{PRIVATE}-restored"}
    copied = sum(_copy_bucket(s3_client, source, target) for source, target in copies.items())
    assert copied >= 2  # the letter and the quote

    # Restore into a new, empty database and the copied buckets.
    restored = f"plat2_restored_{os.getpid()}"
    create_database(restored)
    try:
        subprocess.run(  # noqa: S603 - Debian's pg_restore
            ["pg_restore", "--no-owner", f"--dbname={_url(restored)}", str(dump)], check=True
        )
        host, port = server.get_host_and_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PROMETHEUS"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            # The same secrets as the dumped site (docs/operations.md, Restore, step 3).
            "SECRET_KEY": "test-secret-key",
            "HASH_SECRET": "test-hash-secret",
            "ALLOWED_HOSTS": "wijkplein.example.nl",
            "DATABASE_URL": _url(restored),
            "REDIS_URL": "",
            "AWS_STORAGE_BUCKET_NAME": copies[PUBLIC],
            "AWS_PRIVATE_STORAGE_BUCKET_NAME": copies[PRIVATE],
            "AWS_S3_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        for step in (
            [sys.executable, "manage.py", "migrate", "--no-input"],
            [sys.executable, "-m", "tests.platform.restore_check"],
        ):
            answer = subprocess.run(  # noqa: S603 - our own commands
                step, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
            )
            assert answer.returncode == 0, answer.stderr[-3000:]
    finally:
        drop_database(restored)

    line = next(row for row in answer.stdout.splitlines() if row.startswith("RESTORED "))
    found = json.loads(line.removeprefix("RESTORED "))
    counted = found["results"][str(closed.pk)]
    assert counted["funded"] == result.funded and counted["votes"] == result.votes
    assert counted["pb_sha256"] == result.pb_sha256 and counted["pb_matches"]
    assert counted["recount"] == result.funded  # the recount gives the published outcome
    assert counted["ballots"] == Ballot.objects.filter(round=closed).count() == 12
    assert found["letters"] == {letter.file.name: letter.sha256}
    assert found["documents"] == {attachment.file.name: document_sha}

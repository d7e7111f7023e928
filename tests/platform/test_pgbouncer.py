"""Behind PgBouncer in transaction mode (as on a managed platform): migrations, a ballot and
its change, an attachment upload and the round's advisory lock, through a PgBouncer started
here. The resident's side runs in a pytest of its own (pgbouncer_journey.py) whose only
database connection is the pooled one, with DATABASE_TRANSACTION_POOLING set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.platform.pooler import drop_database, pgbouncer, pooled_transactions
from tests.platform.support import ROOT

JOURNEY = "tests/platform/pgbouncer_journey.py"

# PostgreSQL is the pooled database whatever the outer run uses: once, in the PostgreSQL pass.
pytestmark = pytest.mark.postgres


def test_the_site_works_through_pgbouncer_in_transaction_mode():
    test_database = f"plat2_pgbouncer_{os.getpid()}"
    with pgbouncer() as port:
        drop_database(test_database)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres",
            "DATABASE_TEST_NAME": test_database,
            "DATABASE_TRANSACTION_POOLING": "true",
            "REDIS_URL": "",
        }
        env.pop("DATABASE_PREPARED_STATEMENTS", None)
        try:
            # --reuse-db: pytest-django then leaves the database for us to drop (PgBouncer
            # keeps server connections to it open, which DROP DATABASE would refuse).
            result = subprocess.run(  # noqa: S603 - our own test run
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    JOURNEY,
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "--reuse-db",
                    "-o",
                    "addopts=",
                    "-W",
                    "ignore",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            transactions = pooled_transactions(port, test_database)
        finally:
            drop_database(test_database)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
    # The migrations and the journey really went through PgBouncer.
    assert transactions > 100

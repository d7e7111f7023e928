"""Production settings refuse to start without their secrets and pass check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-secret-key-for-production-checks-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "wijkplein.example.nl",
    "DATABASE_URL": "sqlite:////tmp/wijkplein-deploy-check.sqlite3",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout

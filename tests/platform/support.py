"""Run a few requests against the production settings in a fresh process, as a probe or a
scraper would send them (plain HTTP, the pod's address as Host), and read what came back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-secret-key-for-platform-tests-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "wijkplein.example.nl",
    # No REDIS_URL, no object storage: the embedded default, as with `make run`.
    "REDIS_URL": "",
}
# Left out of the child's environment: set (even empty) it would switch prometheus-client
# to multiprocess files in that directory.
_DROPPED = {"PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"}

_SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="10.244.1.7")
answers = {}
for path in sys.argv[1:]:
    response = client.get(path)
    answers[path] = {
        "status": response.status_code,
        "body": response.content.decode(),
        "request_id": response.get("X-Request-ID", ""),
    }
print("ANSWERS " + json.dumps(answers))
"""


def production_requests(*paths: str, env: dict[str, str]) -> tuple[dict, list[str]]:
    """The answers to GETs of `paths` (by path) and the other lines the process wrote."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in env and k not in _DROPPED
    }
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *paths],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    answers = next(line for line in lines if line.startswith("ANSWERS "))
    others = [line for line in lines if not line.startswith("ANSWERS ")]
    return json.loads(answers.removeprefix("ANSWERS ")), others

"""Production settings refuse to start without their secrets and pass check --deploy."""

from __future__ import annotations

import json
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


_READ_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "debug": settings.DEBUG,
    "csp": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "middleware": settings.MIDDLEWARE,
}))
"""


def test_production_has_secure_cookies_hsts_and_a_csp_without_inline_scripts():
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    result = subprocess.run(
        [sys.executable, "-c", _READ_SETTINGS],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["debug"] is False
    assert found["session_secure"] and found["session_httponly"] and found["csrf_secure"]
    assert found["hsts_seconds"] >= 365 * 24 * 60 * 60 and found["hsts_subdomains"]
    assert found["ssl_redirect"]
    assert found["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    csp = found["csp"]
    assert "core.middleware.SiteCSPMiddleware" in found["middleware"]
    for directive in ("script-src", "style-src", "default-src"):
        assert csp[directive] == ["'self'"], directive
    assert not any("unsafe" in source for sources in csp.values() for source in sources)
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]

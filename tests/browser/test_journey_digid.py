"""DigiD end to end: Chromium, the site, and an OpenID Connect identity provider on loopback.

The identity provider is django-oauth-toolkit (devtools/idp/), a separate process with its
own settings and SQLite file, issuing `bsn` and `loa` claims for its test people. A resident
presses "Inloggen met DigiD", logs in at the provider, completes the first-login form and is
logged in; a second login finds the same account; a person with too low a level of assurance
is refused with the Dutch message; eHerkenning without the authorisation is refused too.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from identity.refusals import MESSAGES
from tests.browser.conftest import NO_CHROMIUM
from tests.browser.support import (
    BASE_DIR,
    CHROMIUM,
    SCREENSHOT_DIR,
    LiveSite,
    ShotLog,
    forget_page,
    register_page,
    shot,
)
from tests.browser.test_accessibility import AXE, FAILING_IMPACTS, describe, run_axe

pytestmark = pytest.mark.browser
IDP_PASSWORD = "idp-demo"


class IdentityProvider:
    """devtools/idp served by gunicorn on a socket opened here (no port race)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.set_inheritable(True)
        self.process: subprocess.Popen | None = None

    @property
    def server_url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}/o"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(DJANGO_SETTINGS_MODULE="devtools.idp.settings", IDP_DATA_DIR=str(self.workdir))
        return env

    def start(self, site_url: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "devtools.idp", "setup", "--site", site_url],
            cwd=BASE_DIR,
            env=self.env(),
            check=True,
            timeout=300,
        )
        log = (self.workdir / "idp.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "devtools.idp.wsgi:application",
                f"--bind=fd://{self.socket.fileno()}",
                "--workers=1",
                "--threads=4",
            ],
            cwd=BASE_DIR,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            pass_fds=(self.socket.fileno(),),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                discovery = self.server_url + "/.well-known/openid-configuration"
                with urllib.request.urlopen(discovery, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("The identity provider did not start:\n" + self.log())

    def log(self) -> str:
        path = self.workdir / "idp.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        self.socket.close()


class DigidSite(LiveSite):
    """The live site with DigiD and eHerkenning pointed at the loopback provider."""

    idp_url: str = ""

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(
            DIGID_OIDC_SERVER_URL=self.idp_url,
            DIGID_OIDC_CLIENT_ID="wijkplein-digid",
            DIGID_OIDC_CLIENT_SECRET="wijkplein-digid-secret",
            EHERKENNING_OIDC_SERVER_URL=self.idp_url,
            EHERKENNING_OIDC_CLIENT_ID="wijkplein-eherkenning",
            EHERKENNING_OIDC_CLIENT_SECRET="wijkplein-eherkenning-secret",
            BSN_HASH_KEY="e2e-bsn-hash-key",
        )
        return env


@pytest.fixture(scope="module")
def digid_site(tmp_path_factory) -> Iterator[DigidSite]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    idp = IdentityProvider(tmp_path_factory.mktemp("idp"))
    site = DigidSite(workdir=tmp_path_factory.mktemp("e2e-digid"))
    site.idp_url = idp.server_url
    try:
        idp.start(site.base_url)
        site.prepare()
        site.start()
        yield site
    finally:
        site.stop()
        idp.stop()


@pytest.fixture
def open_page(request, digid_site, chromium) -> Iterator:
    folder = SCREENSHOT_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = ShotLog(folder=folder)
    contexts = []

    def new_page():
        context = chromium.new_context(base_url=digid_site.base_url, locale="nl-NL")
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        register_page(page, log)
        return page

    yield new_page
    failed = getattr(request.node, "browser_failed", False)
    if failed:
        (folder / "server-log.txt").write_text(digid_site.server_log(lines=300))
    for number, context in enumerate(contexts, start=1):
        for page in context.pages:
            if failed:
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(folder / f"failed-page{number}.png"), full_page=True)
            forget_page(page)
        context.close()


def dutch(text: str, **values: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text) % values


def assert_accessible(page) -> None:
    """No serious or critical WCAG 2.1 AA violation (skipped without axe-core, as there)."""
    if not AXE.exists():
        return
    violations = [v for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
    assert not violations, describe(violations)


def log_in_at_idp(page, username: str, broker: str = "DigiD") -> None:
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name=dutch("Log in with %(name)s", name=broker)).click()
    assert "/o/" in page.url or "/login/" in page.url, page.url
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(IDP_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def test_digid_first_and_second_login_and_a_refusal(open_page, digid_site):
    page = open_page()
    page.goto("/accounts/login/")
    shot(page, "login page with DigiD")
    assert_accessible(page)
    log_in_at_idp(page, "jansen")
    assert page.url.endswith("/accounts/3rdparty/signup/"), page.url
    shot(page, "first login asks for details")
    assert_accessible(page)
    page.locator("input[name=email]").fill("jansen.digid@example.org")
    page.locator("input[name=display_name]").fill("Jan")
    page.locator("input[name=postcode]").fill("6441 AB")
    page.locator("input[name=house_number]").fill("12")
    with page.expect_navigation():
        page.locator("form:has(input[name=display_name]) [type=submit]").click()
    shot(page, "logged in")
    assert page.locator("form[action='/accounts/logout/'] button").count() == 1

    # A fresh browser: log in at the provider again, straight back in, same account.
    page = open_page()
    log_in_at_idp(page, "jansen")
    assert "/signup/" not in page.url and "/accounts/login/" not in page.url, page.url
    page.goto("/mijn-gegevens/")
    assert "/accounts/login/" not in page.url
    assert "Jan" in page.locator("main").inner_text()
    shot(page, "second login same account")
    counts = digid_site.manage(
        "shell",
        "-c",
        "from allauth.socialaccount.models import SocialAccount as S; "
        "from identity.models import LoginRecord as L; "
        "print(S.objects.filter(provider='digid').count(), L.objects.count())",
    )
    assert counts.strip().splitlines()[-1].split() == ["1", "2"]

    # DigiD with a password only: too low a level of assurance.
    page = open_page()
    log_in_at_idp(page, "devries")
    with translation.override("nl"):
        message = str(MESSAGES["loa_too_low"]) % {"broker": "DigiD"}
    assert page.get_by_text(message).is_visible()
    shot(page, "level too low refused")
    assert_accessible(page)
    assert page.locator("form[action='/accounts/logout/'] button").count() == 0


def test_eherkenning_without_authorisation_is_refused(open_page, digid_site):
    page = open_page()
    log_in_at_idp(page, "zondermachtiging", broker="eHerkenning")
    with translation.override("nl"):
        message = str(MESSAGES["no_authorisation"]) % {"broker": "eHerkenning"}
    assert page.get_by_text(message).is_visible()
    shot(page, "no authorisation refused")

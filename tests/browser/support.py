"""What the browser journeys share: the live site, logging in, e-mail, screenshots, keyboard.

The site runs as its own process (gunicorn, settings `config.settings.e2e`) on a free port
of 127.0.0.1, with its own database: a fresh SQLite file, or a database of its own on the
PostgreSQL server of DATABASE_URL. The test process never touches that database; when a
test needs something only a command can do, it runs `manage.py` against it (`site.manage`).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CHROMIUM = Path("/usr/bin/chromium")
# The network is closed in CI: without these Chromium's start-up waits on lookups.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = BASE_DIR / "var" / "screenshots"
# A migrated database with the demo, reused while the app code and migrations are unchanged.
CACHE_DIR = BASE_DIR / "var" / "e2e-cache"
DEMO_PASSWORD = "wijkplein-demo"
TOTP_PERIOD = 30
TOTP_MARGIN = 8  # seconds a code must still be valid for when it is typed
# What the cached demo database is built from: the migrations and the demo's own code.
# (Migrating takes minutes on a busy machine; the cache makes repeated local runs quick.)
_CACHE_SOURCES = (
    "*/migrations/*.py",
    "*/*/migrations/*.py",
    "cms/demo.py",
    "*/management/commands/*demo*.py",
)


def demo_email(role: str, wijk: str = "brunssum-noord") -> str:
    """The demo account of a role ('bewoner', 'panel', 'medewerker') in a wijk (cms/demo.py)."""
    return f"{role}.{wijk}@example.org"


def _source_hash() -> str:
    digest = hashlib.sha256()
    paths = {path for pattern in _CACHE_SOURCES for path in BASE_DIR.glob(pattern)}
    for path in sorted(paths):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(BASE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class LiveSite:
    """The site under test: one server process and its database, for the whole session."""

    workdir: Path
    database_url: str | None = None
    # The listening socket is opened here and handed to gunicorn, so no other process can
    # take the port between choosing it and serving on it.
    _socket: socket.socket = field(default_factory=socket.socket)
    _admin_url: str | None = None
    _server: subprocess.Popen | None = None
    _totp_secrets: dict[str, str] = field(default_factory=dict)
    _totp_used: set[tuple[str, int]] = field(default_factory=set)
    sessions: dict[str, list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.set_inheritable(True)

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mail_dir(self) -> Path:
        return self.workdir / "mail"

    @property
    def log_file(self) -> Path:
        return self.workdir / "server.log"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    # --- Process and database ---------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The environment of the server and of `manage.py` commands against its database."""
        env = dict(os.environ)
        # The e2e server keeps its cache in its own memory, away from other test runs.
        for name in ("REDIS_URL", "DATABASE_TEST_NAME", "DATABASE_URL"):
            env.pop(name, None)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.e2e",
            SQLITE_PATH=str(self.workdir / "db.sqlite3"),
            MEDIA_ROOT=str(self.workdir / "media"),
            PRIVATE_MEDIA_ROOT=str(self.workdir / "private"),
            STATIC_ROOT=str(self.workdir / "static"),
            EMAIL_FILE_PATH=str(self.mail_dir),
            SITE_URL=self.base_url,
            PYTHONUNBUFFERED="1",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Run `manage.py <args>` against the site's database; return its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def prepare(self) -> None:
        """A database with the migrations and the demo (wijken, accounts, rounds)."""
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        server_url = os.environ.get("DATABASE_URL")
        if server_url:
            self._create_postgres_database(server_url)
            self._migrate_and_load_demo()
            return
        cached = CACHE_DIR / f"db-{_source_hash()}.sqlite3"
        if cached.exists():
            shutil.copyfile(cached, self.workdir / "db.sqlite3")
            return
        self._migrate_and_load_demo()
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        for old in CACHE_DIR.glob("db-*.sqlite3"):
            old.unlink(missing_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(self.workdir / "db.sqlite3", partial)
        partial.replace(cached)

    def _migrate_and_load_demo(self) -> None:
        self.manage("migrate", "--noinput", "-v0", timeout=900)
        self.manage("demo_data", "-v0")

    def _create_postgres_database(self, server_url: str) -> None:
        import psycopg

        # One database per site: a test module may serve a second site beside the session's
        # (the DigiD journey), and dropping one must not pull the other's from under it.
        name = f"wijkplein_e2e_{os.getpid()}_{self.port}"
        parts = urlsplit(server_url)
        self._admin_url = urlunsplit(parts._replace(scheme="postgresql"))
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.database_url = urlunsplit(parts._replace(path=f"/{name}"))

    def start(self) -> None:
        """Serve the site with gunicorn; one worker, so its in-memory cache is the only one."""
        log = self.log_file.open("w")
        self._server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind=fd://{self._socket.fileno()}",
                "--workers=1",
                "--worker-class=gthread",
                "--threads=4",
                "--timeout=120",
                "--access-logfile=-",
                "--error-logfile=-",
            ],
            cwd=BASE_DIR,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            pass_fds=(self._socket.fileno(),),
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RuntimeError(f"The e2e server stopped:\n{self.server_log()}")
            try:
                with urllib.request.urlopen(self.url("/"), timeout=10) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"The e2e server did not answer within 90 s:\n{self.server_log()}")

    def server_log(self, lines: int = 60) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and drop a PostgreSQL database made for this session."""
        if self._server is not None and self._server.poll() is None:
            os.killpg(self._server.pid, signal.SIGTERM)
            try:
                self._server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self._server.pid, signal.SIGKILL)
                self._server.wait()
        self._socket.close()
        if self._admin_url and self.database_url:
            import psycopg

            name = urlsplit(self.database_url).path.lstrip("/")
            with psycopg.connect(self._admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # --- E-mail --------------------------------------------------------------------------

    def mails(self) -> list[EmailMessage]:
        """Every e-mail the site sent, oldest first (Django's file backend, one file per send)."""
        messages: list[EmailMessage] = []
        files = sorted(self.mail_dir.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        separator = re.compile(rb"\n-{79}\n")
        for path in files:
            for chunk in separator.split(path.read_bytes()):
                if chunk.strip():
                    messages.append(
                        email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                    )
        return messages

    def latest_mail(self, to: str, *, subject_contains: str = "", wait: float = 10) -> EmailMessage:
        """The newest e-mail to an address (waiting a little: mail is sent after commit)."""
        deadline = time.monotonic() + wait
        while True:
            found = [
                message
                for message in self.mails()
                if to.lower() in str(message["To"]).lower()
                and subject_contains.lower() in str(message["Subject"]).lower()
            ]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"No e-mail to {to} with {subject_contains!r} in the subject")
            time.sleep(0.2)

    # --- Staff two-factor ---------------------------------------------------------------

    def totp_code(self, user_email: str) -> str:
        """A valid TOTP code for a staff account, computed from its secret like an app does.

        The site refuses a code it has already accepted (allauth remembers used codes for a
        period), so a second login of the same account within one period waits for the next.
        """
        if user_email not in self._totp_secrets:
            self._totp_secrets.update(json.loads(self.manage("shell", "-v0", "-c", _TOTP_SECRETS)))
        secret = self._totp_secrets[user_email]
        counter = int(time.time()) // TOTP_PERIOD
        left = TOTP_PERIOD - time.time() % TOTP_PERIOD
        # A code typed in the last seconds of its period may reach the site in the next one,
        # which refuses it (no tolerance): on a busy machine the form takes that long.
        if (user_email, counter) in self._totp_used or left < TOTP_MARGIN:
            time.sleep(left + 0.5)
            counter = int(time.time()) // TOTP_PERIOD
        self._totp_used.add((user_email, counter))
        return format_hotp_value(hotp_value(secret, counter))


# Prints {email: secret} for every account with TOTP (the demo staff).
_TOTP_SECRETS = """
import json
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
print(json.dumps({a.user.email: decrypt(a.data["secret"])
                  for a in Authenticator.objects.filter(type="totp").select_related("user")}))
"""


# --- Screenshots -------------------------------------------------------------------------


@dataclass
class ShotLog:
    """The numbered screenshots of one test, in var/screenshots/<test-name>/."""

    folder: Path
    count: int = 0


_shot_logs: dict[int, ShotLog] = {}


def register_page(page, log: ShotLog) -> None:
    _shot_logs[id(page)] = log


def forget_page(page) -> None:
    _shot_logs.pop(id(page), None)


def shot(page, step: str) -> Path:
    """Save a full-page screenshot as var/screenshots/<test-name>/<nn>-<step>.png."""
    log = _shot_logs[id(page)]
    log.count += 1
    slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    path = log.folder / f"{log.count:02d}-{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- Logging in --------------------------------------------------------------------------


def log_in(page, site: LiveSite, user_email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, and the TOTP step for staff.

    A later login of the same account in the session reuses its session cookie (as a
    browser that stays logged in would), which saves waiting for a fresh TOTP code.
    """
    if user_email in site.sessions:
        page.context.add_cookies(site.sessions[user_email])
        page.goto(site.url("/mijn-gegevens/"))
        if "/accounts/login/" not in page.url:
            return
        page.context.clear_cookies()
    page.goto(site.url("/accounts/login/"))
    page.locator("input[name=login]").fill(user_email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]:not([form])").click()
    if "/2fa/authenticate" in page.url:
        page.locator("input[name=code]").fill(site.totp_code(user_email))
        with page.expect_navigation():
            page.locator("form:has(input[name=code]) [type=submit]:not([form])").click()
    logout = page.locator("form[action='/accounts/logout/'] button")
    if logout.count() == 0:
        raise AssertionError(f"Could not log in as {user_email}; ended on {page.url}")
    site.sessions[user_email] = page.context.cookies()


def link_in_mail(message: EmailMessage, pattern: str) -> str:
    """The first link in a mail's text whose path matches `pattern` (a regex)."""
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else message.get_content()
    for url in re.findall(r"https?://[^\s\"'<>]+", text):
        if re.search(pattern, url):
            return url
    raise AssertionError(f"No link matching {pattern!r} in the mail:\n{text}")


# --- Keyboard only -----------------------------------------------------------------------


class Keyboard:
    """Fill in and submit forms with the keyboard alone (Tab, Space, arrow keys, Enter).

    Each step tabs from wherever the focus is to the wanted control, so it also proves
    the control can be reached by keyboard, and checks that the focus is visible there.
    """

    def __init__(self, page, *, max_tabs: int = 200, check_focus_visible: bool = True):
        self.page = page
        self.max_tabs = max_tabs
        self.check_focus_visible = check_focus_visible

    def _focused(self, locator) -> bool:
        return locator.evaluate("el => el === document.activeElement")

    def tab_to(self, locator) -> int:
        """Press Tab until `locator` has the focus; return how many presses it took."""
        locator = locator.first
        locator.wait_for(state="visible")
        for presses in range(self.max_tabs + 1):
            if self._focused(locator):
                if self.check_focus_visible:
                    assert_focus_visible(self.page)
                return presses
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{locator} cannot be reached with Tab ({self.max_tabs} presses)")

    def fill(self, locator, text: str) -> None:
        """Tab to a text field, clear it and type."""
        self.tab_to(locator)
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def check(self, locator, checked: bool = True) -> None:
        """Tab to a checkbox and press Space when it is not yet as wanted."""
        self.tab_to(locator)
        if locator.first.is_checked() != checked:
            self.page.keyboard.press("Space")
        assert locator.first.is_checked() == checked

    def choose(self, radio) -> None:
        """Tab into a radio group, then move with the arrow keys to `radio` and select it."""
        radio = radio.first
        name = radio.get_attribute("name")
        group = self.page.locator(f"input[type=radio][name='{name}']")
        group.first.wait_for(state="visible")
        for _press in range(self.max_tabs + 1):
            if group.evaluate_all("els => els.includes(document.activeElement)"):
                break
            self.page.keyboard.press("Tab")
        else:
            raise AssertionError(f"The radio group {name!r} cannot be reached with Tab")
        if self.check_focus_visible:
            assert_focus_visible(self.page)
        for _press in range(group.count() + 1):
            if self._focused(radio):
                break
            self.page.keyboard.press("ArrowDown")
        if not radio.is_checked():
            self.page.keyboard.press("Space")
        assert radio.is_checked()

    def press(self, locator, key: str = "Enter") -> None:
        """Tab to a button or link and activate it with Enter; waits for the next page."""
        self.tab_to(locator)
        with self.page.expect_navigation():
            self.page.keyboard.press(key)


def assert_focus_visible(page) -> None:
    """The focused element shows a focus indicator (an outline or a box shadow): WCAG 2.4.7."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const s = getComputedStyle(el);
            return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow,
                    tag: el.tagName, name: el.getAttribute('name') || el.textContent.trim()};
        }"""
    )
    assert style is not None, "Nothing has the focus"
    outlined = style["outline"] != "none" and style["width"] not in ("0px", "")
    assert outlined or style["shadow"] != "none", f"No visible focus on {style}"

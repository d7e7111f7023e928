"""PostgreSQL drops connections (a restart, a failover): web and worker carry on.

Each test runs a project process as a subprocess against the test database, lets it open its
connection, terminates that backend with pg_terminate_backend, and checks what happens next:
the web worker's next request gets a fresh connection (CONN_HEALTH_CHECKS), not a 500; the
task worker (django-tasks-db's `db_worker`) reconnects and sends the mail queued meanwhile.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from email import message_from_bytes

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from plumbing.tasks import send_email
from tests.faults.conftest import (
    backends_of,
    free_port,
    start_project_process,
    stop_process,
    subprocess_env,
    terminate_backends,
    wait_for_port,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONF = settings.BASE_DIR / "platform" / "gunicorn.conf.py"


def _wait_until(condition, *, seconds: float = 30, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise TimeoutError(f"no {what} after {seconds} s")


def _database_url(env: dict[str, str], application_name: str) -> None:
    env["DATABASE_URL"] += f"?application_name={application_name}"


@pytest.fixture
def web(tmp_path):
    """gunicorn with the project's config: one worker, one thread, so one kept connection."""
    port = free_port()
    env = subprocess_env(
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_THREADS="1"
    )
    _database_url(env, "wijkplein-fault-web")
    log = tmp_path / "gunicorn.log"
    server = start_project_process(
        ["-m", "gunicorn", "--config", str(CONF), "config.wsgi:application"], env=env, log=log
    )
    try:
        wait_for_port(port, up=True, seconds=60)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop_process(server)


def _get(url: str, session_key: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session_key}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_request_after_postgresql_dropped_the_connection_gets_a_fresh_one(web, resident):
    base, log = web
    browser = Client()
    browser.force_login(resident)  # a session row: the page reads it from the database
    session = browser.cookies["sessionid"].value
    url = base + reverse("core:my_profile")

    assert _get(url, session) == 200
    (before,) = backends_of("wijkplein-fault-web")  # kept after the request (CONN_MAX_AGE)

    assert terminate_backends("wijkplein-fault-web") == 1
    _wait_until(lambda: not backends_of("wijkplein-fault-web"), what="terminated backend")

    assert _get(url, session) == 200, log.read_text()
    assert _get(url, session) == 200
    assert backends_of("wijkplein-fault-web") not in ([], [before])


def _sent_subjects(directory) -> set[str]:
    subjects = set()
    for path in directory.glob("*.log"):
        # The file backend writes each message followed by a line of dashes.
        for raw in path.read_bytes().split(b"-" * 79):
            if raw.strip():
                subjects.add(message_from_bytes(raw.strip()).get("Subject"))
    return subjects


class SupervisedWorker:
    """`manage.py db_worker` under what a restart policy does: started again when it exits."""

    def __init__(self, tmp_path) -> None:
        self.mail = tmp_path / "mail"
        self.mail.mkdir()
        self.env = subprocess_env(EMAIL_FILE_PATH=str(self.mail))
        _database_url(self.env, "wijkplein-fault-worker")
        self.log = tmp_path / "worker.log"
        self.exit_codes: list[int] = []
        self.process = self._start()

    def _start(self):
        return start_project_process(
            ["manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
            env=self.env,
            log=self.log,
        )

    def keep_running(self) -> None:
        code = self.process.poll()
        if code is not None:
            self.exit_codes.append(code)
            self.log = self.log.with_suffix(f".{len(self.exit_codes)}.log")
            self.process = self._start()


@pytest.fixture
def worker(tmp_path):
    supervised = SupervisedWorker(tmp_path)
    try:
        yield supervised
    finally:
        stop_process(supervised.process)


def test_the_task_worker_reconnects_and_sends_what_was_queued(worker):
    """The worker checks its connection before each poll (CONN_HEALTH_CHECKS) and reconnects;
    should the connection go in the middle of a poll it exits non-zero instead, and the
    restart policy (`restart: unless-stopped`) starts it again. Either way the mail goes."""
    _wait_until(lambda: backends_of("wijkplein-fault-worker"), what="worker connection")

    assert terminate_backends("wijkplein-fault-worker") >= 1
    subjects = {f"Bericht {n}" for n in range(3)}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for subject in sorted(subjects):
            send_email.enqueue(subject=subject, body="Hallo", to=["bewoner@example.nl"])

    def sent() -> bool:
        worker.keep_running()
        return _sent_subjects(worker.mail) >= subjects

    _wait_until(sent, seconds=60, what="sent mail")
    assert _sent_subjects(worker.mail) == subjects
    # Never a clean exit that a restart policy like `on-failure` would leave stopped.
    assert all(code != 0 for code in worker.exit_codes)
    assert len(worker.exit_codes) <= 1


def test_the_task_worker_exits_non_zero_while_postgresql_cannot_be_reached(tmp_path):
    """Not a silent, clean exit and not a hang: a failure the restart policy answers."""
    env = subprocess_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/test")
    log = tmp_path / "worker.log"
    process = start_project_process(
        ["manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        env=env,
        log=log,
    )
    try:
        assert process.wait(timeout=120) != 0
    finally:
        stop_process(process)
    assert "OperationalError" in log.read_text()

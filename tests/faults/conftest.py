"""Real faults, made for real: a Redis server this test starts and stops, PostgreSQL backends
terminated with pg_terminate_backend, project processes (gunicorn, db_worker) run as
subprocesses against the test database. Nothing here mocks the thing that fails."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.budget.conftest import projects, voting_round  # noqa: F401 - fixtures used here

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, up: bool, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            listening = sock.connect_ex(("127.0.0.1", port)) == 0
        if listening == up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} not {'up' if up else 'down'} after {seconds} s")


def stop_process(process: subprocess.Popen, *, seconds: float = 20) -> int:
    """SIGTERM to the process group it leads, SIGKILL if it does not go; its exit code."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


class RedisServer:
    """A throw-away redis-server on a free loopback port, without persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the system's redis-server
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, up=True)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        wait_for_port(self.port, up=False)


@pytest.fixture
def redis_server(tmp_path):
    """A running Redis of this test's own; `.stop()` and `.start()` it again on the same port."""
    if not os.path.exists(REDIS_SERVER):
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a project process that uses this test's database."""
    env = dict(os.environ)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "REDIS_URL": "",
            **extra,
        }
    )
    return env


def start_project_process(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A project command (`manage.py ...`, gunicorn) in its own process group, logging to `log`."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and project
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def backends_of(application_name: str) -> list[int]:
    """PostgreSQL backend pids of the connections a process opened under that name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
        return [row[0] for row in cursor.fetchall()]


def terminate_backends(application_name: str) -> int:
    """What a PostgreSQL restart or failover does to a process' connections (an admin
    statement: the ORM has none for it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]

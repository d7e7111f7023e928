"""platform/gunicorn.conf.py: workers recycled by max_requests keep serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "platform" / "gunicorn.conf.py"


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "1",
        }
    )
    return env


APP = """
import os

import django

django.setup()


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
"""


@pytest.fixture
def recycling_server(tmp_path):
    """gunicorn with the project's settings, one worker, recycled after every 3 requests."""
    (tmp_path / "pid_app.py").write_text(APP)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    env = _env(tmp_path)
    env["GUNICORN_CMD_ARGS"] = (
        f"--bind=fd://{listener.fileno()} --max-requests=3 --max-requests-jitter=0 "
        f"--error-logfile={log} --access-logfile=/dev/null"
    )
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
        [sys.executable, "-m", "gunicorn", "--config", str(CONF), "pid_app:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        pass_fds=(listener.fileno(),),
    )
    try:
        yield f"http://127.0.0.1:{port}/", log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        listener.close()


def _get(url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                assert response.status == 200
                return response.read().decode()
        except OSError:
            # Booting, or the moment between a worker leaving and the next one forking.
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_recycled_workers_leave_cleanly_and_the_site_keeps_answering(recycling_server):
    url, log = recycling_server
    pids = [_get(url) for _ in range(10)]
    assert len(set(pids)) >= 3  # a new worker after every third request
    text = log.read_text()
    assert "Exception during worker exit" not in text
    assert "exited with code" not in text  # the master logs a worker's non-zero exit
    assert "Worker exiting" in text

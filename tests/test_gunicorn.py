"""platform/gunicorn.conf.py: workers recycled by max_requests keep serving, and a worker's
exit skips Python's teardown only when it leaves cleanly (the master reads failure codes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
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


def _exit_through_the_hook(tmp_path: Path, code: int) -> subprocess.CompletedProcess:
    """A process that loads the gunicorn settings and leaves the way a worker does: the
    hook runs in the `finally` of a SystemExit. An atexit handler stands for the teardown."""
    script = textwrap.dedent(
        f"""
        import atexit, runpy, sys
        import django
        django.setup()
        conf = runpy.run_path({str(CONF)!r})
        atexit.register(lambda: print("teardown ran", flush=True))
        try:
            sys.exit({code})
        finally:
            conf["worker_exit"](None, None)
        """
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_worker_leaving_cleanly_skips_the_teardown(tmp_path):
    result = _exit_through_the_hook(tmp_path, 0)
    assert result.returncode == 0, result.stderr
    assert "teardown ran" not in result.stdout


def test_a_failing_worker_keeps_its_exit_code_for_the_master(tmp_path):
    """gunicorn's master stops on a worker's boot error (code 3): the hook must not turn it
    into a clean exit, which would make the master respawn a broken worker forever."""
    result = _exit_through_the_hook(tmp_path, 3)
    assert result.returncode == 3, result.stderr
    assert "teardown ran" in result.stdout


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

"""gunicorn with several workers: a scrape, answered by any one of them, counts them all."""

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
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "platform" / "gunicorn.conf.py"


@pytest.fixture
def two_workers(tmp_path):
    """The project's WSGI app in gunicorn (platform config), two workers, multiprocess dir."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    (multiproc / "counter_1.db").write_bytes(b"left by a process of the last container")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "1",
        "GUNICORN_CMD_ARGS": (
            f"--bind=fd://{listener.fileno()} --access-logfile=/dev/null "
            f"--error-logfile={tmp_path / 'gunicorn.log'}"
        ),
    }
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
        [sys.executable, "-m", "gunicorn", "--config", str(CONF), "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        pass_fds=(listener.fileno(),),
    )
    try:
        yield f"http://127.0.0.1:{port}", multiproc
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        listener.close()


def _get(url: str) -> tuple[str, str]:
    """Body and request id of a GET; waits for gunicorn to boot."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                assert response.status == 200
                return response.read().decode(), response.headers.get("X-Request-ID", "")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _probes_counted(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "wijkplein_http_requests_total"
        and sample.labels.get("view") == "unresolved"
    )


def test_every_worker_is_counted_in_each_scrape(two_workers):
    base, multiproc = two_workers
    _get(f"{base}/healthz")  # booted
    for _ in range(29):
        assert _get(f"{base}/healthz")[0] == "ok\n"

    # Each scrape may be answered by either worker; each sees all 30 probes.
    scrapes = [_probes_counted(_get(f"{base}/metrics")[0]) for _ in range(6)]

    assert scrapes == [30.0] * 6
    # Both workers wrote their own files; the stale one of the last container is gone.
    assert len({p.name.rsplit("_", 1)[1] for p in multiproc.glob("counter_*.db")}) >= 2
    assert not (multiproc / "counter_1.db").exists()

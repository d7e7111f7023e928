"""What the HTTP benchmarks share: a database of their own, gunicorn with production
settings, and a load generator that runs in a second process.

Used by bench_pages.py and bench_casting.py (which loads with wrk instead of the Python
generator below).

The load generator is plain Python (http.client, one thread per keep-alive connection), so
the benchmarks need nothing installed beyond the project; it shares the machine's cores
with the server, so every figure is a lower bound for a server with the cores to itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")

# Production settings, except what a benchmark on 127.0.0.1 cannot have: collected static
# files (plain storage instead of the manifest) and HTTPS (SECURE_SSL_REDIRECT=0 below).
SETTINGS = """
from config.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ROOT_URLCONF = "wijkplein_bench_urls"
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
"""

# The same settings for loading test data: the demo refuses to run in production.
SETUP_SETTINGS = """
from wijkplein_bench_settings import *  # noqa: F403

WIJKPLEIN_ENV = "bench"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
"""

# The reference: a view that does nothing, behind the same middleware and URL resolver.
# Plain text, so that the page cache looks it up but never keeps it: served from the cache,
# it would measure a cache hit instead of the middleware and a view.
URLS = """
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
"""


def write_settings(tmp: Path) -> None:
    """The settings and URL modules of the benchmark server, in `tmp` (on PYTHONPATH)."""
    (tmp / "wijkplein_bench_settings.py").write_text(SETTINGS)
    (tmp / "wijkplein_bench_setup_settings.py").write_text(SETUP_SETTINGS)
    (tmp / "wijkplein_bench_urls.py").write_text(URLS)


def bench_env(tmp: Path, *, db_name: str, port: int) -> dict[str, str]:
    """Environment for manage.py, gunicorn and the workers: the benchmark's own database."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "wijkplein_bench_settings",
            "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
            "DATABASE_URL": f"{PG}/{db_name}",
            "SECRET_KEY": "bench-" + "x" * 60,
            "HASH_SECRET": "bench-hash-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
        }
    )
    env.pop("REDIS_URL", None)
    # The production image carries compiled bytecode (platform/Dockerfile); without it every
    # worker would compile each module it imports lazily, at each start and recycle.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def recreate_database(db_name: str) -> None:
    """Drop (if there) and create the benchmark's database."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')


def drop_database(db_name: str) -> None:
    """Remove the benchmark's database."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def migrate(env: dict[str, str]) -> None:
    """Run the migrations on the benchmark's database."""
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def wait_for_port(port: int, timeout: float = 60) -> None:
    """Block until something listens on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def wait_until_served(port: int, path: str, timeout: float = 180) -> None:
    """Block until the workers answer (they import the project after the port opens)."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 20:
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn does not answer")
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            answered += response.status == 200
        except (OSError, HTTPException):
            time.sleep(0.5)
        finally:
            conn.close()


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], port: int, *, cwd: Path = ROOT, stop: int = signal.SIGTERM
) -> Iterator[str]:
    """gunicorn with platform/gunicorn.conf.py of the tree `cwd`, in its own process group;
    yields its workers. `stop` is the signal that ends it (SIGQUIT: without waiting for
    requests in flight, when the load is over)."""
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "platform/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "config.wsgi:application",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_port(port)
        wait_until_served(port, "/bench/bare/")
        yield env.get("GUNICORN_WORKERS") or f"{os.cpu_count() * 2 + 1} (cpu*2+1)"
    finally:
        os.killpg(server.pid, stop)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a busy machine: do not wait for a graceful stop
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


PAGE_CACHE_HEADER = "X-Page-Cache"  # "hit", "stale" or "miss", set by plumbing/pagecache.py


def summarise(
    latencies: list[float], wall: float, errors: list[int], cache: dict[str, int] | None = None
) -> dict:
    """Requests per second and latency percentiles (ms) of one load run; with `cache` (the
    X-Page-Cache values counted), the page cache's hit rate, None when no answer had it."""
    count = len(latencies)
    latencies = sorted(latencies) or [float("nan")]

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    cache = cache or {}
    # A stale copy (served while another request renders the page anew) is served from
    # the cache too: the hit rate counts it with the hits.
    served = cache.get("hit", 0) + cache.get("stale", 0)
    looked_up = served + cache.get("miss", 0)
    return {
        "requests": count,
        "errors": len(errors),
        "error_statuses": sorted(set(errors))[:5],
        "per_second": count / wall,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": 1000 * statistics.fmean(latencies),
        "cache_hits": cache.get("hit", 0),
        "cache_stale": cache.get("stale", 0),
        "cache_misses": cache.get("miss", 0),
        "hit_rate": served / looked_up if looked_up else None,
    }


def format_hit_rate(row: dict) -> str:
    rate = row.get("hit_rate")
    return "unknown" if rate is None else f"{rate:.1%}"


def get_for(
    *, port: int, path: str, cookie: str, seconds: float, warmup: float, concurrency: int
) -> dict:
    """GET `path` over `concurrency` keep-alive connections for `seconds` (after `warmup`
    seconds not counted); every answer must be 200."""
    headers = {"Host": "127.0.0.1", "Accept-Language": "nl"}
    if cookie:
        headers["Cookie"] = cookie
    latencies: list[float] = []
    errors: list[int] = []
    cache: dict[str, int] = {}
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds

    def worker() -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            started = time.perf_counter()
            if started >= stop:
                break
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                cached = response.getheader(PAGE_CACHE_HEADER, "")
            except (OSError, HTTPException):
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=30)
                status, cached = -1, ""
            ended = time.perf_counter()
            if started >= measure_from and ended <= stop:
                with lock:
                    latencies.append(ended - started)
                    if status != 200:
                        errors.append(status)
                    if cached:
                        cache[cached] = cache.get(cached, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarise(latencies, seconds, errors, cache)


def run_json(script: str, args: list[str], env: dict[str, str]) -> dict:
    """Run `script` with `args` in a fresh process; the JSON object on its last output line."""
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, script, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_state() -> str:
    """Load average and CPU count, to print next to the figures (the machine is shared)."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} / {five:.1f} / {fifteen:.1f}"


def _cpu_ticks_by_program() -> dict[str, int]:
    """CPU ticks (user + system) used so far per program, by the live processes and, for
    gunicorn, the children it reaped (its recycled workers); this process's own children (the
    load generator) are counted by cpu_use instead."""
    ticks: dict[str, int] = {}
    own = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or entry == own:
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if b"gunicorn" in command:
            name = "gunicorn"
        fields = stat[stat.rindex(")") + 2 :].split()
        # utime, stime, and for gunicorn the reaped children's cutime, cstime: a recycled
        # worker's ticks move from its own line to its master's, both named gunicorn, so they
        # net out. For other programs a parent reaping a child of another name (a shell and
        # its test run) would count the child's whole life inside the window.
        used = fields[11:15] if name == "gunicorn" else fields[11:13]
        ticks[name] = ticks.get(name, 0) + sum(int(field) for field in used)
    return ticks


@contextlib.contextmanager
def cpu_use() -> Iterator[dict[str, float]]:
    """Cores used per program while the block runs (Linux only; empty elsewhere).

    Reported beside the figures because the load generator, PostgreSQL and Redis share the
    two cores with the workers: where the cores went says what a faster code path can win.
    """
    result: dict[str, float] = {}
    if not Path("/proc/self/stat").exists():
        yield result
        return
    before, started = _cpu_ticks_by_program(), time.monotonic()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    yield result
    after, wall = _cpu_ticks_by_program(), time.monotonic() - started
    hertz = os.sysconf("SC_CLK_TCK")
    for name, ticks in after.items():
        cores = (ticks - before.get(name, 0)) / hertz / wall
        if cores >= 0.02:
            result[name] = round(cores, 2)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = reaped.ru_utime + reaped.ru_stime - children.ru_utime - children.ru_stime
    result["load generator"] = round(load / wall, 2)


def format_cpu_use(use: dict[str, float]) -> str:
    parts = [f"{name} {cores:.2f}" for name, cores in sorted(use.items(), key=lambda kv: -kv[1])]
    return f"cores used: {', '.join(parts)} (total {sum(use.values()):.2f})"

"""Benchmark: casting ballots through the real stack, against a bare Django view.

Run `uv run python benchmarks/bench_casting.py` from the repository root (PostgreSQL on
127.0.0.1:5432, user postgres). One command does everything and stops by itself:

1. (re)creates the database `wijkplein_bench` and migrates it;
2. creates a wijk, a round in its voting phase with 8 projects, and N verified residents,
   each with a logged-in session;
3. starts gunicorn with platform/gunicorn.conf.py (production settings, static files without
   the manifest, a URL `/bench/bare/` added for the reference view) on 127.0.0.1;
4. from a second process, posts N ballots (each voter once, `step=confirm`: validation, the
   keyed-hash lookup, the row lock, the Participation with its history row, the receipt and the
   queued receipt e-mail) over C keep-alive connections, then N posts to the bare view (same
   middleware, CSRF and session; the view returns "ok");
5. stops gunicorn and prints ballots/s and latency percentiles for both.

The load generator shares the machine's cores with the server, so the figures are a lower bound
for a server with the same cores to itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "wijkplein_bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# The voters' session keys, kept for --reuse (test data of a throwaway database).
DATA_FILE = Path(tempfile.gettempdir()) / "wijkplein_bench_data.json"

SETTINGS = """
from config.settings.production import *  # noqa: F403

# No collectstatic for a benchmark: plain static storage, no manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ROOT_URLCONF = "wijkplein_bench_urls"
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
"""

URLS = """
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
"""


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "wijkplein_bench_settings",
            "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "SECRET_KEY": "bench-" + "x" * 60,
            "HASH_SECRET": "bench-hash-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_data(voters: int, out: Path) -> None:
    """Runs inside Django (--setup): the round, its projects and the voters' sessions."""
    import django

    django.setup()
    import datetime
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from budget.models import Project, Round
    from core.models import Profile, ResidencyStatus, User, Wijk, WijkPostcode

    wijk = Wijk.objects.create(name="Bench", slug="bench", municipality="Bench")
    WijkPostcode.objects.create(wijk=wijk, code="6441")
    now = timezone.now()
    budget_round = Round.objects.create(
        wijk=wijk,
        name="Bench",
        budget=Decimal("100000"),
        proposals_start=now - datetime.timedelta(days=3),
        review_start=now - datetime.timedelta(days=2),
        voting_start=now - datetime.timedelta(days=1),
        voting_end=now + datetime.timedelta(days=1),
        realisation_start=now + datetime.timedelta(days=30),
        ballot_style="approval",
        min_choices=1,
        max_choices=3,
    )
    projects = [
        Project.objects.create(
            round=budget_round,
            title=f"Project {n}",
            summary="s",
            cost=Decimal(5000 + 1000 * n),
            status="eligible",
        ).pk
        for n in range(8)
    ]
    sessions = []
    for n in range(voters + 1):
        user = User.objects.create_user(email=f"voter{n}@bench.invalid", password=None)
        Profile.objects.create(
            user=user,
            display_name=f"Voter {n}",
            postcode="6441AB",
            house_number=str(n + 1),
            wijk=wijk,
            residency_status=ResidencyStatus.VERIFIED,
            verified_at=now,
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    out.write_text(
        json.dumps({"round": budget_round.pk, "projects": projects, "sessions": sessions})
    )


def _request(conn: HTTPConnection, path: str, body: str, cookie: str) -> int:
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Host": "127.0.0.1",
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status


def load(data_file: Path, concurrency: int, target: str, expect: int) -> dict:
    """Runs in its own process (--load): post one request per voter session, time each."""
    data = json.loads(data_file.read_text())
    rng = random.Random(2025)  # noqa: S311 - choices for a benchmark, not secrets
    jobs = []
    for session in data["sessions"][1:]:
        token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        choices = rng.sample(data["projects"], rng.randint(1, 3))
        fields = [("csrfmiddlewaretoken", token), ("step", "confirm")]
        fields += [("projects", str(pk)) for pk in choices]
        path = f"/wijkbudget/{data['round']}/stemmen/" if target == "ballot" else "/bench/bare/"
        jobs.append((path, urlencode(fields), f"sessionid={session}; csrftoken={token}"))
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    queue = iter(jobs)

    def worker():
        conn = HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                break
            started = time.perf_counter()
            try:
                status = _request(conn, *job)
            except OSError:
                conn.close()
                conn = HTTPConnection("127.0.0.1", PORT, timeout=30)
                status = -1
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != expect:
                    errors.append(status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_statuses": sorted(set(errors))[:5],
        "per_second": len(latencies) / wall,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": 1000 * statistics.fmean(latencies),
    }


def _wait_for_port(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", PORT)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def _run_load(tmp: Path, env, data_file: Path, concurrency: int, target: str, expect: int):
    output = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            __file__,
            "--load",
            str(data_file),
            "--concurrency",
            str(concurrency),
            "--target",
            target,
            "--expect",
            str(expect),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--setup", type=Path)
    parser.add_argument("--load", type=Path)
    parser.add_argument("--target", default="ballot")
    parser.add_argument("--expect", type=int, default=302)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database and voters of the previous run (ballots become changes)",
    )
    args = parser.parse_args()
    if args.setup:
        setup_data(args.voters, args.setup)
        return
    if args.load:
        print(json.dumps(load(args.load, args.concurrency, args.target, args.expect)))
        return

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "wijkplein_bench_settings.py").write_text(SETTINGS)
        (tmp / "wijkplein_bench_urls.py").write_text(URLS)
        env = _env(tmp)
        data_file = DATA_FILE
        if not (args.reuse and data_file.exists()):
            print(f"creating database {DB_NAME} and migrating (takes a while) ...", flush=True)
            _recreate_database()
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            print(f"creating {args.voters} voters with sessions ...", flush=True)
            subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--setup", str(data_file), "--voters", str(args.voters)],
                cwd=ROOT,
                env=env,
                check=True,
            )
        else:
            print("reusing the previous run's database: every ballot is a change", flush=True)
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
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_for_port()
            workers = env.get("GUNICORN_WORKERS") or f"{os.cpu_count() * 2 + 1} (cpu*2+1)"
            print(f"gunicorn up: workers={workers}, {args.concurrency} client connections")
            bare = _run_load(tmp, env, data_file, args.concurrency, "bare", 200)
            ballots = _run_load(tmp, env, data_file, args.concurrency, "ballot", 302)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        _check(env)
    print()
    print(f"{'':14}{'requests':>9}{'errors':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label, row in (("bare view", bare), ("ballot cast", ballots)):
        print(
            f"{label:14}{row['requests']:>9}{row['errors']:>8}{row['per_second']:>9.1f}"
            f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}"
        )
    if ballots["errors"] or bare["errors"]:
        print("error statuses:", ballots["error_statuses"], bare["error_statuses"])
    verdict = ballots["per_second"] >= 200 and ballots["p95_ms"] < 100
    print(f"\ntarget 200 ballots/s with p95 < 100 ms: {'met' if verdict else 'not met'}")


def _check(env) -> None:
    """Every voter has exactly one ballot and one participation afterwards."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        ballots = conn.execute("SELECT count(*) FROM budget_ballot").fetchone()[0]
        voted = conn.execute("SELECT count(*) FROM budget_participation").fetchone()[0]
    print(f"stored: {ballots} ballots, {voted} participations")


if __name__ == "__main__":
    main()

"""Where a ballot's CPU goes: N ballot POSTs in one process, under cProfile, with the queries.

Run after `bench_casting.py` (it leaves the database `bench_casting` and the voters' sessions):

    uv run python benchmarks/profile_casting.py [--ballots 300] [--top 40]

It serves nothing: Django's test client posts the same requests wrk sends (each voter with
their own session cookie and CSRF token) through the whole middleware stack with the
benchmark's production settings, and prints the statements of one ballot and the functions
that took the most time. Profiling slows everything down about twofold, evenly enough to say
where the time goes, not how much a ballot costs (bench_casting.py says that).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

import harness
from bench_casting import DATA_FILE, DB_NAME, PORT, _env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.inner:
        tmp = Path(tempfile.mkdtemp(prefix="wijkplein-profile-"))
        harness.write_settings(tmp)
        env = _env(tmp, redis=True)
        env["BENCH_PORT"] = str(PORT)
        argv = [sys.executable, __file__, "--inner", *sys.argv[1:]]
        os.execve(sys.executable, argv, env)  # noqa: S606 - this script again, with its settings
    run(ballots=args.ballots, top=args.top, sort=args.sort)


def run(*, ballots: int, top: int, sort: str) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    data = json.loads(DATA_FILE.read_text())
    rng = random.Random(7)  # noqa: S311 - choices for a profile, not secrets
    path = f"/wijkbudget/{data['round']}/stemmen/"
    sessions = data["sessions"][1:]

    def post(number: int):
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1")
        token = secrets.token_hex(16)
        client.cookies["sessionid"] = sessions[number % len(sessions)]
        client.cookies["csrftoken"] = token
        choices = rng.sample(data["projects"], rng.randint(1, 3))
        response = client.post(
            path,
            {"csrfmiddlewaretoken": token, "step": "confirm", "projects": choices},
            HTTP_X_FORWARDED_FOR=f"10.9.{number // 256 % 256}.{number % 256}",
        )
        if response.status_code != 302:
            raise SystemExit(f"ballot {number}: {response.status_code}")

    for number in range(20):  # warm up: imports, templates, connections
        post(number)
    with CaptureQueriesContext(connection) as queries:
        post(20)
    print(f"{DB_NAME}: statements of one ballot ({len(queries)}):")
    for query in queries.captured_queries:
        print("  ", query["sql"][:160])
    # CPU time, not wall time: waits on PostgreSQL and Redis are not this process's cost.
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for number in range(21, 21 + ballots):
        post(number)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n{ballots} ballots, {1000 * total / ballots:.1f} ms of profiled CPU each")
    stats.sort_stats(sort).print_stats(top)


if __name__ == "__main__":
    main()

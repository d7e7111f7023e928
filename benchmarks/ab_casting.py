"""Compare ballot throughput of two versions of the code, turn by turn, on one database.

Run `uv run python benchmarks/ab_casting.py [REF]` from the repository root, REF being any git
revision (`HEAD~1`, `main`, a commit; by default 014d21a, the plain-SQL hot path before the
return to the ORM): this working tree is B, REF is A. Needs what bench_casting.py needs, and
its database and voters (it runs bench_casting.py's setup when they are missing).

Why: this machine's speed drifts by half within minutes, so two runs of bench_casting.py
minutes apart cannot tell a 10 % gain from the drift. Here both versions serve at once
(gunicorn each, production settings, on ports of their own, each with a Redis database of its
own: A 12, B 13), and wrk posts ballots to A and B in alternating turns (A first in odd pairs,
B first in even ones), so each pair is measured under the same conditions. Around every turn
it counts what the database actually stored (ballots new or changed, participation history
rows): both versions serve the same database, and a side whose stored count is well below
the answers wrk counted is flagged, so that a version refusing ballots cheaply cannot look
fast. It prints each pair and the median B/A ratio. The rate-limit counters (only they) are
cleared before each pair so that no voter runs out of submissions.

Both versions must share the database schema: it refuses a REF whose migrations give other
SQL than this tree's (the SQL of the whole migration plan is compared, not the files: a
migration that moved with its app, or whose imports name a moved module, is the same schema).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_casting
import harness
import redis

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REF = "014d21a"
REDIS_DB = {"A": 12, "B": 13}


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 - git with our own arguments
        [shutil.which("git") or "git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _env(side: str, root: Path, tmp: Path, port: int) -> dict[str, str]:
    env = bench_casting._env(tmp, redis=True)
    env["PYTHONPATH"] = f"{tmp}{os.pathsep}{root}"
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB[side]}"
    return env


def schema_sql(out: Path) -> None:
    """Runs inside Django (--schema-sql), in the tree compared: the SQL that creates the
    schema its migrations describe (the models of the migrations' final state, created in
    label order by the schema editor without running anything), and any RunSQL."""
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunSQL

    loader = MigrationLoader(connection)
    models = sorted(loader.project_state().apps.get_models(), key=lambda m: m._meta.label_lower)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in models:
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)  # with its auto-created many-to-many tables
    statements = list(editor.collected_sql)
    for key in sorted(loader.disk_migrations):
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunSQL):
                statements += [f"-- RunSQL in {key[0]}.{key[1]}", str(operation.sql)]
    out.write_text("\n".join(statements) + "\n")


def _same_schema(roots: dict[str, Path], tmp: Path, ref: str) -> None:
    """Exit when REF's migrations give other SQL than this tree's."""
    sql = {}
    for side, root in roots.items():
        out = tmp / f"schema-{side}.sql"
        subprocess.run(  # noqa: S603 - this script, in the tree compared
            [sys.executable, __file__, "--schema-sql", str(out)],
            cwd=root,
            env=_env(side, root, tmp, 0),
            check=True,
        )
        sql[side] = out.read_text().splitlines()
    if sql["A"] != sql["B"]:
        diff = difflib.unified_diff(sql["A"], sql["B"], "A", "B", lineterm="", n=1)
        print("\n".join(list(diff)[:40]))
        sys.exit(f"{ref} has another schema than this tree: compare code, not schemas")
    print(f"same schema as {ref}: {len(sql['A'])} statements compared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "ref",
        nargs="?",
        default=DEFAULT_REF,
        help=f"the git revision to compare this working tree with (default {DEFAULT_REF})",
    )
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=8, help="per turn")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--voters", type=int, default=6000, help="when the casting database is created first"
    )
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--schema-sql", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.schema_sql:
        schema_sql(args.schema_sql)
        return
    if not bench_casting.DATA_FILE.exists():
        subprocess.run(  # noqa: S603 - the casting benchmark creates database and voters
            [sys.executable, "benchmarks/bench_casting.py", "--repeat", "1", "--seconds", "1"]
            + ["--voters", str(args.voters)],
            cwd=ROOT,
            check=True,
        )
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        harness.write_settings(tmp)
        tree = tmp / "ref"
        _git("worktree", "add", "--detach", str(tree), args.ref)
        roots = {"A": tree, "B": ROOT}
        ports = {"A": bench_casting.PORT + 1, "B": bench_casting.PORT + 2}
        caches = {
            side: redis.Redis.from_url(_env(side, roots[side], tmp, 0)["REDIS_URL"])
            for side in "AB"
        }
        for cache in caches.values():
            cache.flushdb()
        try:
            _same_schema(roots, tmp, args.ref)
            with contextlib.ExitStack() as servers:
                for side in "AB":
                    servers.enter_context(
                        harness.gunicorn(
                            _env(side, roots[side], tmp, ports[side]),
                            ports[side],
                            cwd=roots[side],
                            stop=signal.SIGQUIT,
                        )
                    )
                print(
                    f"A = {args.ref} ({_git('rev-parse', '--short', args.ref).strip()}), "
                    f"B = this working tree; {args.pairs} pairs of {args.seconds} s turns"
                )
                print(f"machine: {harness.machine_state()}", flush=True)
                _measure(args, tmp, ports, caches)
                print(f"machine afterwards: {harness.machine_state()}")
        finally:
            _git("worktree", "remove", "--force", str(tree))
            if args.drop:
                harness.drop_database(bench_casting.DB_NAME)
                bench_casting.DATA_FILE.unlink(missing_ok=True)


def _measure(args, tmp: Path, ports: dict[str, int], caches: dict[str, redis.Redis]) -> None:
    """Warm both servers up, then the pairs of turns; print each pair and the median."""
    ballots, bare = bench_casting.write_requests(bench_casting.DATA_FILE, tmp)
    counter = bench_casting.StoredBallots(bench_casting._env(tmp, redis=True)["DATABASE_URL"])

    def turn(side: str, seconds: int, requests: Path = ballots, expect: int = 302) -> dict:
        bench_casting.PORT = ports[side]
        return bench_casting.run_wrk(
            requests, expect, seconds=seconds, connections=args.connections
        )

    for side in "AB":
        turn(side, 2, bare, 200)
        turn(side, 2)
    ratios, stored_ratios, flagged = [], [], []
    try:
        for number in range(args.pairs):
            # Every voter may vote again. Only the rate-limit counters go: emptying the whole
            # cache would make the pair's first turn reload every session.
            for cache in caches.values():
                for key in cache.scan_iter(match="*:rl:*", count=1000):
                    cache.delete(key)
            results = {}
            for side in "AB" if number % 2 == 0 else "BA":
                before = counter.snapshot()
                with harness.cpu_use() as cpu:
                    results[side] = turn(side, args.seconds)
                results[side]["stored"] = counter.since(before)
                results[side]["cpu"] = cpu
            ratio = results["B"]["per_second"] / results["A"]["per_second"]
            ratios.append(ratio)
            stored_ratio = results["B"]["stored"]["ballots"] / max(
                results["A"]["stored"]["ballots"], 1
            )
            stored_ratios.append(stored_ratio)
            print(
                f"pair {number + 1}: "
                + "  ".join(
                    f"{side} {results[side]['per_second']:.1f}/s "
                    f"p95 {results[side]['p95_ms']:.0f} ms "
                    f"wrong {results[side]['unexpected'] + results[side]['socket_errors']} "
                    f"failed {bench_casting.failed_share(results[side]):.1%}"
                    for side in "AB"
                )
                + f"  B/A {ratio:.2f} (stored ballots B/A {stored_ratio:.2f})",
                flush=True,
            )
            for side in "AB":
                note = bench_casting.stored_note(results[side], results[side]["stored"])
                print(f"  {side} {note}")
                if "FEWER" in note:
                    flagged.append(f"{side} in pair {number + 1}")
            print(f"  A {harness.format_cpu_use(results['A']['cpu'])}")
            print(f"  B {harness.format_cpu_use(results['B']['cpu'])}")
    finally:
        counter.close()
    print(
        f"median B/A {statistics.median(ratios):.2f} "
        f"(pairs from {min(ratios):.2f} to {max(ratios):.2f}); "
        f"by ballots stored {statistics.median(stored_ratios):.2f}"
    )
    if flagged:
        print(
            "NOT COMPARABLE: stored well below the answers counted (refusing or losing "
            f"ballots): {', '.join(flagged)}"
        )


if __name__ == "__main__":
    main()

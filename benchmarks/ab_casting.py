"""Compare ballot throughput of two versions of the code, turn by turn, on one database.

Run `uv run python benchmarks/ab_casting.py REF` from the repository root, REF being any git
revision (`HEAD~1`, `main`, a commit): this working tree is B, REF is A. Needs what
bench_casting.py needs, and its database and voters (it runs bench_casting.py's setup when
they are missing).

Why: this machine's speed drifts by half within minutes, so two runs of bench_casting.py
minutes apart cannot tell a 10 % gain from the drift. Here both versions serve at once
(gunicorn each, production settings, on ports of their own), and wrk posts ballots to A and
B in alternating turns (A first in odd pairs, B first in even ones), so each pair is measured
under the same conditions. It prints each pair and the median B/A ratio. The rate-limit
counters (only they) are cleared before each pair so that no voter runs out of submissions.

Both versions must share the database schema: it refuses when REF's migrations differ.
"""

from __future__ import annotations

import argparse
import contextlib
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


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 - git with our own arguments
        [shutil.which("git") or "git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _env(root: Path, tmp: Path, port: int) -> dict[str, str]:
    env = bench_casting._env(tmp, redis=True)
    env["PYTHONPATH"] = f"{tmp}{os.pathsep}{root}"
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ref", help="the git revision to compare this working tree with")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=8, help="per turn")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if _git("diff", "--name-only", args.ref, "--", "*/migrations/*").strip():
        sys.exit(f"{args.ref} has other migrations than this tree: compare code, not schemas")
    if not bench_casting.DATA_FILE.exists():
        subprocess.run(  # noqa: S603 - the casting benchmark creates database and voters
            [sys.executable, "benchmarks/bench_casting.py", "--repeat", "1", "--seconds", "1"],
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
        cache = redis.Redis.from_url(bench_casting._env(tmp, redis=True)["REDIS_URL"])
        cache.flushdb()
        try:
            with contextlib.ExitStack() as servers:
                for side in "AB":
                    servers.enter_context(
                        harness.gunicorn(
                            _env(roots[side], tmp, ports[side]),
                            ports[side],
                            cwd=roots[side],
                            stop=signal.SIGQUIT,
                        )
                    )
                print(
                    f"A = {args.ref} ({_git('rev-parse', '--short', args.ref).strip()}), "
                    f"B = this working tree; {args.pairs} pairs of {args.seconds} s turns"
                )
                _measure(args, tmp, ports, cache)
        finally:
            _git("worktree", "remove", "--force", str(tree))


def _measure(args, tmp: Path, ports: dict[str, int], cache: redis.Redis) -> None:
    """Warm both servers up, then the pairs of turns; print each pair and the median."""
    ballots, bare = bench_casting.write_requests(bench_casting.DATA_FILE, tmp)

    def turn(side: str, seconds: int, requests: Path = ballots, expect: int = 302) -> dict:
        bench_casting.PORT = ports[side]
        return bench_casting.run_wrk(
            requests, expect, seconds=seconds, connections=args.connections
        )

    for side in "AB":
        turn(side, 2, bare, 200)
        turn(side, 2)
    ratios = []
    for number in range(args.pairs):
        # Every voter may vote again. Only the rate-limit counters go: emptying the whole
        # cache would make the pair's first turn reload every session.
        for key in cache.scan_iter(match="*:rl:*", count=1000):
            cache.delete(key)
        results = {}
        for side in "AB" if number % 2 == 0 else "BA":
            with harness.cpu_use() as cpu:
                results[side] = turn(side, args.seconds)
            results[side]["cpu"] = cpu
        ratio = results["B"]["per_second"] / results["A"]["per_second"]
        ratios.append(ratio)
        print(
            f"pair {number + 1}: "
            + "  ".join(
                f"{side} {results[side]['per_second']:.1f}/s "
                f"p95 {results[side]['p95_ms']:.0f} ms "
                f"wrong {results[side]['unexpected'] + results[side]['socket_errors']}"
                for side in "AB"
            )
            + f"  B/A {ratio:.2f}",
            flush=True,
        )
        print(f"  A {harness.format_cpu_use(results['A']['cpu'])}")
        print(f"  B {harness.format_cpu_use(results['B']['cpu'])}")
    print(
        f"median B/A {statistics.median(ratios):.2f} "
        f"(pairs from {min(ratios):.2f} to {max(ratios):.2f})"
    )


if __name__ == "__main__":
    main()

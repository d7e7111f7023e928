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


def _serve(root: Path, tmp: Path, port: int) -> subprocess.Popen:
    env = bench_casting._env(tmp, redis=True)
    env["PYTHONPATH"] = f"{tmp}{os.pathsep}{root}"
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    return subprocess.Popen(  # noqa: S603
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
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGQUIT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


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
        ballots, bare = bench_casting.write_requests(bench_casting.DATA_FILE, tmp)
        tree = tmp / "ref"
        _git("worktree", "add", "--detach", str(tree), args.ref)
        cache = redis.Redis.from_url(bench_casting._env(tmp, redis=True)["REDIS_URL"])
        cache.flushdb()
        ports = {"A": bench_casting.PORT + 1, "B": bench_casting.PORT + 2}
        servers = {"A": _serve(tree, tmp, ports["A"]), "B": _serve(ROOT, tmp, ports["B"])}

        def turn(side: str, seconds: int) -> dict:
            bench_casting.PORT = ports[side]
            return bench_casting.run_wrk(
                ballots, 302, seconds=seconds, connections=args.connections
            )

        try:
            for side in "AB":
                harness.wait_until_served(ports[side], "/bench/bare/")
                bench_casting.PORT = ports[side]
                bench_casting.run_wrk(bare, 200, seconds=2, connections=args.connections)
                turn(side, 2)
            print(
                f"A = {args.ref} ({_git('rev-parse', '--short', args.ref).strip()}), "
                f"B = this working tree; {args.pairs} pairs of {args.seconds} s turns"
            )
            ratios = []
            for number in range(args.pairs):
                # Every voter may vote again. Only the rate-limit counters go: emptying the
                # whole cache would make the pair's first turn reload every session.
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
        finally:
            for server in servers.values():
                _stop(server)
            _git("worktree", "remove", "--force", str(tree))


if __name__ == "__main__":
    main()

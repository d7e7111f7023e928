"""Benchmark: our Equal Shares with Add1 against pabutools' method_of_equal_shares with Add1.

Run `uv run python benchmarks/bench_tally.py` from the repository root. Each measurement runs in a
fresh worker process started by this script (one command runs everything), so the peak memory
reported for our counting is the whole worker's maximum resident set size: interpreter, imports,
reading the votes and counting. pabutools runs under a time limit (`--cap`); a capped run is
reported as "> cap" and the speed-up as a lower bound.

Instances: Poland_Lodz_2022.pb (90,494 voters, 160 projects) from shared/pabulib (or
$PABULIB_DIR), and a generated, seeded city-wide vote of 100,000 voters on 100 projects.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budget.tally.counting import tally  # noqa: E402
from budget.tally.election import Election, project_id_key  # noqa: E402
from budget.tally.equalshares import run_equal_shares  # noqa: E402
from budget.tally.pabulib import read_pb  # noqa: E402
from budget.tally.profile import build_profile  # noqa: E402

PABULIB_DIR = Path(os.environ.get("PABULIB_DIR") or ROOT.parent / "shared" / "pabulib")
INSTANCES = {
    "lodz": "Poland_Lodz_2022.pb (90,494 voters, 160 projects)",
    "generated": "generated, seed 2025 (100,000 voters, 100 projects)",
}
RULE = "equalshares/add1"


def generated_election(*, seed: int = 2025, voters: int = 100_000, projects: int = 100) -> Election:
    """A seeded city-wide vote: ballots of 1 to 5 projects, appeal spread like real votes."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    ids = [f"G{number:03d}" for number in range(1, projects + 1)]
    costs = {project_id: rng.randrange(20_000, 600_000, 1_000) for project_id in ids}
    # Log-normal appeal gives a few favourites and a long tail; most ballots end up unique,
    # so merging identical ballots helps far less than on Lodz.
    appeal = [rng.lognormvariate(0, 1) for _ in ids]
    ballots = []
    for _ in range(voters):
        size = rng.choice((1, 2, 3, 3, 4, 5, 5))
        chosen: set[str] = set()
        while len(chosen) < size:
            chosen.add(rng.choices(ids, weights=appeal)[0])
        ballots.append(frozenset(chosen))
    return Election(budget=sum(costs.values()) * 3 // 10, projects=costs, ballots=ballots)


def load(instance: str) -> Election:
    """The election for an instance name."""
    if instance == "lodz":
        return read_pb(path=PABULIB_DIR / "Poland_Lodz_2022.pb")
    return generated_election()


def pabutools_style_add1(election: Election) -> list[str]:
    """pabutools' Add1 loop on our engine: shares B / n + k, stopping at the first exhaustive."""
    # Not timed: it shows that where the two outcomes differ, only the Add1 loop differs.
    profile = build_profile(election=election)
    supported = profile.supported()
    share = Fraction(election.budget, len(election.ballots))
    previous: list[int] = []
    while True:
        outcome = run_equal_shares(profile=profile, share=share)
        left = election.budget - profile.cost_of(outcome)
        if left < 0:
            break
        previous = outcome
        if all(profile.costs[p] > left for p in supported - set(outcome) if profile.costs[p]):
            break
        share += 1
    return [profile.ids[p] for p in previous]


def worker_ours(instance: str, *, trace: bool) -> dict:
    """Read (or generate) the votes and count them with our equalshares/add1."""
    started = time.perf_counter()
    election = load(instance)
    loaded = time.perf_counter()
    if trace:
        tracemalloc.start()
    counting, cpu = time.perf_counter(), time.process_time()
    funded = tally(election=election, rule=RULE)
    seconds, cpu = time.perf_counter() - counting, time.process_time() - cpu
    result = {"seconds": seconds, "cpu": cpu, "load_seconds": loaded - started, "funded": funded}
    if trace:
        result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        result["pabutools_style"] = pabutools_style_add1(election)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def worker_pabutools(instance: str, *, grouped: bool) -> dict:
    """Count with pabutools' Equal Shares, Add1 style (voter_budget_increment=1)."""
    # Imported here so that our own workers never load pabutools: their peak memory is ours alone.
    from gmpy2 import mpq
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        Cost_Sat,
        Instance,
        Project,
        parse_pabulib,
    )
    from pabutools.rules import method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    if instance == "lodz":
        pb_instance, profile = parse_pabulib(str(PABULIB_DIR / "Poland_Lodz_2022.pb"))
    else:
        election = generated_election()
        projects = {p: Project(p, cost) for p, cost in election.projects.items()}
        pb_instance = Instance(projects.values(), budget_limit=mpq(election.budget))
        ballots = [ApprovalBallot({projects[p] for p in b}) for b in election.ballots]
        profile = ApprovalProfile(ballots, instance=pb_instance)
    votes = {p.name: profile.approval_score(p) for p in pb_instance}
    # The same tie-breaking as ours, so that any difference comes from the Add1 stopping rule.
    ties = TieBreakingRule(lambda inst, prof, p: (p.cost, -votes[p.name], project_id_key(p.name)))
    started, cpu = time.perf_counter(), time.process_time()
    if grouped:
        profile = profile.as_multiprofile()
    outcome = method_of_equal_shares(
        pb_instance, profile, sat_class=Cost_Sat, tie_breaking=ties, voter_budget_increment=1
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "funded": [p.name for p in outcome]}


def run_worker(args: list[str], *, cap: float | None = None) -> dict | None:
    """Run this script as a worker; None when the time limit ran out."""
    command = [sys.executable, __file__, "--worker", *args]
    try:
        done = subprocess.run(  # noqa: S603 - runs this very script
            command, capture_output=True, text=True, timeout=cap, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        sys.exit(f"worker {args} failed:\n{error.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run every measurement in its own worker and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=600, help="time limit per pabutools run (s)")
    parser.add_argument("--instances", default="lodz,generated")
    parser.add_argument(
        "--pabutools", default="grouped,plain", help="pabutools profiles: grouped, plain or both"
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        kind, instance, *flags = options.worker
        if kind == "ours":
            result = worker_ours(instance, trace="trace" in flags)
        else:
            result = worker_pabutools(instance, grouped="grouped" in flags)
        print(json.dumps(result))
        return

    rows = []
    for instance in options.instances.split(","):
        print(f"{instance}: ours ...", file=sys.stderr, flush=True)
        ours = run_worker(["ours", instance])
        traced = run_worker(["ours", instance, "trace"])
        for mode in options.pabutools.split(","):
            print(f"{instance}: pabutools ({mode}) ...", file=sys.stderr, flush=True)
            theirs = run_worker(["pabutools", instance, mode], cap=options.cap)
            rows.append((instance, mode, ours, traced, theirs))

    load = os.getloadavg()[0]
    print(f"\nRule: {RULE}. Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), ", end="")
    print(f"load average {load:.1f} at the end.\n")
    print(
        "| instance | ours: wall (CPU) s | pabutools Add1: wall (CPU) s | speed-up "
        "| our peak RSS (MB) | our traced peak (MB) | same outcome "
        "| pabutools' loop on our engine = pabutools |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for instance, mode, ours, traced, theirs in rows:
        if theirs is None:
            their_time = f"> {options.cap:.0f} (capped)"
            ratio = f"> {options.cap / ours['seconds']:.0f}x"
            same = engine = "n/a"
        else:
            their_time = f"{theirs['seconds']:.1f} ({theirs['cpu']:.1f})"
            ratio = f"{theirs['seconds'] / ours['seconds']:.0f}x"
            same = _same(ours["funded"], theirs["funded"])
            engine = "yes" if traced["pabutools_style"] == theirs["funded"] else "NO"
        profile = "ballots grouped (as_multiprofile)" if mode == "grouped" else "plain profile"
        print(
            f"| {INSTANCES[instance]}; pabutools with {profile} "
            f"| {ours['seconds']:.2f} ({ours['cpu']:.2f}) "
            f"| {their_time} | {ratio} | {ours['maxrss_mb']:.0f} "
            f"| {traced['traced_peak_mb']:.0f} | {same} | {engine} |"
        )
    print(
        "\nTimes are counting only (reading the votes excluded; pabutools' as_multiprofile "
        "included). Peak RSS: the whole worker process (interpreter, imports, votes, counting). "
        "Traced peak: Python allocations during the count alone (tracemalloc, separate run). "
        "Outcomes differ by design: pabutools' Add1 raises shares from B / n (not floor(B / n)) "
        "and stops at the first exhaustive outcome; the last column runs that loop on our "
        "engine and compares the result, order included, with pabutools'."
    )


def _same(ours: list[str], theirs: list[str]) -> str:
    if ours == theirs:
        return "yes, same order"
    if set(ours) == set(theirs):
        return "same set"
    # pabutools' Add1 stops at the first exhaustive outcome, the README's at the last affordable.
    return f"no ({len(ours)} vs {len(theirs)} projects)"


if __name__ == "__main__":
    main()

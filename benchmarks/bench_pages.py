"""Benchmark: the public pages residents open most, against a bare Django view.

Run `uv run python benchmarks/bench_pages.py` from the repository root (PostgreSQL on
127.0.0.1:5432, user postgres, and Redis on 127.0.0.1:6379, database 14; nothing else to
install). One command does everything and stops by itself:

1. creates the database `bench_pages` and migrates it;
2. loads the demo (`manage.py demo_data`: three wijken, their pages, news, a round in its
   voting phase per wijk) and adds realistic volume: 200 published initiatives with up to
   25 supporters each, 50 news items, 15 more projects on the ballot of Brunssum-Noord, a
   logged-in session of the demo resident there (an eligible voter) and of 90 residents who
   support initiatives in the mixed run;
3. starts gunicorn with platform/gunicorn.conf.py (production settings with Redis as in
   docker-compose.yml, so the page cache is on; DEBUG off, static files without the
   manifest, a URL `/bench/bare/` added for the reference view);
4. from a second process, GETs each page for `--seconds` over `--concurrency` keep-alive
   connections (after a warm-up that is not counted): the bare view (anonymous and with the
   resident's session cookie), the home page, a wijk page, the initiative list, a news item
   and the ballot page (with the resident's session cookie, compared with the bare view
   requested the same way);
5. the mixed run: the same connections, 19 requests in 20 anonymous GETs of the home page,
   the wijk page, the initiative list and the news item in turn, 1 in 20 a write -
   alternately a support (a logged-in resident POSTs the support form of an initiative of
   their wijk, with the CSRF cookie and form token a browser got from the initiative's page)
   and a Wagtail publish (a news item's new revision published with `revision.publish()`
   by separate Django processes, the editors); the page cache's hit rate comes from the X-Page-Cache
   header of the GETs;
6. stops gunicorn, drops the database (unless --keep) and prints requests/s, latency
   percentiles, the hit rate and each page's throughput as a share of the bare view's,
   with the verdict against the targets (TARGET_* below).

The load generator (benchmarks/harness.py) shares the machine's cores with the server, so
the figures are a lower bound for a server with the same cores to itself.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import harness
from mixed_run import PORT, SUPPORTERS, WRITE_EVERY, mixed

DB_NAME = "bench_pages"

# What --keep leaves for --reuse: the pages and the residents' session cookies.
DATA_FILE = Path(tempfile.gettempdir()) / "bench_pages.json"
# The targets (issue: "Speed that must still hold"), each as a share of the bare view's
# throughput requested the same way (anonymous, or with the same session).
TARGET_ANONYMOUS = 0.5  # home, wijk, initiatives, news item; and the mixed run
TARGET_LOGGED_IN = 0.15  # the ballot page, logged in
# The pages of the mixed run's reads, anonymous GETs in turn (labels of the "pages" list).


def setup_data(out: Path, *, initiatives: int, news: int) -> None:
    """Runs inside Django (--setup): the demo plus volume, and the resident's session."""
    import django

    django.setup()
    import datetime
    import random
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from budget.models import Project, ProjectStatus, Round
    from cms.models import NewsIndexPage, NewsPage, WijkPage
    from core.models import Profile, ResidencyStatus, User, Wijk
    from initiatives.models import (
        Initiative,
        InitiativeMember,
        InitiativeStatus,
        InitiatorRole,
        Support,
        Theme,
    )

    call_command("demo_data", verbosity=0)
    rng = random.Random(2025)  # noqa: S311 - test data
    wijken = list(Wijk.objects.order_by("pk"))
    now = timezone.now()

    # Residents who propose and support initiatives.
    residents = []
    for n in range(300):
        wijk = wijken[n % len(wijken)]
        user = User.objects.create_user(email=f"buur{n}@bench.invalid", password=None)
        Profile.objects.create(
            user=user,
            display_name=f"Buur {n}",
            postcode=f"{wijk.postcodes.first().code[:4]}XY",
            house_number=str(n + 1),
            wijk=wijk,
            residency_status=ResidencyStatus.VERIFIED,
            verified_at=now,
        )
        residents.append(user)
    themes = list(Theme.values)
    for n in range(initiatives):
        creator = residents[n % len(residents)]
        initiative = Initiative.objects.create(
            wijk=creator.profile.wijk,
            title=f"Buurtinitiatief {n}: {rng.choice(['moestuin', 'bankjes', 'buurtfeest'])}",
            summary="Samen met de buren maken we de straat mooier en gezelliger.",
            description="Een plan van bewoners, met vrijwilligers en een kleine begroting. " * 5,
            themes=rng.sample(themes, 2),
            place="Bij het plein",
            status=rng.choice([InitiativeStatus.PUBLISHED, InitiativeStatus.IN_PROGRESS]),
            needs_volunteers=n % 2 == 0,
            created_by=creator,
        )
        InitiativeMember.objects.create(
            initiative=initiative, user=creator, role=InitiatorRole.INITIATOR
        )
        for supporter in rng.sample(residents, rng.randint(0, 25)):
            Support.objects.create(initiative=initiative, user=supporter)

    index = NewsIndexPage.objects.get()
    for n in range(news):
        page = NewsPage(
            title=f"Nieuws uit de wijk {n}",
            slug=f"nieuws-{n}",
            date=timezone.localdate() - datetime.timedelta(days=n),
            intro="Bewoners en het wijkbedrijf vertellen wat er deze week gebeurde.",
            body=[("paragraph", "<p>Een verhaal over de wijk, met foto's en citaten.</p>")],
            wijken=rng.sample(wijken, rng.randint(1, len(wijken))),
        )
        index.add_child(instance=page)
        page.save_revision().publish()

    wijk_page = WijkPage.objects.live().select_related("wijk").order_by("pk").first()
    wijk = wijk_page.wijk
    budget_round = Round.objects.get(wijk=wijk, voting_start__lte=now, voting_end__gt=now)
    for n in range(15):
        Project.objects.create(
            round=budget_round,
            title=f"Extra plan {n}",
            summary="Een plan van bewoners voor de wijk.",
            cost=Decimal(1000 + 500 * n),
            status=ProjectStatus.ELIGIBLE,
        )

    # Statistics as autovacuum would have them on a live database; without them PostgreSQL
    # plans the fresh tables as if they were empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # The demo resident of that wijk, verified there: eligible to vote.
    voter = User.objects.get(email=f"bewoner.{wijk.slug}@example.org")
    assert voter.profile.residency_status == ResidencyStatus.VERIFIED

    def session_cookie(user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "core.auth_backends.ProfileModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"sessionid={session.session_key}"

    # The mixed run's supporters: residents with a session, each with the initiatives of
    # their wijk they do not support yet (so that every support is a new row), shuffled.
    supported = set(Support.objects.values_list("user_id", "initiative_id"))
    public = list(Initiative.objects.public().values_list("pk", "wijk_id"))
    supports = []
    for user in residents[:SUPPORTERS]:
        cookie = session_cookie(user)
        supports += [
            (cookie, pk, user.pk)
            for pk, wijk_id in public
            if wijk_id == user.profile.wijk_id and (user.pk, pk) not in supported
        ]
    rng.shuffle(supports)
    news_items = list(NewsPage.objects.live().order_by("-date", "pk")[:5])
    out.write_text(
        json.dumps(
            {
                "pages": [
                    ("bare view", "/bench/bare/", False),
                    ("bare, logged in", "/bench/bare/", True),
                    ("home page", "/", False),
                    ("wijk page", wijk_page.url, False),
                    ("initiative list", "/initiatieven/", False),
                    ("news item", news_items[0].url, False),
                    ("ballot page", f"/wijkbudget/{budget_round.pk}/stemmen/", True),
                ],
                "cookie": session_cookie(voter),
                "supports": supports,
                # Published in turn by the mixed run's writes; the first is the one measured.
                "news_pages": [page.pk for page in news_items],
                "counts": {
                    "initiatives": Initiative.objects.public().count(),
                    "supports": Support.objects.count(),
                    "news": NewsPage.objects.live().count(),
                    "ballot projects": budget_round.projects.count(),
                },
            }
        )
    )


def profile(path: str, *, cookie: str, requests: int) -> None:
    """Runs inside Django (--profile): cProfile of `requests` GETs of `path`, in-process,
    against the kept database; prints the most expensive functions (cumulative, then own time)."""
    import cProfile
    import pstats

    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, _, value = cookie.partition("=")
        client.cookies[name] = value
    assert client.get(path).status_code == 200  # warm the caches first
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measured time per page")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured time per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--initiatives", type=int, default=200)
    parser.add_argument("--news", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database kept by a previous --keep run"
    )
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="instead of the benchmark: cProfile requests to PAGE (a label or a path) in-process "
        "on the database kept by --keep",
    )
    parser.add_argument("--setup", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-mixed", action="store_true", help="leave out the mixed run of reads and writes"
    )
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--mixed", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-in-django", help=argparse.SUPPRESS)
    parser.add_argument("--cookie", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_in_django:
        profile(args.profile_in_django, cookie=args.cookie, requests=50)
        return
    if args.setup:
        setup_data(args.setup, initiatives=args.initiatives, news=args.news)
        return
    if args.mixed:
        result = mixed(
            args.mixed,
            seconds=args.seconds,
            warmup=args.warmup,
            concurrency=args.concurrency,
        )
        print(json.dumps(result))
        return
    if args.load:
        result = harness.get_for(
            port=PORT,
            path=args.load,
            cookie=args.cookie,
            seconds=args.seconds,
            warmup=args.warmup,
            concurrency=args.concurrency,
        )
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        harness.write_settings(tmp)
        env = harness.bench_env(tmp, db_name=DB_NAME, port=PORT)
        # Production runs with Redis for the cache, sessions and the page cache
        # (docker-compose.yml); db 14 is ours and starts empty.
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        if args.profile:
            _profile(env, args.profile)
            return
        data_file = DATA_FILE
        if not (args.reuse and data_file.exists()):
            print(f"creating database {DB_NAME} and migrating (takes a while) ...", flush=True)
            harness.recreate_database(DB_NAME)
            harness.migrate(env)
            print("loading the demo and the extra data ...", flush=True)
            setup_env = {**env, "DJANGO_SETTINGS_MODULE": "wijkplein_bench_setup_settings"}
            _setup(setup_env, data_file, args)
        try:
            data = json.loads(data_file.read_text())
            rows = []
            with harness.gunicorn(env, PORT) as workers:
                print(f"gunicorn up: workers={workers}, {args.concurrency} client connections")
                print(f"machine: {harness.machine_state()}", flush=True)
                for label, path, logged_in in data["pages"]:
                    row = harness.run_json(
                        __file__,
                        ["--load", path, "--seconds", str(args.seconds)]
                        + ["--warmup", str(args.warmup), "--concurrency", str(args.concurrency)]
                        + (["--cookie", data["cookie"]] if logged_in else []),
                        env,
                    )
                    rows.append((label, path, logged_in, row))
                    print(f"  {label}: {row['per_second']:.1f}/s", flush=True)
                mixed_run = None
                if not args.no_mixed:
                    with harness.cpu_use() as cpu:
                        mixed_run = harness.run_json(
                            __file__,
                            ["--mixed", str(data_file), "--seconds", str(args.seconds)]
                            + ["--warmup", str(args.warmup)]
                            + ["--concurrency", str(args.concurrency)],
                            env,
                        )
                    mixed_run["cpu"] = cpu
                    print(f"  mixed run: {mixed_run['all']['per_second']:.1f}/s", flush=True)
                print(f"machine afterwards: {harness.machine_state()}")
        finally:
            if not args.keep:
                harness.drop_database(DB_NAME)
                data_file.unlink(missing_ok=True)
    _report(rows, data["counts"], mixed_run)


def _profile(env, page: str) -> None:
    data = json.loads(DATA_FILE.read_text())
    path, logged_in = next(
        ((path, logged_in) for label, path, logged_in in data["pages"] if page in (label, path)),
        (page, False),
    )
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--profile-in-django", path]
        + (["--cookie", data["cookie"]] if logged_in else []),
        cwd=harness.ROOT,
        env=env,
        check=True,
    )


def _setup(env, data_file: Path, args) -> None:
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--setup", str(data_file)]
        + ["--initiatives", str(args.initiatives), "--news", str(args.news)],
        cwd=harness.ROOT,
        env=env,
        check=True,
    )


def _report(rows, counts, mixed_run) -> None:
    print()
    print("data: " + ", ".join(f"{value} {key}" for key, value in counts.items()))
    # Each page against the bare view requested the same way: anonymous pages against the
    # anonymous bare view, the ballot page against the bare view with the voter's session.
    bare_by_login = {logged_in: row["per_second"] for _l, _p, logged_in, row in rows[:2]}
    print(
        f"{'':17}{'requests':>9}{'errors':>7}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'x bare':>8}{'target':>8}{'cache hits':>12}"
    )
    below = []
    for label, _path, logged_in, row in rows:
        share = row["per_second"] / bare_by_login[logged_in]
        target = (
            0 if label.startswith("bare") else TARGET_LOGGED_IN if logged_in else TARGET_ANONYMOUS
        )
        print(
            f"{label:17}{row['requests']:>9}{row['errors']:>7}{row['per_second']:>8.1f}"
            f"{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}{row['p99_ms']:>8.1f}{share:>8.2f}"
            f"{target or '':>8}{harness.format_hit_rate(row):>12}"
        )
        if row["errors"]:
            print(f"  error statuses of {label}: {row['error_statuses']}")
        if share < target or row["errors"]:
            below.append(label)
    if mixed_run is not None:
        every = mixed_run["all"]
        share = every["per_second"] / bare_by_login[False]
        print(
            f"{'mixed run':17}{every['requests']:>9}{every['errors']:>7}"
            f"{every['per_second']:>8.1f}{every['p50_ms']:>8.1f}{every['p95_ms']:>8.1f}"
            f"{every['p99_ms']:>8.1f}{share:>8.2f}{TARGET_ANONYMOUS:>8}"
            f"{harness.format_hit_rate(mixed_run['read']):>12}"
        )
        for kind, label in (
            ("read", "anonymous GETs"),
            ("support", "supports (POST)"),
            ("publish", "news publishes"),
        ):
            row = mixed_run[kind]
            print(
                f"  {label:15}{row['requests']:>9}{row['errors']:>7}{row['per_second']:>8.1f}"
                f"{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}{row['p99_ms']:>8.1f}"
                + (f"  error statuses {row['error_statuses']}" if row["errors"] else "")
            )
        print(
            f"  writes 1 in {WRITE_EVERY}; supports stored {mixed_run['supports_stored']} of "
            f"{mixed_run['supports_attempted']} posted, {mixed_run['publishes']} publishes "
            "(whole run, warm-up included); page-cache hit rate of the GETs "
            f"{harness.format_hit_rate(mixed_run['read'])} "
            f"({mixed_run['read']['cache_hits']} hits, {mixed_run['read']['cache_stale']} stale "
            f"copies served while the page rendered anew, {mixed_run['read']['cache_misses']} "
            "misses)"
        )
        # The load generator's share includes the editors' processes, which publish.
        print(f"  {harness.format_cpu_use(mixed_run['cpu'])}")
        if share < TARGET_ANONYMOUS or every["errors"]:
            below.append("mixed run")
        if mixed_run["supports_stored"] < mixed_run["supports_attempted"]:
            below.append("mixed run (supports not stored)")
    print(
        f"\ntarget: anonymous pages and the mixed run at least {TARGET_ANONYMOUS} of the "
        f"anonymous bare view's throughput, the ballot page at least {TARGET_LOGGED_IN} of the "
        "bare view with the same session (p95 shown), every answer as expected: "
        + (f"not met by {', '.join(below)}" if below else "met")
    )


if __name__ == "__main__":
    main()

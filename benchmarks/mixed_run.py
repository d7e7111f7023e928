"""The mixed run of bench_pages.py: anonymous GETs of the cached pages, and 1 request in
WRITE_EVERY a write (a resident's support through the real view, or a Wagtail publish by a
separate editor process, `mixed_run.py --publisher`). Split from bench_pages.py, which runs it."""

from __future__ import annotations

import itertools
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

import harness

PORT = 8766
MIXED_PAGES = ("home page", "wijk page", "initiative list", "news item")
WRITE_EVERY = 20  # 1 request in 20 is a write
SUPPORTERS = 90  # residents with a session who support initiatives


def publisher() -> None:
    """Runs inside Django (--publisher), a process of its own: for each news item id on
    stdin, publishes a new revision of it through Wagtail's API, as an editor's "Publish"
    does (the page cache hears it through the page's post_save); answers "ok" per line."""
    import django

    django.setup()
    from cms.models import NewsPage

    print("ready", flush=True)
    number = 0
    while line := sys.stdin.readline():
        number += 1
        page = NewsPage.objects.get(pk=int(line))
        page.intro = f"Bewoners en het wijkbedrijf vertellen wat er gebeurde (versie {number})."
        page.save_revision().publish()
        print("ok", flush=True)


def _csrf_of(port: int, path: str, cookie: str) -> tuple[str, str]:
    """The CSRF cookie and a form token, as a browser gets them: from the page with the form
    (here an initiative's page, opened with the resident's session)."""
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie})
        response = conn.getresponse()
        html = response.read().decode()
        cookies = response.msg.get_all("Set-Cookie") or []
    finally:
        conn.close()
    secret = next(
        (c.split(";")[0].partition("=")[2] for c in cookies if c.startswith("csrftoken=")), None
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if response.status != 200 or secret is None or token is None:
        raise RuntimeError(f"no CSRF cookie and token from {path} ({response.status})")
    return secret, token.group(1)


def mixed(data_file: Path, *, seconds: float, warmup: float, concurrency: int) -> dict:
    """The mixed run (--mixed): anonymous GETs of the pages, 1 request in WRITE_EVERY a write,
    supports and publishes in turn, over `concurrency` keep-alive connections."""
    import psycopg

    data = json.loads(data_file.read_text())
    reads = [path for label, path, _logged_in in data["pages"] if label in MIXED_PAGES]
    # Editors publish from processes of their own, as many at once as half the connections
    # (a single one would make every connection queue behind it), each with its own news
    # items (the measured one is the first's): publishing one page twice at once would only
    # measure Wagtail's row lock.
    pub_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wijkplein_bench_setup_settings"}
    editors: queue.Queue = queue.Queue()
    processes = []
    count = max(1, min(concurrency // 2, len(data["news_pages"])))
    for number in range(count):
        process = subprocess.Popen(  # noqa: S603 - this script, as an editor's process
            [sys.executable, str(Path(__file__).resolve().parent / "mixed_run.py"), "--publisher"],
            cwd=harness.ROOT,
            env=pub_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        editors.put((process, itertools.cycle(data["news_pages"][number::count])))
    for process in processes:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a publisher did not start")
    # One publish each before the run: an editor's first one imports and loads what the
    # others reuse (seconds, not what a publish costs).
    for _ in processes:
        process, pages = editors.get()
        process.stdin.write(f"{next(pages)}\n")
        process.stdin.flush()
        if process.stdout.readline().strip() != "ok":
            raise RuntimeError("a publisher failed")
        editors.put((process, pages))
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        supported = set(db.execute("SELECT user_id, initiative_id FROM initiatives_support"))
    # Only residents who do not support the initiative yet (a --reuse run follows others).
    fresh = [(c, pk) for c, pk, user in data["supports"] if (user, pk) not in supported]
    tokens = {}
    for cookie, pk in fresh:
        if cookie not in tokens:
            tokens[cookie] = _csrf_of(PORT, f"/initiatieven/{pk}/", cookie)
    supports = itertools.cycle(fresh)
    numbers = itertools.count()
    lock = threading.Lock()
    kinds = ("read", "support", "publish")
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors: dict[str, list[int]] = {kind: [] for kind in kinds}
    cache: dict[str, int] = {}
    attempted = {"support": 0, "publish": 0}
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds

    def support(conn: HTTPConnection) -> tuple[int, str]:
        with lock:
            cookie, pk = next(supports)
        secret, token = tokens[cookie]
        conn.request(
            "POST",
            f"/initiatieven/{pk}/steunen/",
            body=urlencode({"csrfmiddlewaretoken": token}),
            headers={
                "Host": "127.0.0.1",
                "Accept-Language": "nl",
                "Cookie": f"{cookie}; csrftoken={secret}",
                "Origin": "http://127.0.0.1",
                "Referer": f"http://127.0.0.1/initiatieven/{pk}/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        response.read()
        return (0 if response.status == 302 else response.status), ""

    def publish() -> tuple[int, str]:
        process, pages = editors.get()  # waits while every editor is publishing
        try:
            process.stdin.write(f"{next(pages)}\n")
            process.stdin.flush()
            answer = process.stdout.readline().strip()
        finally:
            editors.put((process, pages))
        return (0 if answer == "ok" else -2), ""

    def read(conn: HTTPConnection, path: str) -> tuple[int, str]:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Language": "nl"})
        response = conn.getresponse()
        response.read()
        status = 0 if response.status == 200 else response.status
        return status, response.getheader(harness.PAGE_CACHE_HEADER, "")

    def worker() -> None:
        conn = HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            started = time.perf_counter()
            if started >= stop:
                break
            number = next(numbers)
            if number % WRITE_EVERY == WRITE_EVERY - 1:
                kind = "support" if number // WRITE_EVERY % 2 == 0 else "publish"
            else:
                kind = "read"
            try:
                if kind == "support":
                    status, cached = support(conn)
                elif kind == "publish":
                    status, cached = publish()
                else:
                    # The reads in turn, whatever the writes between them.
                    status, cached = read(
                        conn, reads[(number - number // WRITE_EVERY) % len(reads)]
                    )
            except (OSError, HTTPException):
                conn.close()
                conn = HTTPConnection("127.0.0.1", PORT, timeout=30)
                status, cached = -1, ""
            ended = time.perf_counter()
            with lock:
                if kind in attempted:
                    attempted[kind] += 1
                if started >= measure_from and ended <= stop:
                    latencies[kind].append(ended - started)
                    if status:
                        errors[kind].append(status)
                    if cached:
                        cache[cached] = cache.get(cached, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for process in processes:
            process.stdin.close()
        for process in processes:
            process.wait(timeout=60)
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        supports_after = db.execute("SELECT count(*) FROM initiatives_support").fetchone()[0]
    every = [latency for kind in kinds for latency in latencies[kind]]
    return {
        "all": harness.summarise(every, seconds, [e for kind in kinds for e in errors[kind]]),
        **{
            kind: harness.summarise(
                latencies[kind], seconds, errors[kind], cache if kind == "read" else None
            )
            for kind in kinds
        },
        # Over the whole run, warm-up included: each support is a resident not yet supporting.
        "supports_attempted": attempted["support"],
        "supports_stored": supports_after - len(supported),
        "publishes": attempted["publish"],
    }


if __name__ == "__main__" and sys.argv[1:] == ["--publisher"]:
    publisher()

"""Fixtures of the browser journeys: one live site and one Chromium for the whole session.

Run them with `uv run --frozen pytest tests/browser -q`; screenshots land in
var/screenshots/<test-name>/ (CI keeps that folder). Debian's Chromium is used, never a
downloaded browser; without /usr/bin/chromium the journeys are skipped.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOT_DIR,
    LiveSite,
    ShotLog,
    forget_page,
    log_in,
    register_page,
)

NO_CHROMIUM = f"browser journeys need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test; skip them all without Chromium."""
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember whether a test failed, so its pages can be photographed as they were."""
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture(scope="session")
def live_site(tmp_path_factory) -> Iterator[LiveSite]:
    """The site on 127.0.0.1, with the migrations and the demo loaded, for the session."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    site = LiveSite(workdir=tmp_path_factory.mktemp("e2e-site"))
    try:
        site.prepare()
        site.start()
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, started once for every site the tests serve (Playwright's
    sync API allows one running instance per process)."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()
    playwright.stop()


@pytest.fixture(scope="session")
def browser(live_site, chromium):
    """Chromium, with the demo site running."""
    return chromium


@pytest.fixture
def new_page(request, browser, live_site) -> Iterator[Callable]:
    """Open a page in a fresh browser context (its own cookies): one per person in a test.

    `new_page()` is anonymous; `new_page("bewoner.beijum@example.org")` logs in first.
    All pages of a test share its screenshot folder and numbering.
    """
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = SCREENSHOT_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = ShotLog(folder=folder)
    contexts = []

    def open_page(user_email: str | None = None):
        context = browser.new_context(
            base_url=live_site.base_url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        register_page(page, log)
        if user_email:
            log_in(page, live_site, user_email)
        return page

    yield open_page

    failed = getattr(request.node, "browser_failed", False)
    if failed:
        # What the server said, next to the screenshots (CI keeps the folder).
        (folder / "server-log.txt").write_text(live_site.server_log(lines=300))
    for number, context in enumerate(contexts, start=1):
        for page in context.pages:
            if failed:
                # A failed photo must not hide the failure itself.
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(folder / f"failed-page{number}.png"), full_page=True)
            forget_page(page)
        context.close()


@pytest.fixture
def page(new_page):
    """An anonymous page in a fresh browser context (Dutch, Amsterdam time)."""
    return new_page()

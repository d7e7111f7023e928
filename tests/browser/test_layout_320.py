"""No page scrolls sideways on a 320 px wide screen (WCAG 1.4.10, reflow).

A visitor, a resident, a panel chair and a staff member each open their starting pages
and the pages those link to from their main content (a few of each kind, so forty
initiatives do not make forty visits). A page fails when the document is wider than the
window: `document.documentElement.scrollWidth > window.innerWidth`. Wide tables may scroll
inside their own box; the page itself may not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.support import demo_email, shot

pytestmark = pytest.mark.browser

WIDTH = 320
# Of each kind of address (its digits replaced), this many are visited.
PER_KIND = 2
MAX_PAGES = 45

START = {
    None: [
        "/",
        "/initiatieven/",
        "/initiatieven/voorstellen/",
        "/wijkbudget/",
        "/subsidie/",
        "/statistieken/",
        "/zoeken/?q=wijk",
        "/accounts/login/",
        "/accounts/signup/",
    ],
    "bewoner": ["/mijn-gegevens/", "/mijn-initiatieven/", "/wijkbudget/", "/subsidie/"],
    "panel": ["/wijkpanel/", "/mijn-gegevens/"],
    "medewerker": ["/beheer/", "/beheer/wijkbudget/", "/beheer/initiatieven/", "/statistieken/"],
}
# Not pages of ours, or not pages at all: files, the Wagtail admin, actions by link.
SKIP = re.compile(
    r"^/(cms-admin|django-admin|accounts/logout|taal|afmelden|static|media|documents)/"
    r"|\.(pdf|csv|pb|xml|png|jpg|svg)$|/(csv|feed|downloaden|bestand/\d+|beschikking)/$"
)


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        "main a[href]", "links => links.map(a => a.getAttribute('href'))"
    )


def _too_wide(page) -> dict | None:
    """The widths when the page scrolls sideways, and the innermost elements that stick out."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const scroll = document.documentElement.scrollWidth;
          if (scroll <= width) return null;
          const out = el => el.getBoundingClientRect().right > width + 1;
          const name = el => el.tagName.toLowerCase() + '.' + String(el.className)
            .trim().split(/\\s+/).join('.');
          const wide = [...document.querySelectorAll('body *')]
            .filter(el => out(el) && ![...el.children].some(out))
            .slice(0, 5)
            .map(el => name(el) + ' ' + Math.round(el.getBoundingClientRect().right));
          return {innerWidth: width, scrollWidth: scroll, wide};
        }"""
    )


def _crawl(page, base_url: str, start: list[str]) -> dict[str, dict]:
    """Visit the starting pages and what their main content links to; return the failures."""
    queue = list(start)
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    failures: dict[str, dict] = {}
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        kind = _kind(urlsplit(path).path)
        if kinds.get(kind, 0) >= PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        try:
            response = page.goto(path)
        except Exception as error:  # Playwright's Error; a file download is no page
            if "Download is starting" in str(error):
                continue
            raise
        visited += 1
        if response is None or response.status >= 500:
            failures[path] = {"status": response.status if response else None}
            continue
        problem = _too_wide(page)
        if problem:
            shot(page, f"too-wide {path}")
            failures[path] = problem
        if path in start:
            for href in _links(page):
                parts = urlsplit(href)
                if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base_url:
                    continue
                if not parts.path.startswith("/") or SKIP.search(parts.path):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in seen:
                    queue.append(target)
    assert visited > len(start) // 2, f"only {visited} pages visited"
    return failures


@pytest.mark.parametrize("role", [None, "bewoner", "panel", "medewerker"])
def test_no_page_is_wider_than_a_320_px_screen(new_page, live_site, role):
    page = new_page(demo_email(role) if role else None)
    page.set_viewport_size({"width": WIDTH, "height": 640})

    failures = _crawl(page, live_site.base_url, START[role])

    assert not failures, "\n".join(f"{path}: {problem}" for path, problem in failures.items())


def test_each_box_of_a_checkbox_group_sits_beside_its_label(new_page):
    """The themes of the proposal form: every box on the line of its label, to its left."""
    page = new_page(demo_email("bewoner"))
    page.set_viewport_size({"width": WIDTH, "height": 640})
    page.goto("/wijken/brunssum-noord/initiatieven/nieuw/")

    boxes = page.locator("fieldset input[type=checkbox]")
    assert boxes.count() >= 5
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = page.locator(f"label[for='{box.get_attribute('id')}']")
        box_at, label_at = box.bounding_box(), label.bounding_box()
        assert box_at["x"] + box_at["width"] <= label_at["x"], label.inner_text()
        # On the same line: the box's middle lies within the label's first line.
        assert label_at["y"] <= box_at["y"] + box_at["height"] / 2 <= label_at["y"] + 32
    shot(page, "checkbox group at 320 px")

"""Steps the subsidy, voting and results journeys share (plain functions, no fixtures)."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

# Voting codes and receipt codes look like ABCD-EFGH-JKMN.
CODE_RE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def pdf_text(path: str | Path) -> str:
    """All text of a downloaded PDF, with the line breaks pypdf finds folded to spaces."""
    reader = PdfReader(str(path))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def open_round(page, name: str | re.Pattern) -> None:
    """From the list of wijkbudget rounds, open one by (part of) its name."""
    page.goto("/wijkbudget/")
    page.get_by_role("link", name=name).first.click()
    page.wait_for_load_state()


def watch_csp(page) -> list[str]:
    """Collect the Content-Security-Policy refusals the browser reports for a page.

    A refused inline style or script is what a resident notices as an unstyled or
    dead page; the journeys assert the list stays empty.
    """
    refusals: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            refusals.append(f"{page.url}: {message.text[:200]}")

    page.on("console", on_console)
    return refusals

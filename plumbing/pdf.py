"""PDF rendering with weasyprint that never touches the network or the file system.

Templates refer to static files as usual ({% static %}); the fetcher below
resolves only those, through Django's static file finders. Any other URL
(http, file, a path outside static) is refused, so user text that sneaks a
URL into a document cannot make the server fetch it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://wijkplein.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves the site's own static files and data: URLs; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"PDF resources are limited to static files, not {url!r}")
        relative = url[len(prefix) :].split("?")[0]
        if ".." in Path(relative).parts:
            raise ValueError("Path traversal refused")
        found = finders.find(relative)
        if not found:
            raise ValueError(f"Static file not found: {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(*, template: str, context: dict) -> bytes:
    """Render a template from templates/pdf/ to PDF bytes."""
    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()

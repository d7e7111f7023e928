"""PDF rendering with weasyprint that never touches the network or the file system.

Templates refer to static files as usual ({% static %}); the fetcher below
resolves only those, through Django's static file finders. Any other URL
(http, file, a path outside static) is refused, so user text that sneaks a
URL into a document cannot make the server fetch it.

Every PDF is tagged PDF/UA-1 (structure tree, document language from <html lang>, title
from <title>), so screen readers read letters and reports in order and in Dutch.
QR codes are drawn here as SVG data: URLs (segno), the one kind of URL the fetcher allows.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from segno import make_qr
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://wijkplein.invalid/"
# Tagged and accessible: WeasyPrint's PDF/UA-1 variant (PDF 1.7 with a structure tree).
PDF_VARIANT = "pdf/ua-1"


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
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def site_url(path: str = "") -> str:
    """An address on this site as printed on paper: settings.SITE_URL and the path."""
    return settings.SITE_URL.rstrip("/") + path


def qr_data_url(text: str) -> str:
    """A QR code of the text (a web address) as an SVG data: URL for an <img> in a PDF.

    Error correction level M survives a crease or a coffee stain; black on white with the
    quiet zone the standard asks for, so any phone camera reads it.
    """
    return make_qr(text, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")

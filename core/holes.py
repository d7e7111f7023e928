"""HTML rendered once with holes where per-request values go, filled in per request.

Parts of pages that are the same for many requests but for a few values (the header but
for the CSRF token and the current path; the ballot's cards but for the voter's choices)
are rendered once, with a hole - an HTML comment `<!--wp-NAME-->` - in each such place,
kept (plumbing.pagecache.fragment or a memo), and filled in by `fill` per request. Anything a
person typed is escaped before it reaches a page, so no user text can contain a hole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_HOLE = re.compile(r"<!--wp-([a-z0-9-]+)-->")


def hole(name: str) -> SafeString:
    """The hole called `name` (letters, digits and dashes), to put in a template's context."""
    return mark_safe(f"<!--wp-{name}-->")  # noqa: S308 - a fixed comment, no input in it


def fill(html: str, value: Callable[[str], str]) -> SafeString:
    """`html` with every hole replaced by `value(name)`, which must return safe HTML."""
    return mark_safe(_HOLE.sub(lambda match: value(match[1]), html))  # noqa: S308


def csrf_input(request) -> SafeString:
    """What `{% csrf_token %}` writes, for the CSRF hole of HTML rendered without a request."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )

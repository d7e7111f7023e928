"""Anonymous visitors' pages from the shared cache, made stale by every write.

Most visits to a municipality's site are anonymous reads of the same few pages (the home
page, a wijk, the initiatives). Rendering one costs 10-20 ms of CPU (templates, Wagtail's
serve chain); a cached copy costs two cache reads. Logged-in pages are never cached here.

What is cached (`PageCacheMiddleware`, the innermost middleware, so every outer one still
adds its headers - CSP, security, language - to a cached answer):
- a GET without a session or messages cookie (only the language and CSRF cookies may be
  there), for a path without query string or with only `?page=N`;
- answered 200 with HTML, not streamed, setting no cookie, without a CSRF token in it
  (`get_token` was not called), without a session change, and not marked
  `Cache-Control: private / no-store / no-cache`.

The key holds the host, path, query, language and the current *generation*. Every committed
write to a model (post_save, post_delete, m2m_changed) moves the generation on, after the
commit, so all cached pages go stale at once; `NO_EFFECT_ON_PAGES` lists the models whose
writes never show on a page anyone may see without logging in (ballots, sessions, e-mail
tasks...). Time alone changes some pages (a round opens at its date, "3 days left"):
entries expire after `PAGE_CACHE_SECONDS` (60 in production; 0 switches caching off, as
in tests and without Redis - a per-process cache cannot be made stale across workers).
Writes that bypass the signals (`QuerySet.update`, `bulk_create`) are covered by that
expiry too.

`fragment()` keeps parts of pages the same way (the menu, the projects on a ballot), for
pages that are personal and so cannot be cached whole.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation

GENERATION_KEY = "pagecache:generation"
ALLOWED_QUERY = frozenset({"page"})
NO_EFFECT_ON_PAGES = frozenset(
    {
        "sessions.session",
        "budget.ballot",
        "budget.participation",
        "core.notification",
        "django_tasks_database.dbtaskresult",
        "account.emailaddress",
        "account.emailconfirmation",
        "mfa.authenticator",
        "core.mutednotification",
        "wagtailadmin.editingsession",
        "admin.logentry",
        "wagtailcore.pagelogentry",
        "wagtailcore.modellogentry",
    }
)


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def generation() -> int:
    """The current generation; started from the clock, so a lost counter never comes back
    to a number that old entries still carry."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def bump() -> None:
    """Make every cached page stale (called after a commit that changed data)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: start one past anything cached before
        cache.set(GENERATION_KEY, int(time.time() * 1000) + 1, timeout=None)


def bump_after_commit(using: str) -> None:
    """Move the generation on once the current transaction commits (at once outside one).

    After, not before: a page rendered between the write and its commit would otherwise be
    stored under the new generation with the old data. One callback per transaction.
    """
    connection = connections[using]
    if connection.in_atomic_block and any(entry[1] is bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(bump, using=using)


def _changed(sender, instance=None, **kwargs) -> None:
    if not seconds():
        return
    meta = sender._meta
    # History rows come with a write of their own object, which already counts.
    if meta.label_lower in NO_EFFECT_ON_PAGES or meta.model_name.startswith("historical"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    bump_after_commit(kwargs.get("using") or router.db_for_write(sender))


def connect_signals() -> None:
    """Called once from CoreConfig.ready."""
    post_save.connect(_changed, dispatch_uid="pagecache_save")
    post_delete.connect(_changed, dispatch_uid="pagecache_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache_m2m")


def _m2m_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        _changed(sender, **kwargs)


# The generation this process saw last: a guess that lets a request read the generation and
# what it keys in one round trip (read_many). Only ever a guess; the cache decides.
_last_seen: list[int | None] = [None]


def read_many(request, keys_for: Callable[[int], list[str]]) -> dict[str, Any]:
    """The keys `keys_for(generation)` under the current generation, found or not, usually in
    one round trip: the generation is read with the keys built on the last one this process
    saw, and only when it has moved on are the keys read again. Sets the request's
    generation. Empty when the page cache is off."""
    if not seconds():
        return {}
    known = getattr(request, "_pagecache_generation", None)
    guess = known if known is not None else _last_seen[0]
    if known is None and guess is not None:
        found = cache.get_many([GENERATION_KEY, *keys_for(guess)])
        current = found.pop(GENERATION_KEY, None)
        if current == guess:
            request._pagecache_generation = guess
            return found
        if current is not None:  # moved on: read the keys again under the new one
            request._pagecache_generation = current
    current = request_generation(request)
    _last_seen[0] = current
    return cache.get_many(keys_for(current))


def request_generation(request) -> int | None:
    """The generation this request works with (read once per request); None when off."""
    if not seconds():
        return None
    current = getattr(request, "_pagecache_generation", None)
    if current is None:
        current = generation()
        request._pagecache_generation = current
    return current


def fragment(request, key: str, build: Callable[[], Any]) -> Any:
    """A piece of a page kept under the current generation like whole pages: `build()` runs
    once per generation, or on every call when the page cache is off. The key must name
    everything the value depends on besides the data (language, person). Logged-in pages
    use it for their parts."""
    current = request_generation(request)
    if current is None:
        return build()
    full_key = _fragment_key(current, key)
    fetched = getattr(request, "_pagecache_fragments", {})
    value = fetched[full_key] if full_key in fetched else cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, seconds())
        if full_key in fetched:
            fetched[full_key] = value
    return value


def menu_key(request) -> str:
    """The fragment key of the main menu (cms_tags.main_menu_items), by host and language."""
    return f"menu:{request.get_host()}:{translation.get_language()}"


def prefetch(request, keys: list[str]) -> None:
    """Read the fragments a page is about to ask for in one round trip to the cache."""
    found = read_many(request, lambda current: [_fragment_key(current, key) for key in keys])
    current = request_generation(request)
    if current is None:
        return
    full_keys = [_fragment_key(current, key) for key in keys]
    request._pagecache_fragments = {key: found.get(key) for key in full_keys}


def _fragment_key(current: int, key: str) -> str:
    return f"fragment:{current}:{key}"


def _cacheable_request(request) -> bool:
    if request.method != "GET":
        return False
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    if not set(request.COOKIES) <= allowed:
        return False
    for name in request.GET:
        if name not in ALLOWED_QUERY or not request.GET[name].isdigit():
            return False
    return True


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _key(request, gen: int) -> str:
    language = getattr(request, "LANGUAGE_CODE", "")
    raw = f"{request.get_host()}|{request.get_full_path()}|{language}"
    return f"pagecache:{gen}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


class PageCacheMiddleware:
    """Serve anonymous GETs from the cache; see the module docstring for what qualifies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = seconds()
        if not timeout or not _cacheable_request(request):
            return self.get_response(request)
        stored = read_many(request, lambda current: [_key(request, current)])
        key = _key(request, request_generation(request))
        stored = stored.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cache.set(key, (response.content, list(response.items())), timeout)
        return response

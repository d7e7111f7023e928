"""Anonymous visitors' pages from the shared cache, made stale by the writes they show.

Most visits to a municipality's site are anonymous reads of the same few pages (the home
page, a wijk, the initiatives). Rendering one costs 10-20 ms of CPU (templates, Wagtail's
serve chain); a cached copy costs one cache round trip. Logged-in pages are never cached.

What is cached (`PageCacheMiddleware`, the innermost middleware, so every outer one still
adds its headers - CSP, security, language - to a cached answer):
- a GET without a session or messages cookie (only the language and CSRF cookies may be
  there), for a path without query string or with only `?page=N`; under `QUERY_PATHS` (the
  open-data API, /api/) also with a few short filter parameters (`?wijk=noord&status=...`),
  each its own copy;
- answered 200 with HTML (under `QUERY_PATHS` also JSON), not streamed, setting no cookie,
  without a CSRF token in it (`get_token` was not called), without a session change, and
  not marked `Cache-Control: private / no-store / no-cache`.
Every looked-up answer says `X-Page-Cache: hit`, `stale` or `miss`. A page gone stale is
rendered again by one request; requests that come while it renders get the stale copy
(`stale`), so a burst of visitors after a write costs one render, not one each.

Staleness is kept per *area*, a name for a kind of data ("initiatives", "supports",
"budget"; `SITE` is what every page shows: the menu's pages, the wijken). Each app declares,
as `page_cache = pagecache.Rules(...)` on its AppConfig, which areas a write of each of its
models touches (models of an app without rules touch `SITE`), which of its models never show
on a page anyone may see without logging in, and which areas its pages show (pages nobody
declared show every area). `PAGE_CACHE_IGNORED_MODELS` in the settings names the library
models that never show (sessions, e-mail addresses, log entries); history rows come with a
write of their own object, which already counts. Every committed write (post_save,
post_delete, m2m_changed) gives each of its areas a new random *generation*, after the
commit. A cached page carries the generations of the areas it shows, as they were before it
was rendered, and is served only while all of them still hold: so a resident supporting an
initiative renews the initiative pages and the statistics, not the news or the wijk pages.
The page and the current generations are read in one `get_many`. The page's key holds the
release (`RELEASE`, else the checkout's commit, else the version in pyproject.toml), so a new
release never serves what the old one rendered; the generations are shared by all releases,
so that during a rolling deploy a write in an old worker still reaches the new ones' pages.

Time alone changes some pages (a round opens at its date, "3 days left"): entries expire
after `PAGE_CACHE_SECONDS` (60 in production; 0 switches caching off, as in tests and
without Redis - a per-process cache cannot be made stale across workers). Writes that
bypass the signals (`QuerySet.update`, `bulk_create`) are covered by that expiry too.

While Redis is down (`plumbing.cache.RedisCache.is_down()`) every page is rendered and none
is kept; once it answers again pages are cached as before. Writes made meanwhile could not
renew their areas' generations: a page cached before the outage, in a Redis that kept its
data, may then be served at most `PAGE_CACHE_SECONDS` past its write.

Not `wagtail.contrib.frontend_cache`: it purges an HTTP cache or CDN in front of the site
when a Wagtail page is published, and knows neither our own views nor writes to our models;
nor Django's cache middleware, which has no way to make a page stale when data changes.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import router, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from simple_history.models import HistoricalChanges

SITE = "site"
PAGES = "pages"
# The menu shows children of the home page (the root is depth 1, the home page 2).
MENU_DEPTH = 3
# How long one request may take to render a stale page while the others are served the
# stale copy; past it (a crashed worker) the next request renders.
RENDER_LOCK_SECONDS = 10
ALLOWED_QUERY = frozenset({"page"})
# Paths whose anonymous GETs may carry filters and answer JSON: the open-data API. Its
# filters are few and their values short (slugs, statuses, dates, numbers); anything else
# (a long or repeated value, many parameters) is answered uncached.
QUERY_PATHS = ("/api/",)
QUERY_LIMIT = 8
_QUERY_NAME = re.compile(r"[a-z_]{1,32}")
_QUERY_VALUE = re.compile(r"[\w.:-]{1,64}")
HEADER = "X-Page-Cache"


@dataclass(frozen=True)
class Rules:
    """What an app tells the page cache, as `page_cache` on its AppConfig.

    `writes`: model name -> the areas a write of it makes stale; "*" for the app's other
    models (without it, `SITE`: every page); instead of areas a function of the written
    object that gives them (`page_tree_areas`). `ignored`: models whose writes never show on a
    page anyone may see without logging in. `pages`: URL namespace (for a view outside any
    namespace: its URL name; for one view of a namespace: "namespace:name") -> the areas
    those pages show besides `SITE`.
    """

    writes: Mapping[str, tuple[str, ...] | Callable[[Model], tuple[str, ...]]] = field(
        default_factory=dict
    )
    ignored: tuple[str, ...] = ()
    pages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# Filled once by connect_signals() from the apps' Rules: model -> areas its writes touch,
# URL namespace or name -> areas its pages show, and every area there is.
_writes: dict[type[Model], tuple[str, ...] | Callable[[Model], tuple[str, ...]]] = {}
_pages: dict[str, tuple[str, ...]] = {}
_areas: list[str] = [SITE]


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


@functools.cache
def _checkout_release() -> str:
    """The commit checked out (read from .git, as the image has no git), else the version."""
    base = settings.BASE_DIR
    try:
        head = (base / ".git" / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head.removeprefix("ref: ")
        path = base / ".git" / ref
        if path.exists():
            return path.read_text().strip()[:12]
        for line in (base / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0][:12]
    except OSError:
        pass
    try:
        with open(base / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def release() -> str:
    """The release page keys carry: a new one never serves pages the old one rendered."""
    name = getattr(settings, "RELEASE", None) or _checkout_release()
    return re.sub(r"[^\w.-]", "-", name)[:64]


def _generation_key(area: str) -> str:
    return f"pagecache:generation:{area}"


def _page_key(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", "")
    raw = f"{request.get_host()}|{request.get_full_path()}|{language}"
    return f"pagecache:{release()}:page:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _new_generation() -> str:
    # Random, not counted: a generation lost from the cache can never come back to a value
    # that pages cached before still carry.
    return secrets.token_hex(8)


def bump(areas: Iterable[str]) -> None:
    """Make stale every cached page that shows one of `areas`."""
    cache.set_many({_generation_key(area): _new_generation() for area in areas}, timeout=None)


def page_tree_areas(instance: Model) -> tuple[str, ...]:
    """A Wagtail page's write: the pages area, and every page when the menu may show it."""
    depth = getattr(instance, "depth", None)
    if depth is not None and depth <= MENU_DEPTH:
        return (PAGES, SITE)
    return (PAGES,)


def _changed(sender, instance=None, using=None, update_fields=None, **kwargs) -> None:
    if not seconds():
        return
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    areas = _writes[sender]
    if callable(areas):
        areas = areas(instance)
    # After the commit, not before: a page rendered between the write and its commit would
    # otherwise carry the new generation with the old data. One callback per write: a
    # transaction's writes are few, and public API cannot tell which callbacks it holds.
    # Robust: a cache that is down must not fail a write that is committed.
    transaction.on_commit(
        functools.partial(bump, areas),
        using=using or router.db_for_write(sender),
        robust=True,
    )


def _m2m_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        _changed(sender, **kwargs)


def _tables() -> tuple[dict[type[Model], tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """What each model's writes touch and what each app's pages show, from the apps' Rules."""
    ignored = {apps.get_model(label) for label in settings.PAGE_CACHE_IGNORED_MODELS}
    writes: dict[type[Model], tuple[str, ...] | Callable[[Model], tuple[str, ...]]] = {}
    pages: dict[str, tuple[str, ...]] = {}
    for config in apps.get_app_configs():
        rules = getattr(config, "page_cache", None) or Rules()
        default = _areas_or_function(rules.writes.get("*", (SITE,)))
        named = {
            config.get_model(name): _areas_or_function(areas)
            for name, areas in rules.writes.items()
            if name != "*"
        }
        ignored |= {config.get_model(name) for name in rules.ignored}
        for model in config.get_models(include_auto_created=True):
            if model not in ignored and not issubclass(model, HistoricalChanges):
                writes[model] = named.get(model, default)
        for name, areas in rules.pages.items():
            pages[name] = (SITE, *areas)
    return writes, pages


def _areas_or_function(areas):
    return areas if callable(areas) else tuple(areas)


def connect_signals() -> None:
    """Called once from CoreConfig.ready: read the apps' Rules, listen to their models."""
    writes, pages = _tables()
    _writes.clear()
    _writes.update(writes)
    _pages.clear()
    _pages.update(pages)
    declared = [areas for areas in [*writes.values(), *pages.values()] if not callable(areas)]
    every = {SITE, PAGES, *(area for areas in declared for area in areas)}
    _areas[:] = sorted(every)
    # Per model, so the ignored ones keep Django's fast deletes (no listener, no per-row
    # signal) - sessions and task results are deleted in bulk.
    for model in writes:
        uid = f"pagecache:{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=uid)


def _shown_areas(request) -> tuple[str, ...]:
    """The areas the page just rendered shows, by its URL namespace or name; all if unknown."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return tuple(_areas)
    # One view of a namespace may say what it shows ("opendata:initiatives"), else the
    # namespace's or the view's own entry.
    if match.namespace and match.url_name and f"{match.namespace}:{match.url_name}" in _pages:
        return _pages[f"{match.namespace}:{match.url_name}"]
    return _pages.get(match.namespace or match.url_name or "", tuple(_areas))


def _cacheable_request(request) -> bool:
    if request.method != "GET":
        return False
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    if not set(request.COOKIES) <= allowed:
        return False
    if request.path.startswith(QUERY_PATHS):
        return _cacheable_filters(request)
    for name in request.GET:
        if name not in ALLOWED_QUERY or not request.GET[name].isdigit():
            return False
    return True


def _cacheable_filters(request) -> bool:
    """Under QUERY_PATHS: a few short filter parameters, each given once."""
    if len(request.GET) > QUERY_LIMIT:
        return False
    for name, values in request.GET.lists():
        if not _QUERY_NAME.fullmatch(name) or len(values) != 1:
            return False
        if not _QUERY_VALUE.fullmatch(values[0]):
            return False
    return True


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    content_type = response.get("Content-Type", "")
    json = content_type.startswith("application/json") and request.path.startswith(QUERY_PATHS)
    if not (content_type.startswith("text/html") or json):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


class PageCacheMiddleware:
    """Serve anonymous GETs from the cache; see the module docstring for what qualifies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = seconds()
        if not timeout or not _cacheable_request(request) or cache_down():
            return self.get_response(request)
        key = _page_key(request)
        found = cache.get_many([key, *map(_generation_key, _areas)])
        if cache_down():  # Redis went away just now: render, keep nothing
            return self.get_response(request)
        current = {area: found.get(_generation_key(area)) for area in _areas}
        entry = found.get(key)
        lock = None
        if entry is not None:
            shown, content, headers = entry
            if all(current.get(area) == generation for area, generation in shown.items()):
                return _cached_response(content, headers, "hit")
            # Stale: one request renders it again; the others meanwhile get the stale copy
            # (for the length of one render), instead of all rendering the same page at once.
            lock = f"{key}:render"
            if not cache.add(lock, 1, RENDER_LOCK_SECONDS):
                return _cached_response(content, headers, "stale")
        try:
            response = self.get_response(request)
            if _cacheable_response(request, response) and not cache_down():
                entry = (_shown(request, current), response.content, list(response.items()))
                cache.set(key, entry, timeout)
        finally:
            if lock is not None:
                cache.delete(lock)
        response[HEADER] = "miss"
        return response


def cache_down() -> bool:
    """Whether the shared cache is down (plumbing.cache.RedisCache then answers from this
    process' memory): pages are rendered and not kept, since a copy in one worker could not
    be made stale by a write in another."""
    is_down = getattr(cache, "is_down", None)
    return bool(is_down and is_down())


def _cached_response(content: bytes, headers: list[tuple[str, str]], kind: str) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[HEADER] = kind
    return response


def _shown(request, current: Mapping[str, str | None]) -> dict[str, str]:
    """The generations, read before the page was rendered, of the areas it shows. An area
    without one (a flushed cache) is given one; should another request have started it first,
    this copy carries a generation the area never had, and is never served."""
    shown = {}
    for area in _shown_areas(request):
        generation = current.get(area)
        if generation is None:
            generation = _new_generation()
            cache.add(_generation_key(area), generation, timeout=None)
        shown[area] = generation
    return shown

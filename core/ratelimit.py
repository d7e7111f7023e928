"""A small fixed-window rate limiter on Django's cache, for code entry and ballots.

allauth limits its own forms; this covers our forms that guard secrets
(letter codes) the same way, keyed by user and by client address.
"""

from __future__ import annotations

from django.core.cache import cache


def client_ip(request) -> str:
    """The client address as the web server saw it (the proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "unknown")


def is_limited(*, scope: str, keys: list[str], limit: int, window_seconds: int) -> bool:
    """Count one attempt against each key; True when any key went over its limit."""
    limited = False
    for key in keys:
        cache_key = f"rl:{scope}:{key}"
        cache.add(cache_key, 0, timeout=window_seconds)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window_seconds)
            count = 1
        if count > limit:
            limited = True
    return limited

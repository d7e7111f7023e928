"""A small fixed-window rate limiter on Django's cache, for code entry and ballots.

allauth limits its own forms; this covers our forms that guard secrets
(letter codes) the same way, keyed by user and by client address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address, as allauth's rate limits see it too.

    Behind N trusted reverse proxies (ALLAUTH_TRUSTED_PROXY_COUNT, from TRUSTED_PROXY_COUNT)
    REMOTE_ADDR is the nearest proxy's, the same for every resident; the client is then the
    N-th address from the right in X-Forwarded-For (those left of it can be forged).
    """
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
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

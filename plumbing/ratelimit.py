"""A small fixed-window rate limiter on Django's cache, for code entry and ballots.

allauth limits its own forms; this covers our forms that guard secrets
(letter codes) the same way, keyed by user and by client address. The address is allauth's
(`get_adapter(request).get_client_ip(request)`), so both kinds of limit see the same client:
behind N trusted reverse proxies (ALLAUTH_TRUSTED_PROXY_COUNT, from TRUSTED_PROXY_COUNT) it is
the N-th address from the right in X-Forwarded-For, not the proxy's REMOTE_ADDR.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """One counter: `limit` attempts per `window_seconds` for `key` within `scope`."""

    scope: str
    key: str
    limit: int
    window_seconds: int

    @property
    def cache_key(self) -> str:
        return f"rl:{self.scope}:{self.key}"


# Count every key and start its window on the first attempt, atomically, in one round trip.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""


def count_attempts(limits: list[Limit]) -> list[bool]:
    """Count one attempt against each limit; for each, whether it is now exceeded.

    On Redis (django-redis) all counters move in one round trip (a Lua script: casting a
    ballot checks two of them); on other caches, add and incr per counter.
    """
    client_of = getattr(getattr(cache, "client", None), "get_client", None)
    if client_of is not None:
        client = client_of(write=True)
        keys = [cache.client.make_key(limit.cache_key) for limit in limits]
        counts = client.eval(
            _COUNT_SCRIPT, len(keys), *keys, *[limit.window_seconds for limit in limits]
        )
    else:
        counts = [_count_one(limit) for limit in limits]
    return [count > limit.limit for count, limit in zip(counts, limits, strict=True)]


def over_limit(*limits: Limit) -> bool:
    """Count one attempt against each limit; True when any of them is now exceeded."""
    return any(count_attempts(list(limits)))


def _count_one(limit: Limit) -> int:
    cache.add(limit.cache_key, 0, timeout=limit.window_seconds)
    try:
        return cache.incr(limit.cache_key)
    except ValueError:  # expired between add and incr
        cache.set(limit.cache_key, 1, timeout=limit.window_seconds)
        return 1


def is_limited(*, scope: str, keys: list[str], limit: int, window_seconds: int) -> bool:
    """Count one attempt against each key; True when any key went over its limit."""
    window = window_seconds
    return over_limit(
        *(Limit(scope=scope, key=key, limit=limit, window_seconds=window) for key in keys)
    )

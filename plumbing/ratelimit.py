"""A small fixed-window rate limiter on Django's cache, for code entry and ballots.

allauth limits its own forms; this covers our forms that guard secrets
(letter codes) the same way, keyed by user and by client address. The address is allauth's
(`get_adapter(request).get_client_ip(request)`), so both kinds of limit see the same client:
behind N trusted reverse proxies (ALLAUTH_TRUSTED_PROXY_COUNT, from TRUSTED_PROXY_COUNT) it is
the N-th address from the right in X-Forwarded-For, not the proxy's REMOTE_ADDR.

When the cache (Redis) cannot be reached the limiter cannot count. Each caller says what that
means for its action: `fail_closed=True` raises `LimiterUnavailable` (the caller refuses, with
a Dutch message: guessing letter codes must never become unlimited), `fail_closed=False` lets
the attempt through (an outage must not stop everyone from, say, casting a ballot).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a cache that cannot be reached raises: the Redis client's own errors (the counters go
# to the client directly, past django-redis' IGNORE_EXCEPTIONS) and django-redis' wrapper.
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted, OSError)


class LimiterUnavailable(Exception):
    """The rate limiter's cache cannot be reached, so attempts cannot be counted."""


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
    Raises LimiterUnavailable when the cache cannot be reached.
    """
    client_of = getattr(getattr(cache, "client", None), "get_client", None)
    try:
        if client_of is not None:
            client = client_of(write=True)
            keys = [cache.client.make_key(limit.cache_key) for limit in limits]
            counts = client.eval(
                _COUNT_SCRIPT, len(keys), *keys, *[limit.window_seconds for limit in limits]
            )
        else:
            counts = [_count_one(limit) for limit in limits]
    except _UNREACHABLE as error:
        raise LimiterUnavailable(str(error)) from error
    return [count > limit.limit for count, limit in zip(counts, limits, strict=True)]


def over_limit(*limits: Limit, fail_closed: bool = False) -> bool:
    """Count one attempt against each limit; True when any of them is now exceeded.

    Cache unreachable: raises LimiterUnavailable when `fail_closed`, else allows the attempt.
    """
    try:
        return any(count_attempts(list(limits)))
    except LimiterUnavailable:
        if fail_closed:
            raise
        logger.warning("Rate limiter unavailable; attempt allowed: %s", limits[0].scope)
        return False


def _count_one(limit: Limit) -> int:
    cache.add(limit.cache_key, 0, timeout=limit.window_seconds)
    try:
        return cache.incr(limit.cache_key)
    except ValueError:  # expired between add and incr
        cache.set(limit.cache_key, 1, timeout=limit.window_seconds)
        return 1


def is_limited(
    *, scope: str, keys: list[str], limit: int, window_seconds: int, fail_closed: bool = False
) -> bool:
    """Count one attempt against each key; True when any key went over its limit.

    Cache unreachable: raises LimiterUnavailable when `fail_closed`, else allows the attempt.
    """
    window = window_seconds
    return over_limit(
        *(Limit(scope=scope, key=key, limit=limit, window_seconds=window) for key in keys),
        fail_closed=fail_closed,
    )

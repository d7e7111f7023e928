"""A small fixed-window rate limiter on Django's cache, for code entry and ballots.

allauth limits its own forms; this covers our forms that guard secrets
(letter codes) the same way, keyed by user and by client address. The address is allauth's
(`get_adapter(request).get_client_ip(request)`, which our adapter answers with
`client_address` below), so both kinds of limit see the same client: X-Forwarded-For is
believed only as far as it was written by the proxies in TRUSTED_PROXIES (networks, not a
count), so a request to the app port itself cannot choose its own address.

When the cache (Redis) cannot be reached the limiter cannot count. Each caller says what that
means for its action: `fail_closed=True` raises `LimiterUnavailable` (the caller refuses, with
a Dutch message: guessing letter codes must never become unlimited), `fail_closed=False` lets
the attempt through (an outage must not stop everyone from, say, casting a ballot).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from plumbing.cache import UNREACHABLE

logger = logging.getLogger(__name__)


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
    is_down = getattr(cache, "is_down", None)  # plumbing.cache.RedisCache
    if is_down is not None and is_down():
        raise LimiterUnavailable("the cache is down")
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
    except UNREACHABLE as error:  # the client's own errors: no fallback here
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


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, unless that is one of TRUSTED_PROXIES.

    Then X-Forwarded-For, read from the right (each proxy appends the address it was reached
    from), skipping the trusted proxies: the first other address is what the outermost of our
    proxies saw. What a client writes into the header itself stays to the left of it and is
    never read. A malformed hop yields the proxy's own address (stricter, never spoofable).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    # No REMOTE_ADDR: gunicorn on a unix socket, which only processes on this host can reach
    # (the proxy in front of it): believed like a trusted proxy.
    if remote and not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    # Only proxies in the header (or none): the request started at the leftmost of them.
    return hops[0] if hops else remote

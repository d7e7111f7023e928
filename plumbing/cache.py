"""The shared cache (Redis) that keeps the site up while Redis is down.

`RedisCache` is django-redis' backend with one difference: when Redis cannot be reached, the
calls Django's cache API makes (get, add, set, incr, ...) go to a memory cache of this process
instead of failing, and for `RETRY_SECONDS` Redis is not asked again (so a Redis host that no
longer answers costs one connect timeout per worker now and then, not one per call).

What that means for each user of the cache while Redis is down:
- allauth's rate limits (login, sign-up) count per process: still limits, and logins keep
  working (django-redis' own IGNORE_EXCEPTIONS would make allauth's cache lock fail, and
  allauth then refuses every attempt as "too many").
- the page cache (plumbing/pagecache.py) asks `is_down()` and renders every page: a
  per-process copy could not be made stale by a write in another worker.
- the rate limiter of letter codes and ballots (plumbing/ratelimit.py) talks to Redis itself
  and so can tell the outage; each caller decides (`fail_closed`).
Sessions are not kept in the cache at all (the `db` engine, config/settings/base.py).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a Redis that cannot be reached raises (django-redis re-raises the client's errors
# when IGNORE_EXCEPTIONS is off).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted, OSError)

# Django's cache API: these fall back to the memory cache while Redis is down.
_FALLBACK_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "decr",
    "set_many",
    "delete_many",
    "clear",
)


class RedisCache(DjangoRedisCache):
    """django-redis, with a per-process memory cache while Redis cannot be reached.

    OPTIONS["RETRY_SECONDS"] (default 5): how long after a failure Redis is left alone.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(
            f"redis-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._down_until = 0.0
        self._lock = threading.Lock()

    def is_down(self) -> bool:
        """Whether Redis failed less than RETRY_SECONDS ago (then it is not asked)."""
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.is_down():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                with self._lock:
                    if not self.is_down():
                        logger.error("Redis unreachable, using process memory: %s", error)
                    self._down_until = time.monotonic() + self.retry_seconds
            else:
                if self._down_until:
                    with self._lock:
                        if self._down_until:
                            logger.warning("Redis reachable again")
                            self._down_until = 0.0
                            self._fallback.clear()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)


def _fallback_method(name: str):
    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"django-redis' `{name}`, or the memory cache's while Redis is down."
    return method


for _name in _FALLBACK_METHODS:
    setattr(RedisCache, _name, _fallback_method(_name))

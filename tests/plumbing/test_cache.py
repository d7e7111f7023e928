"""plumbing.cache.RedisCache: while Redis cannot be reached, process memory answers.

Against a Redis URL on a closed port (nothing mocked): the calls Django's cache API makes
keep working, the cache says it is down, and the rate limiter can still tell.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from plumbing.ratelimit import Limit, LimiterUnavailable, over_limit
from tests.plumbing.test_ratelimits import _closed_port


@pytest.fixture
def unreachable_redis(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "plumbing.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "RETRY_SECONDS": 60},
        },
    }


def test_the_cache_api_keeps_working_from_memory(unreachable_redis):
    assert not cache.is_down()

    assert cache.add("lock", 1, timeout=10)  # what allauth's rate limit lock needs
    assert not cache.add("lock", 1, timeout=10)
    cache.set("history", [1, 2], 60)

    assert cache.is_down()
    assert cache.get("history") == [1, 2]
    assert cache.get_many(["history", "other"]) == {"history": [1, 2]}
    cache.delete("lock")
    assert cache.add("lock", 1, timeout=10)


def test_the_limiter_still_tells_that_redis_is_down(unreachable_redis):
    limit = Limit(scope="code", key="user:1", limit=5, window_seconds=60)
    cache.get("anything")  # the cache found out already: the limiter does not ask again
    assert cache.is_down()

    with pytest.raises(LimiterUnavailable):
        over_limit(limit, fail_closed=True)
    assert over_limit(limit) is False

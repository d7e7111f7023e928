"""Redis down does not take the site down.

The settings point at a Redis this test starts itself; it is then stopped for real. Anonymous
pages are rendered without the page cache, logging in and casting a ballot keep working; once
Redis is back, pages are cached again.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from budget.models import Ballot

pytestmark = pytest.mark.django_db

RETRY_SECONDS = 0.5


@pytest.fixture
def redis_cache(settings, redis_server):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "plumbing.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "RETRY_SECONDS": RETRY_SECONDS,
            },
        },
    }
    settings.PAGE_CACHE_SECONDS = 60
    return redis_server


def _home(client) -> tuple[int, str | None]:
    response = client.get("/")
    return response.status_code, response.headers.get("X-Page-Cache")


def test_the_site_works_while_redis_is_down_and_caches_again_when_it_is_back(
    redis_cache, resident, voting_round, projects
):
    visitor = Client()
    assert _home(visitor) == (200, "miss")
    assert _home(visitor) == (200, "hit")

    redis_cache.stop()

    # Anonymous pages: rendered, not from (or into) any cache.
    assert _home(visitor) == (200, None)
    assert _home(visitor) == (200, None)

    # Logging in (allauth counts the attempt in this process' memory meanwhile).
    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": resident.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(resident.pk)

    # Casting a ballot: the limiter cannot count, the ballot view lets the vote through.
    response = browser.post(
        reverse("budget:ballot", args=[voting_round.pk]),
        {"projects": [projects["Bankjes"].pk], "step": "confirm"},
    )
    assert response.status_code == 302
    assert Ballot.objects.filter(round=voting_round).count() == 1
    assert browser.get(reverse("core:my_profile")).status_code == 200

    redis_cache.start()
    time.sleep(RETRY_SECONDS + 0.1)

    assert _home(visitor) == (200, "miss")
    assert _home(visitor) == (200, "hit")
    # The session never lived in Redis: still logged in.
    assert browser.get(reverse("core:my_profile")).status_code == 200

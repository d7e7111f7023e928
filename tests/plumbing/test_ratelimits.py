"""Rate limits on the forms that guard accounts and secrets: login, sign-up, letter codes.

allauth limits login and sign-up (ACCOUNT_RATE_LIMITS); plumbing.ratelimit limits our own
code forms. Ballot submission is tested in tests/budget/test_ballot_ratelimit.py.
"""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from django.urls import reverse

from core.models import User
from tests.core.test_accounts import SIGNUP
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_many_failed_logins_from_one_address_are_stopped(client, resident):
    url = reverse("account_login")
    for n in range(10):
        response = client.post(url, {"login": f"gok{n}@example.org", "password": "fout"})
        assert response.status_code == 200

    response = client.post(url, {"login": resident.email, "password": "correct horse battery"})

    # allauth refuses on the form itself, even with the right password.
    assert "_auth_user_id" not in client.session
    assert "Te veel inlogpogingen" in response.content.decode()


def test_failed_logins_for_one_account_are_stopped_from_any_address(client, resident):
    url = reverse("account_login")
    for n in range(5):
        client.post(url, {"login": resident.email, "password": "fout"}, REMOTE_ADDR=f"192.0.2.{n}")

    response = client.post(
        url,
        {"login": resident.email, "password": "correct horse battery"},
        REMOTE_ADDR="192.0.2.99",
    )

    assert "_auth_user_id" not in client.session
    assert "Te veel inlogpogingen" in response.content.decode()


def test_many_sign_ups_from_one_address_are_stopped(client, wijk):
    url = reverse("account_signup")
    for n in range(20):
        response = client.post(url, {**SIGNUP, "email": f"a{n}@example.org", "postcode": "1012AB"})
        assert response.status_code == 200  # refused: the postcode is not in a wijk

    response = client.post(url, SIGNUP)

    assert response.status_code == 429
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_residency_code_entry_is_limited_per_account_across_addresses(client, resident):
    client.force_login(resident)
    url = reverse("core:residency_code")
    for n in range(5):
        client.post(url, {"code": "ABCD-EFGH-JKMN"}, REMOTE_ADDR=f"192.0.2.{n}")

    response = client.post(url, {"code": "ABCD-EFGH-JKMN"}, REMOTE_ADDR="192.0.2.99")

    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()


PROXY = "172.30.0.10"


def _client_ip(request) -> str:  # what our limits and allauth's key on
    return get_adapter(request).get_client_ip(request)


def test_behind_a_trusted_proxy_each_resident_has_their_own_address(rf, settings):
    """Behind the TLS proxy every request comes from the proxy: limits must use the client."""
    settings.TRUSTED_PROXIES = ["172.30.0.0/24", "10.1.0.0/16"]
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert _client_ip(request) == "203.0.113.7"  # what the proxy saw; the forged hop is ignored
    # Two proxies of ours in a row: both skipped, right to left.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.1.2.3")
    assert _client_ip(request) == "203.0.113.7"
    assert _client_ip(rf.get("/", REMOTE_ADDR=PROXY)) == PROXY
    # A hop that is no address at all: the proxy's own address, never the header's word.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7, unknown")
    assert _client_ip(request) == PROXY
    # gunicorn on a unix socket has no REMOTE_ADDR: only a local proxy can reach it.
    request = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert _client_ip(request) == "203.0.113.7"


def test_a_direct_request_cannot_choose_its_address(rf, settings):
    """The app port reached directly (not through a trusted proxy): the header is forged."""
    settings.TRUSTED_PROXIES = ["172.30.0.0/24"]
    request = rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _client_ip(request) == "198.51.100.4"
    settings.TRUSTED_PROXIES = []  # no proxy configured: nobody's header is believed
    assert _client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")) == PROXY


def _failed_logins(client, resident, count: int, **extra) -> str:
    url = reverse("account_login")
    response = None
    for n in range(count):
        forwarded = {k: v.format(n=n) for k, v in extra.items()}
        response = client.post(url, {"login": f"gok{n}@example.org", "password": "x"}, **forwarded)
    return response.content.decode()


def test_spoofed_forwarded_for_is_limited_by_its_own_address(client, resident, settings):
    """A new forged X-Forwarded-For on every try, straight to the app port: still one address."""
    settings.TRUSTED_PROXIES = ["172.30.0.0/24"]
    page = _failed_logins(
        client,
        resident,
        11,
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="203.0.113.{n}",
    )
    assert "Te veel inlogpogingen" in page


def test_residents_behind_the_trusted_proxy_are_limited_each_on_their_own(
    client, resident, settings
):
    settings.TRUSTED_PROXIES = ["172.30.0.0/24"]
    page = _failed_logins(
        client, resident, 11, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.{n}"
    )
    assert "Te veel inlogpogingen" not in page
    # ... and one resident behind it who keeps trying is stopped.
    page = _failed_logins(
        client, resident, 11, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.{n}, 203.0.113.99"
    )
    assert "Te veel inlogpogingen" in page


def test_residents_helped_at_one_desk_are_not_stopped_by_each_others_tries(client, wijk):
    """The library or the municipal desk: one address, one resident after another."""
    url = reverse("core:residency_code")
    for n in range(8):
        client.force_login(ProfileFactory(wijk=wijk, house_number=str(n + 1)).user)
        response = client.post(url, {"code": "ABCD-EFGH-JKMN"}, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 400  # a wrong code, said as such: not "too many tries"


def test_each_counter_stops_at_its_own_limit_and_counts_in_one_go():
    from plumbing.ratelimit import Limit, count_attempts

    voter = Limit(scope="ballot:1", key="user:1", limit=3, window_seconds=60)
    address = Limit(scope="ballot-ip", key="ip:192.0.2.1", limit=5, window_seconds=60)

    results = [count_attempts([voter, address]) for _ in range(6)]

    assert results == [
        [False, False],
        [False, False],
        [False, False],
        [True, False],
        [True, False],
        [True, True],
    ]
    other = Limit(scope="ballot:1", key="user:2", limit=3, window_seconds=60)
    assert count_attempts([other]) == [False]


def test_a_counter_starts_its_window_on_the_first_attempt():
    from django.core.cache import cache

    from plumbing.ratelimit import Limit, count_attempts

    limit = Limit(scope="code", key="ip:192.0.2.9", limit=5, window_seconds=900)
    count_attempts([limit])
    count_attempts([limit])

    assert cache.get(limit.cache_key) == 2
    if hasattr(cache, "ttl"):  # django-redis: the window runs from the first attempt
        assert 0 < cache.ttl(limit.cache_key) <= 900


def _closed_port() -> int:
    """A loopback port nothing listens on (bound once to pick it, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_unreachable(settings):
    """The cache is django-redis pointed at a closed port: every call to Redis fails."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }


def test_an_unreachable_cache_refuses_when_the_caller_fails_closed(redis_unreachable):
    from plumbing.ratelimit import Limit, LimiterUnavailable, is_limited, over_limit

    limit = Limit(scope="code", key="ip:192.0.2.1", limit=5, window_seconds=60)
    with pytest.raises(LimiterUnavailable):
        over_limit(limit, fail_closed=True)
    with pytest.raises(LimiterUnavailable):
        is_limited(
            scope="code", keys=["ip:192.0.2.1"], limit=5, window_seconds=60, fail_closed=True
        )


def test_an_unreachable_cache_allows_the_attempt_when_the_caller_fails_open(redis_unreachable):
    from plumbing.ratelimit import Limit, is_limited, over_limit

    limit = Limit(scope="ballot", key="user:1", limit=1, window_seconds=60)
    # Counted nowhere, so never over: every attempt is served.
    assert [over_limit(limit) for _ in range(3)] == [False, False, False]
    assert not is_limited(scope="ballot", keys=["user:1"], limit=1, window_seconds=60)

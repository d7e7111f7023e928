"""Fixtures shared by every test module."""

from __future__ import annotations

import functools

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import post_save
from django.test import override_settings

from core.models import Wijk
from subsidies.models import Scheme
from tests.factories import (
    PanelMembershipFactory,
    UserFactory,
    VerifiedProfileFactory,
    WijkFactory,
    WijkPostcodeFactory,
    follow_new_wijken_and_schemes,
    make_staff,
)

# `make_staff` staff act in every wijk and scheme, also in those a test creates later.
post_save.connect(follow_new_wijken_and_schemes, sender=Wijk, weak=False)
post_save.connect(follow_new_wijken_and_schemes, sender=Scheme, weak=False)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache_on():
    """The anonymous page cache switched on (tests keep it off: plumbing/pagecache.py)."""
    with override_settings(PAGE_CACHE_SECONDS=60):
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A context manager doing what a commit does to the after-commit callbacks registered
    inside it: run them (the test's transaction itself never commits)."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def wijk(db):
    """Brunssum-Noord with area 6441 and the exception 6443AB."""
    wijk = WijkFactory(name="Brunssum-Noord", slug="brunssum-noord", municipality="Brunssum")
    WijkPostcodeFactory(wijk=wijk, code="6441")
    WijkPostcodeFactory(wijk=wijk, code="6443AB")
    return wijk


@pytest.fixture
def other_wijk(db):
    """Beijum in Groningen, area 9733."""
    wijk = WijkFactory(name="Beijum", slug="beijum", municipality="Groningen")
    WijkPostcodeFactory(wijk=wijk, code="9733")
    return wijk


@pytest.fixture
def resident(wijk):
    """A verified resident of `wijk`."""
    return VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number="12").user


@pytest.fixture
def staff(db):
    """Council staff with every scoped role in every wijk and scheme, as all staff were before
    the roles were scoped (without two-factor set up: see `staff_client`)."""
    return make_staff(email="staff@example.org")


@pytest.fixture
def staff_client(client, staff):
    """A logged-in staff member who has set up TOTP."""
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


@pytest.fixture
def editor(db):
    """A web editor: uses the Wagtail admin for pages (with TOTP), is not council staff."""
    user = UserFactory(email="redacteur@example.org")
    group, _ = Group.objects.get_or_create(name="Redacteuren")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def panel_chair(wijk):
    """The active chair of `wijk`'s panel."""
    membership = PanelMembershipFactory(wijk=wijk, is_chair=True)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode="6441AC")
    return membership.member


def pytest_collection_modifyitems(config, items):
    """Concurrency tests need PostgreSQL's row locks; on SQLite they are skipped, not faked."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run `make test-postgres`")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)

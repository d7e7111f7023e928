"""Fixtures of the query-count tests: the cms ones (home page, a wijk page) are reused."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.cms.conftest import home, wijk_page  # noqa: F401 - fixtures, used by name


@pytest.fixture
def totp_client(client):
    """Log a user in as someone who has set up two-factor authentication."""

    def login(user):
        TOTP.activate(user, generate_totp_secret())
        client.force_login(user)
        return client

    return login

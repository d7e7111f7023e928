"""A misconfigured broker is reported by `manage.py check`, not at a resident's login."""

from __future__ import annotations

import copy

from django.test import override_settings

from identity.checks import check_brokers
from tests.identity.conftest import BROKERS


def brokers(**digid):
    configured = copy.deepcopy(BROKERS)
    configured["digid"].update(digid)
    return configured


def test_a_configured_broker_passes():
    with override_settings(IDENTITY_BROKERS=BROKERS):
        assert check_brokers() == []


def test_an_unknown_required_level_or_a_missing_client_id_is_an_error():
    with override_settings(IDENTITY_BROKERS=brokers(min_loa="medium", client_id="")):
        assert sorted(error.id for error in check_brokers()) == [
            "identity.E001",
            "identity.E002",
        ]


def test_a_broker_without_a_server_url_is_not_checked():
    with override_settings(IDENTITY_BROKERS=brokers(server_url=None, min_loa="x")):
        assert check_brokers() == []

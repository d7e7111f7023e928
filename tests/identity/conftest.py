"""A DigiD and an eHerkenning broker configured for the tests, with the broker's network
answers (discovery, token, userinfo) replaced by the claims a test gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.test import override_settings

DIGID = "urn:oasis:names:tc:SAML:2.0:ac:classes:"
MIDDEN = DIGID + "MobileTwoFactorContract"
BASIS = DIGID + "PasswordProtectedTransport"
LOA3 = "urn:etoegang:core:assurance-class:loa3"
BSN = "999993653"
OTHER_BSN = "999991772"

BROKERS = {
    "digid": {
        "name": "DigiD",
        "server_url": "https://broker.example.nl/digid",
        "client_id": "wijkplein",
        "secret": "s",
        "min_loa": "midden",
        "bsn_claim": "bsn",
        "loa_claim": "loa",
    },
    "eherkenning": {
        "name": "eHerkenning",
        "server_url": "https://broker.example.nl/eh",
        "client_id": "wijkplein-eh",
        "secret": "s",
        "min_loa": "loa3",
        "kvk_claim": "kvk",
        "name_claim": "company_name",
        "loa_claim": "loa",
        "service_claim": "services",
        "service_id": "wijkplein-subsidie",
    },
}
PROVIDERS = {
    "openid_connect": {
        "provider_class": "identity.oidc.BrokerProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": broker_id,
                "name": broker["name"],
                "client_id": broker["client_id"],
                "secret": broker["secret"],
                "settings": {"server_url": broker["server_url"], "scope": ["openid"]},
            }
            for broker_id, broker in BROKERS.items()
        ],
    }
}
OPENID_CONFIG = {
    "issuer": "https://broker.example.nl",
    "authorization_endpoint": "https://broker.example.nl/authorize",
    "token_endpoint": "https://broker.example.nl/token",
    "userinfo_endpoint": "https://broker.example.nl/userinfo",
    "jwks_uri": "https://broker.example.nl/jwks",
}


@dataclass
class Broker:
    """Logs a test client in through allauth's real views; the broker says `claims`."""

    client: Any
    token_error: Exception | None = None
    calls: list[str] = field(default_factory=list)

    def start(self, broker: str = "digid", *, process: str = "login") -> str:
        """Press the login button: the state allauth sent to the broker."""
        response = self.client.post(f"/accounts/oidc/{broker}/login/", {"process": process})
        assert response.status_code == 302, response
        return parse_qs(urlsplit(response["Location"]).query)["state"][0]

    def callback(self, broker: str, state: str, claims: dict | None = None, **query: str):
        """The broker sends the person back with a code (or an error in `query`)."""

        def token(*args, **kwargs):
            if self.token_error:
                raise self.token_error
            return {"access_token": "token", "token_type": "Bearer"}

        params = {"state": state, **(query or {"code": "code"})}
        with (
            mock.patch.object(OAuth2Client, "get_access_token", token),
            mock.patch.object(
                OpenIDConnectOAuth2Adapter, "_fetch_user_info", lambda self, t: claims or {}
            ),
        ):
            return self.client.get(f"/accounts/oidc/{broker}/login/callback/", params)

    def log_in(self, broker: str = "digid", claims: dict | None = None, **query: str):
        return self.callback(broker, self.start(broker), claims, **query)


@pytest.fixture
def brokers():
    """DigiD and eHerkenning configured, their discovery document without the network."""
    with (
        override_settings(
            IDENTITY_BROKERS=BROKERS, SOCIALACCOUNT_PROVIDERS=PROVIDERS, BSN_HASH_KEY="test-key"
        ),
        mock.patch.object(
            OpenIDConnectOAuth2Adapter, "openid_config", new_callable=mock.PropertyMock
        ) as config,
    ):
        config.return_value = OPENID_CONFIG
        yield


@pytest.fixture
def broker(brokers, client):
    return Broker(client=client)


def digid_claims(bsn: str = BSN, loa: str = MIDDEN) -> dict:
    return {"sub": "pseudo-" + bsn[-3:], "bsn": bsn, "loa": loa}


def eherkenning_claims(**overrides: Any) -> dict:
    claims = {
        "sub": "employee-1",
        "kvk": "12345678",
        "company_name": "Stichting Buurtkracht",
        "services": ["wijkplein-subsidie"],
        "loa": LOA3,
    }
    claims.update(overrides)
    return claims

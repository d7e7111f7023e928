"""allauth's OpenID Connect provider, reading DigiD and eHerkenning brokers' claims.

Configured as SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]. What allauth
keeps of a login (the SocialAccount's uid and extra_data, the pending sign-up in the
session) is built from `BrokerIdentity` only: a keyed hash instead of the BSN or the
broker's subject, the level of assurance, and for eHerkenning the KVK number.
"""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.http import HttpRequest

from identity import brp
from identity.claims import read_claims
from identity.refusals import LoginRefused, refusal_response

BRP_SESSION_KEY = "identity_brp_address"


class BrokerProvider(OpenIDConnectProvider):
    """One broker (DigiD or eHerkenning): its claims become a hashed identity."""

    # allauth finds the provider's URLs through its package: those of openid_connect.
    package = "allauth.socialaccount.providers.openid_connect"

    def _broker(self) -> dict[str, Any] | None:
        return settings.IDENTITY_BROKERS.get(self.app.provider_id)

    def sociallogin_from_response(self, request: HttpRequest, response: Any):
        broker = self._broker()
        if broker is None:
            return super().sociallogin_from_response(request, response)
        claims = {**(response.get("id_token") or {}), **(response.get("userinfo") or {})}
        try:
            identity, bsn = read_claims(method=self.app.provider_id, broker=broker, claims=claims)
        except LoginRefused as refused:
            raise ImmediateHttpResponse(refusal_response(request, refused)) from None
        request.session.pop(BRP_SESSION_KEY, None)
        if bsn and settings.BRP_ENABLED:
            address = brp.address_for_bsn(bsn=bsn)
            if address is not None:
                request.session[BRP_SESSION_KEY] = address.as_dict()
        return super().sociallogin_from_response(request, {"identity": identity})

    def extract_uid(self, data: Any) -> str:
        if "identity" in data:
            return data["identity"].uid
        return super().extract_uid(data)

    def extract_extra_data(self, data: Any) -> dict:
        if "identity" in data:
            return data["identity"].as_extra_data()
        return super().extract_extra_data(data)

    def extract_common_fields(self, data: Any) -> dict:
        if "identity" in data:
            return {}
        return super().extract_common_fields(data)

    def extract_email_addresses(self, data: Any) -> list:
        if "identity" in data:
            return []
        return super().extract_email_addresses(data)

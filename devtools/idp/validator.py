"""django-oauth-toolkit's validator, giving each test person the broker's claims."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

from devtools.idp.people import PEOPLE


class BrokerClaimsValidator(OAuth2Validator):
    """Puts bsn / kvk / services / company_name and the level of assurance (loa) in the
    ID token and the userinfo, as a DigiD or eHerkenning broker does."""

    # Every claim with the openid scope alone, as the brokers do.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(PEOPLE.get(request.user.get_username(), {}))

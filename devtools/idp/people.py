"""The test people of the demo identity provider, with the claims the broker gives for them.

Every password is `idp-demo`. The BSNs pass the eleven test; they are test numbers, nobody's.
"""

from __future__ import annotations

PASSWORD = "idp-demo"
_DIGID = "urn:oasis:names:tc:SAML:2.0:ac:classes:"
_EH = "urn:etoegang:core:assurance-class:"

PEOPLE: dict[str, dict[str, object]] = {
    # DigiD with the app (midden): accepted.
    "jansen": {"bsn": "999993653", "loa": _DIGID + "MobileTwoFactorContract"},
    # DigiD with a password only (basis): too low for Wijkplein.
    "devries": {"bsn": "999990019", "loa": _DIGID + "PasswordProtectedTransport"},
    # A second DigiD person (midden), for tests that need two.
    "bakker": {"bsn": "999991772", "loa": _DIGID + "Smartcard"},
    # eHerkenning at loa3, authorised for Wijkplein's subsidy service.
    "stichting": {
        "kvk": "12345678",
        "company_name": "Stichting Buurtkracht",
        "services": ["wijkplein-subsidie"],
        "loa": _EH + "loa3",
    },
    # eHerkenning at loa3 without the authorisation for Wijkplein.
    "zondermachtiging": {
        "kvk": "87654321",
        "company_name": "Vereniging Zonder Machtiging",
        "services": ["andere-dienst"],
        "loa": _EH + "loa3",
    },
}

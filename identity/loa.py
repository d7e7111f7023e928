"""Levels of assurance (betrouwbaarheidsniveaus) of DigiD and eHerkenning, in order.

Brokers send either the full value (a SAML authentication context class for DigiD,
urn:etoegang:core:assurance-class:loaN for eHerkenning) or the short name; both are accepted.
"""

from __future__ import annotations

_DIGID = "urn:oasis:names:tc:SAML:2.0:ac:classes:"
DIGID_LEVELS: list[tuple[str, str]] = [
    ("basis", _DIGID + "PasswordProtectedTransport"),
    ("midden", _DIGID + "MobileTwoFactorContract"),
    ("substantieel", _DIGID + "Smartcard"),
    ("hoog", _DIGID + "SmartcardPKI"),
]
_EH = "urn:etoegang:core:assurance-class:"
EHERKENNING_LEVELS: list[tuple[str, str]] = [
    ("loa1", _EH + "loa1"),
    ("loa2", _EH + "loa2"),
    ("loa2plus", _EH + "loa2plus"),
    ("loa3", _EH + "loa3"),
    ("loa4", _EH + "loa4"),
]
LEVELS = {"digid": DIGID_LEVELS, "eherkenning": EHERKENNING_LEVELS}


def rank(*, method: str, level: str | None) -> int | None:
    """The position of `level` among the method's levels (higher is stronger), or None."""
    if not level:
        return None
    for position, (short, full) in enumerate(LEVELS[method]):
        if level.strip() in (short, full):
            return position
    return None


def is_sufficient(*, method: str, level: str | None, required: str) -> bool:
    """Whether `level` is at least the `required` one; an unknown level never is."""
    got, needed = rank(method=method, level=level), rank(method=method, level=required)
    if needed is None:
        raise ValueError(f"Unknown required level of assurance for {method}: {required!r}")
    return got is not None and got >= needed


def short_name(*, method: str, level: str) -> str:
    """The short name of a level (midden, loa3), for records and pages."""
    position = rank(method=method, level=level)
    return level if position is None else LEVELS[method][position][0]

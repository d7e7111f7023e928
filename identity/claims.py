"""What a broker's answer says about the person, checked against the municipality's settings.

The BSN leaves this module only to be hashed or to look up the address in the BRP; it is
never part of what is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from identity import loa
from identity.bsn import bsn_hash, is_valid_bsn, pseudonym_hash
from identity.models import LoginMethod
from identity.refusals import LoginRefused


@dataclass(frozen=True)
class BrokerIdentity:
    """Who logged in, as far as we keep it: a hash for uid, the level, the organisation."""

    method: str
    uid: str
    level: str
    kvk: str = ""
    organisation_name: str = ""

    def as_extra_data(self) -> dict[str, str]:
        data = {"method": self.method, "level": self.level}
        if self.kvk:
            data.update(kvk=self.kvk, organisation_name=self.organisation_name)
        return data


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def read_claims(
    *, method: str, broker: dict[str, Any], claims: dict[str, Any]
) -> tuple[BrokerIdentity, str | None]:
    """The identity in `claims` and, for DigiD, the BSN (for the BRP only); or LoginRefused."""
    name = broker["name"]
    level = _text(claims.get(broker["loa_claim"]))
    if not loa.is_sufficient(method=method, level=level, required=broker["min_loa"]):
        raise LoginRefused("loa_too_low", broker=name)
    short_level = loa.short_name(method=method, level=level)
    if method == LoginMethod.DIGID:
        bsn = _text(claims.get(broker["bsn_claim"]))
        if not is_valid_bsn(bsn):
            raise LoginRefused("no_bsn", broker=name)
        return BrokerIdentity(method=method, uid=bsn_hash(bsn), level=short_level), bsn
    kvk = _text(claims.get(broker["kvk_claim"]))
    if not (len(kvk) == 8 and kvk.isdigit()):
        raise LoginRefused("no_kvk", broker=name)
    services = claims.get(broker["service_claim"]) or []
    if isinstance(services, str):
        services = services.split()
    if broker["service_id"] not in [_text(service) for service in services]:
        raise LoginRefused("no_authorisation", broker=name)
    subject = _text(claims.get("sub"))
    if not subject:
        raise LoginRefused("failed", broker=name)
    identity = BrokerIdentity(
        method=method,
        uid=pseudonym_hash(broker=method, subject=subject),
        level=short_level,
        kvk=kvk,
        organisation_name=_text(claims.get(broker["name_claim"]))[:200] or f"KVK {kvk}",
    )
    return identity, None

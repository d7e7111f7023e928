"""The address of a person from the BRP (Haal Centraal BRP Personen API), behind BRP_ENABLED.

One POST to {BRP_API_URL}/personen with type RaadpleegMetBurgerservicenummer and the
verblijfplaats fields; the API key goes in X-API-KEY. Any failure means "no address": the
login goes on, and residency stays to be verified the other ways (letter code, desk).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import requests
from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class BrpAddress:
    """Where the BRP says the person lives."""

    postcode: str
    house_number: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def address_for_bsn(*, bsn: str) -> BrpAddress | None:
    """The person's residential address in the BRP, or None (not found, no address, error)."""
    url = settings.BRP_API_URL.rstrip("/") + "/personen"
    body = {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": [bsn],
        "fields": ["verblijfplaats.verblijfadres"],
    }
    try:
        response = requests.post(
            url,
            json=body,
            headers={"X-API-KEY": settings.BRP_API_KEY, "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        people = response.json().get("personen") or []
    except (requests.RequestException, ValueError) as error:
        # Never the request body: it holds the BSN.
        logger.warning("BRP lookup failed: %s", type(error).__name__)
        return None
    if not people:
        return None
    address = ((people[0].get("verblijfplaats") or {}).get("verblijfadres")) or {}
    postcode = str(address.get("postcode") or "").replace(" ", "").upper()
    number = str(address.get("huisnummer") or "").strip()
    if not postcode or not number:
        return None
    addition = "".join(
        str(address.get(key) or "").strip() for key in ("huisletter", "huisnummertoevoeging")
    )
    return BrpAddress(postcode=postcode, house_number=f"{number}{addition}")

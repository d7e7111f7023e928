"""The BSN is never stored: only a keyed hash recognises the same person at the next login."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def is_valid_bsn(value: str) -> bool:
    """Nine digits passing the eleven test (elfproef) that every BSN passes."""
    if len(value) != 9 or not value.isdigit():
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0


def bsn_hash(bsn: str) -> str:
    """HMAC-SHA256 of the BSN under BSN_HASH_KEY, as hex (the DigiD account's uid)."""
    key = settings.BSN_HASH_KEY.encode()
    return hmac.new(key, b"bsn:" + bsn.encode(), hashlib.sha256).hexdigest()


def pseudonym_hash(*, broker: str, subject: str) -> str:
    """The same keyed hash for a broker's subject (eHerkenning's pseudonym of the person)."""
    key = settings.BSN_HASH_KEY.encode()
    return hmac.new(key, f"{broker}:{subject}".encode(), hashlib.sha256).hexdigest()

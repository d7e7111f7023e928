"""One-time codes printed on letters (residency, and later voting codes).

A code is 12 characters from an alphabet without look-alikes, printed as
XXXX-XXXX-XXXX. The first four characters are a *selector* stored in plain
text to find the row; the other eight (40 bits) are only stored as an
HMAC-SHA256 with a per-row salt and the site's HASH_SECRET. A database dump
alone therefore does not reveal usable codes, and a guess must hit a live
selector and its verifier, while entry is rate limited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SELECTOR_LENGTH = 4
VERIFIER_LENGTH = 8


@dataclass(frozen=True)
class HashedCode:
    """What is stored of a code: never the code itself."""

    selector: str
    salt: str
    digest: str


def generate_code() -> str:
    """Return a fresh random code in its printed form."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(SELECTOR_LENGTH + VERIFIER_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    """Group a normalised code in blocks of four for printing."""
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_code(text: str) -> str:
    """Uppercase and drop spaces and dashes, as people type codes in many ways."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _digest(salt: str, verifier: str) -> str:
    key = settings.HASH_SECRET.encode()
    return hmac.new(key, f"{salt}:{verifier}".encode(), hashlib.sha256).hexdigest()


def hash_code(code: str) -> HashedCode:
    """Split a code into its selector and a salted, keyed hash of the rest."""
    raw = normalize_code(code)
    salt = secrets.token_hex(16)
    return HashedCode(
        selector=raw[:SELECTOR_LENGTH], salt=salt, digest=_digest(salt, raw[SELECTOR_LENGTH:])
    )


def split_selector(code: str) -> tuple[str, str] | None:
    """Return (selector, verifier) of a typed code, or None when it cannot be one."""
    raw = normalize_code(code)
    if len(raw) != SELECTOR_LENGTH + VERIFIER_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return raw[:SELECTOR_LENGTH], raw[SELECTOR_LENGTH:]


def verify(*, salt: str, digest: str, verifier: str) -> bool:
    """Compare in constant time."""
    return hmac.compare_digest(_digest(salt, verifier), digest)


def keyed_hash(*parts: object) -> str:
    """A stable keyed hash (HMAC-SHA256 with HASH_SECRET), e.g. to key ballots by voter."""
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(settings.HASH_SECRET.encode(), message, hashlib.sha256).hexdigest()

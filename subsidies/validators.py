"""Field checks of the subsidy forms: bank accounts (IBAN) and text without markup."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Length of an IBAN per country (ISO 13616 registry), for the countries residents use.
IBAN_LENGTHS = {
    "NL": 18,
    "BE": 16,
    "DE": 22,
    "LU": 20,
    "FR": 27,
    "ES": 24,
    "IT": 27,
    "AT": 20,
    "GB": 22,
    "IE": 22,
    "PT": 25,
    "PL": 28,
    "DK": 18,
    "SE": 24,
    "FI": 18,
}
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")
# A tag opening or closing (<b>, </script>, <!-- , <?php): letters right after '<'.
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:", re.IGNORECASE)


def normalize_iban(value: str) -> str:
    """Capitals without spaces or dashes: how an IBAN is stored."""
    return re.sub(r"[\s\-.]+", "", value or "").upper()


def iban_is_valid(value: str) -> bool:
    """The ISO 13616 check: move the first four characters to the end, read letters as
    numbers (A=10 ... Z=35), and the result modulo 97 must be 1."""
    iban = normalize_iban(value)
    if not _IBAN_SHAPE.match(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def validate_iban(value: str) -> None:
    """Refuse a bank account number that is not a valid IBAN."""
    if value and not iban_is_valid(value):
        raise ValidationError(
            _(
                "This is not a valid IBAN. Check the number on your bank card or statement, "
                "for example NL91 ABNA 0417 1643 00."
            ),
            code="invalid_iban",
        )


def mask_iban(value: str) -> str:
    """Only the country and the last four characters visible: NL** **** **** **12 34."""
    iban = normalize_iban(value)
    if len(iban) < 8:
        return "–" if not iban else "*" * len(iban)
    masked = iban[:2] + "*" * (len(iban) - 6) + iban[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def validate_no_markup(value: str) -> None:
    """Refuse HTML tags and script links in resident text; it is shown as plain text."""
    if value and _MARKUP.search(str(value)):
        raise ValidationError(
            _("Do not use HTML or script code in this field; write plain text."),
            code="markup",
        )

"""Form fields for amounts in euro, read as people type them in the active language.

Every field where someone types money is an `AmountField`: "1.250" is twelve hundred and fifty
in Dutch, "1.250,50" is 1250.50, and in English "1,250.50" is the same amount. A value that does
not read as an amount ("twaalf", "1,2,3") gets one clear message with an example in the
language of the page, and a typed value is shown again as it was typed.

Why a field of our own and not Django's `localize=True` with `USE_THOUSAND_SEPARATOR`:
- without the setting, Django reads "1.250" on a Dutch page as 1.25 (the dot is not the
  decimal separator, so it is left to `Decimal`, which takes it as one);
- with it, every plain `{{ number }}` in a template is grouped too (years, ids in links,
  data attributes that scripts read: 2026 becomes "2.026"), and the latitude and longitude
  of an initiative ("50.946") would be read as fifty thousand. Amounts on pages already go
  through `plumbing.formatting.euro`, which groups by itself.

How ambiguous input is read (the same rule as Django's `sanitize_separators`, #22171): the
separators of the page's language come first, so in Dutch "1.250" is 1250 and "1.250.000" a
million. When that reading fails, the other language's separators are tried: a single dot
followed by other than three digits ("1.25", "12.5") is a decimal point, as a phone keyboard
or an English habit types it, and "1,250.50" on a Dutch page is 1250.50. A group of
thousands has exactly three digits, so "1.2.3", "1,2,3" or "12.34.56" are refused, never
guessed. "€", spaces and the Dutch ",-" for whole euros ("€ 1.250,-") are allowed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

# Kinds of spaces people (and copy-paste from a bank statement) put inside an amount.
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MINUS = ("-", "\u2212", "\u2013")
# "€ 25,-" or "25,--" (or "25.-"): whole euros, in Dutch price notation.
_WHOLE_EUROS = re.compile(r"[.,]-{1,2}$")
ZERO = Decimal("0")
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\s\d{3})+")


def _read(text: str, decimal_separator: str, thousand_separator: str) -> Decimal | None:
    """`text` (digits and separators, no sign) read with these separators, or None."""
    if text.count(decimal_separator) > 1:
        return None
    whole, has_fraction, fraction = text.partition(decimal_separator)
    if has_fraction and not (fraction.isascii() and fraction.isdigit()):
        return None
    whole = whole.replace(thousand_separator, " ")
    if " " in whole:
        if not _GROUPED.fullmatch(whole):
            return None
        whole = whole.replace(" ", "")
    elif whole and not (whole.isascii() and whole.isdigit()):
        return None
    if not whole and not fraction:
        return None
    return Decimal(f"{whole or '0'}.{fraction}" if fraction else whole)


def parse_amount(value: str) -> Decimal | None:
    """An amount as typed in the active language, or None when it cannot be read."""
    text = _SPACES.sub(" ", value).strip()
    text = text.removeprefix("€").removeprefix("EUR").strip()
    text = _WHOLE_EUROS.sub("", text)
    negative = text.startswith(_MINUS)
    if negative:
        text = text[1:].lstrip()
    text = text.removeprefix("€").strip()
    if not text:
        return None
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    thousand_separator = get_format("THOUSAND_SEPARATOR")
    amount = _read(text, decimal_separator, thousand_separator)
    if amount is None:
        amount = _read(text, thousand_separator, decimal_separator)
    if amount is None:
        return None
    return -amount if negative else amount


class AmountInput(forms.TextInput):
    """A text box for an amount: a phone shows digits and the decimal key; a number box
    (`type=number`) would refuse "1.250,50" in the browser."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        # A stored amount as the page's language writes it (1.250,50); what was typed is
        # shown again as typed.
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return number_format(value, force_grouping=True)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """An amount in euro, read in the active language (see the module docstring).

    Not negative unless `min_value` says otherwise (`min_value=None` allows any amount).
    """

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount in euros, such as %(whole)s or %(cents)s."),
        "max_digits": _("This amount is too large."),
        "max_whole_digits": _("This amount is too large."),
        "max_decimal_places": _("Use at most %(max)s digits after the decimal separator."),
    }

    def __init__(self, *, max_digits=10, decimal_places=2, min_value=ZERO, **kwargs):
        kwargs.pop("localize", None)  # this field always reads the language of the page
        kwargs["min_value"] = min_value
        if min_value == 0:
            # The usual floor of an amount, said plainly (not "greater than or equal to 0").
            kwargs.setdefault("error_messages", {})
            kwargs["error_messages"] = {
                "min_value": _("An amount cannot be negative."),
                **kwargs["error_messages"],
            }
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        amount = parse_amount(str(value))
        if amount is None:
            if not str(value).strip(" €\u00a0"):
                return None
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={
                    "whole": number_format(1250, force_grouping=True),
                    "cents": number_format(Decimal("1250.50"), 2, force_grouping=True),
                },
            )
        return amount

    def widget_attrs(self, widget):
        # No `step`, `min` or `max`: those belong to number boxes, which this is not.
        return forms.Field.widget_attrs(self, widget)

"""How amounts read in Dutch: € 1.234,50."""

from __future__ import annotations

from decimal import Decimal


def euro(amount: Decimal | None) -> str:
    """€ 1.234,50: amounts in messages and reasons, the Dutch way."""
    value = Decimal(amount or 0).quantize(Decimal("0.01"))
    whole, cents = f"{value:,.2f}".split(".")
    return f"€ {whole.replace(',', '.')},{cents}"

"""Money and dates in the active language: Dutch by default, English when chosen."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from plumbing.formatting import euro, long_date


@pytest.mark.parametrize(
    ("amount", "dutch", "english"),
    [
        (Decimal("1200"), "€ 1.200,00", "€1,200.00"),
        (Decimal("1234567.5"), "€ 1.234.567,50", "€1,234,567.50"),
        (Decimal("999.99"), "€ 999,99", "€999.99"),
        (0, "€ 0,00", "€0.00"),
        (Decimal("-1234.5"), "€ -1.234,50", "-€1,234.50"),
        (Decimal("-0.001"), "€ 0,00", "€0.00"),  # rounds to nothing: no minus sign
        (Decimal("2.005"), "€ 2,01", "€2.01"),  # half a cent rounds up, as on a bill
        (12.5, "€ 12,50", "€12.50"),
        ("300", "€ 300,00", "€300.00"),
    ],
)
def test_an_amount_reads_as_each_language_writes_it(amount, dutch, english):
    with translation.override("nl"):
        assert euro(amount) == dutch
    with translation.override("en"):
        assert euro(amount) == english


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_amount_is_a_dash(language):
    with translation.override(language):
        assert euro(None) == "–"
        assert euro("") == "–"


def test_the_template_filter_is_the_same_function():
    template = Template("{% load formatting %}{{ amount|euro }} / {{ missing|euro }}")
    with translation.override("nl"):
        assert template.render(Context({"amount": Decimal("15000")})) == "€ 15.000,00 / –"
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("15000")})) == "€15,000.00 / –"


def test_a_day_in_a_sentence():
    day = datetime.date(2026, 4, 1)
    with translation.override("nl"):
        assert long_date(day) == "1 april 2026"
    with translation.override("en"):
        assert long_date(day) == "1 April 2026"

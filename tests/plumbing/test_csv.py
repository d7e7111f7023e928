"""The spreadsheet CSV: Dutch Excel reads it, and no cell runs as a formula."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest

from plumbing.csv import BOM, cell, spreadsheet_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Buurtfeest", "Buurtfeest"),
        ("Kosten: € 300,-", "Kosten: € 300,-"),
        (-3, "-3"),  # a negative number is a number, not a formula
        (Decimal("-12.50"), "-12,50"),
    ],
)
def test_cells_that_could_start_a_formula_are_neutralised(value, expected):
    assert cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.50"), "1234,50"),  # a decimal comma and no thousands separator
        (Decimal("1E+3"), "1000"),  # never scientific notation
        (34.5, "34,5"),
        (1250, "1250"),
        (None, ""),
        (datetime.date(2026, 3, 31), "2026-03-31"),
    ],
)
def test_numbers_and_dates_as_dutch_excel_reads_them(value, expected):
    assert cell(value) == expected


def test_a_moment_is_written_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)
    assert cell(moment) == "2026-04-01 00:30"


def test_fields_are_separated_by_semicolons_with_a_byte_order_mark():
    text = spreadsheet_csv([["Wijk", "Bedrag"], ["Oost; west", Decimal("12.50")], ["=1+1", 3]])

    assert text.startswith(BOM)
    assert text[1:].split("\r\n") == ["Wijk;Bedrag", '"Oost; west";12,50', "'=1+1;3", ""]
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Wijk", "Bedrag"], ["Oost; west", "12,50"], ["'=1+1", "3"]]

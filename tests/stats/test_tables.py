"""The cells as shown: small figures hidden, zero and five shown, the kind kept."""

from __future__ import annotations

from stats.tables import Cell, cell


def test_small_counts_are_hidden_but_zero_and_five_are_shown():
    assert cell(0, protect=True).value == 0
    assert cell(4, protect=True).suppressed
    assert cell(5, protect=True).value == 5
    assert cell(4, protect=False).value == 4


def test_money_is_hidden_when_it_rests_on_few_applications():
    assert cell(12500, kind="money", basis=3, protect=True).suppressed
    assert cell(12500, kind="money", basis=6, protect=True).value == 12500


def test_a_suppressed_cell_keeps_its_kind():
    assert Cell(None, "money", suppressed=True).kind == "money"

"""The suppression rule on its own: small figures hidden, and nothing to work them out from."""

from __future__ import annotations

from stats.tables import Cell, _protect_columns, cell


def test_small_counts_are_hidden_but_zero_and_five_are_shown():
    assert cell(0, protect=True).value == 0
    assert cell(4, protect=True).suppressed
    assert cell(5, protect=True).value == 5
    assert cell(4, protect=False).value == 4


def test_money_is_hidden_when_it_rests_on_few_applications():
    assert cell(12500, kind="money", basis=3, protect=True).suppressed
    assert cell(12500, kind="money", basis=6, protect=True).value == 12500


def _column(values: dict[str, int]):
    rows = {key: [cell(value, protect=True)] for key, value in values.items()}
    bases = {key: [value] for key, value in values.items()}
    total = [cell(sum(values.values()), protect=True)]
    _protect_columns(rows, total, bases)
    return {key: cells[0] for key, cells in rows.items()}, total[0]


def test_one_hidden_wijk_hides_the_next_smallest_as_well():
    rows, total = _column({"a": 30, "b": 2, "c": 9, "d": 12})
    assert rows["b"].suppressed and not rows["b"].secondary
    assert rows["c"].secondary
    assert rows["a"].value == 30 and rows["d"].value == 12
    assert total.value == 53


def test_two_small_wijken_that_add_up_to_five_protect_each_other():
    rows, total = _column({"a": 30, "b": 2, "c": 3})
    assert rows["b"].suppressed and rows["c"].suppressed
    assert not rows["b"].secondary and not rows["c"].secondary
    assert rows["a"].value == 30


def test_without_another_wijk_to_hide_the_total_is_hidden():
    rows, total = _column({"a": 0, "b": 2, "c": 0})
    # The total is 2 and so hidden by the rule itself; nothing else to do.
    assert total.suppressed
    assert rows["a"].value == 0


def test_zero_figures_are_never_hidden_to_protect_another():
    rows, total = _column({"a": 0, "b": 3, "c": 40})
    assert rows["a"].value == 0
    assert rows["c"].secondary
    assert total.value == 43


def test_a_suppressed_cell_keeps_its_kind():
    assert Cell(None, "money", suppressed=True).kind == "money"

"""The suppression rule on its own: small figures hidden, and nothing to work them out from."""

from __future__ import annotations

import itertools
from fractions import Fraction

from stats.suppression import Line, is_small, suppress


def _column(values: dict[str, int]):
    """One column of wijken with the total of all wijken under it."""
    bases = {**values, "total": sum(values.values())}
    decision = suppress(bases=bases, lines=[Line(tuple(values), "total")])
    return decision, decision.hidden


def test_one_hidden_wijk_hides_the_next_smallest_as_well():
    decision, hidden = _column({"a": 30, "b": 2, "c": 9, "d": 12})
    assert decision.primary == {"b"}
    assert decision.secondary == {"c"}
    assert "a" not in hidden and "d" not in hidden and "total" not in hidden


def test_two_small_wijken_that_add_up_to_five_protect_each_other():
    decision, hidden = _column({"a": 30, "b": 2, "c": 3})
    assert decision.primary == {"b", "c"}
    assert not decision.secondary


def test_without_another_wijk_to_hide_the_total_is_hidden():
    decision, hidden = _column({"a": 0, "b": 2, "c": 0})
    # The total is 2 and so hidden by the rule itself; nothing else to do.
    assert hidden == {"b", "total"}
    assert not decision.secondary


def test_zero_figures_are_never_hidden_to_protect_another():
    decision, hidden = _column({"a": 0, "b": 3, "c": 40})
    assert decision.secondary == {"c"}
    assert "a" not in hidden and "total" not in hidden


def _grid(table: dict[str, list[int]]):
    """Wijken by months, linked to the overview's months: the shape of the pages."""
    months = range(len(next(iter(table.values()))))
    bases = {(w, m): values[m] for w, values in table.items() for m in months}
    bases |= {("all", m): sum(values[m] for values in table.values()) for m in months}
    lines = [Line(tuple((w, m) for m in months)) for w in table]
    lines += [Line(tuple((w, m) for w in table), ("all", m)) for m in months]
    lines.append(Line(tuple(("all", m) for m in months)))
    return bases, lines, suppress(bases=bases, lines=lines)


def _worked_out(lines, hidden) -> set:
    """The hidden cells an outsider can compute exactly from every published sum.

    The audit a statistical office runs: each line is an equation over its hidden
    cells (row and overall totals count as published); a hidden cell is known when
    the reduced equations pin it down alone.
    """
    unknowns = sorted(hidden, key=str)
    equations = []
    for line in lines:
        signs = dict.fromkeys(line.parts, 1)
        if line.total is not None:
            signs[line.total] = -1
        equations.append([Fraction(signs.get(key, 0)) for key in unknowns])
    solved = []
    for column in range(len(unknowns)):
        pivot = next((row for row in equations if row[column] != 0), None)
        if pivot is None:
            continue
        equations.remove(pivot)
        pivot = [value / pivot[column] for value in pivot]
        equations = [
            [a - row[column] * b for a, b in zip(row, pivot, strict=True)] for row in equations
        ]
        solved = [[a - row[column] * b for a, b in zip(row, pivot, strict=True)] for row in solved]
        solved.append(pivot)
    return {unknowns[row.index(1)] for row in solved if sum(1 for value in row if value != 0) == 1}


def test_a_hidden_month_hides_another_wijks_month_when_the_others_are_large():
    bases, lines, decision = _grid({"a": [10, 4, 8], "b": [20, 30, 25], "c": [15, 12, 18]})
    assert decision.primary == {("a", 1)}
    # The overview's month minus b and c would give a's month: c's (the smaller) goes too.
    assert ("c", 1) in decision.secondary and ("b", 1) not in decision.hidden
    assert ("all", 1) not in decision.hidden
    # And a's month minus its other months: a's smallest other month goes too.
    assert ("a", 2) in decision.secondary
    assert not _worked_out(lines, decision.hidden)


def test_with_two_wijken_the_other_wijk_hides_the_same_month():
    bases, lines, decision = _grid({"a": [10, 4, 8], "b": [20, 30, 25]})
    assert {("a", 1), ("b", 1)} <= decision.hidden
    assert not _worked_out(lines, decision.hidden)


def test_when_the_other_wijk_has_only_that_month_the_overview_hides_it():
    # b's month is all b has, so b's total would give it away: the overview's month goes.
    bases, lines, decision = _grid({"a": [10, 4, 8], "b": [0, 30, 0]})
    assert ("all", 1) in decision.hidden
    assert not _worked_out(lines, decision.hidden) & decision.primary


def test_cells_hidden_in_other_lines_are_combined_too():
    # Each line on its own has two hidden cells, but a's and c's hidden months are all
    # they have, so their totals give them away, and with them b's small month.
    bases, lines, decision = _grid({"a": [30, 0], "b": [8, 3], "c": [0, 12]})
    assert {("b", 1), ("b", 0), ("a", 0), ("c", 1)} <= decision.hidden
    assert ("all", 0) in decision.hidden and ("all", 1) in decision.hidden
    assert not _worked_out(lines, decision.hidden) & decision.primary


def test_many_tables_leave_no_small_cell_to_be_worked_out():
    values = itertools.cycle([0, 1, 3, 7, 12, 2, 0, 25, 4, 9, 60, 5, 0, 2, 15, 30, 0, 8])
    for wijken, months in itertools.product(range(2, 7), range(2, 6)):
        table = {f"w{w}": [next(values) for _m in range(months)] for w in range(wijken)}
        bases, lines, decision = _grid(table)
        # A row or overall total that is itself small is hidden where it is shown.
        published = [
            line
            for line in lines
            if line.total is not None or not is_small(sum(bases[key] for key in line.parts))
        ]
        worked_out = _worked_out(published, decision.hidden) & decision.primary
        # What is left rests on the totals of the wijken (their own table protects those).
        assert worked_out <= decision.exposed, table

"""Vote counting for wijkbudget rounds: pure Python, exact arithmetic, no Django.

`tally(election=..., rule=...)` counts an `Election` (read from Pabulib .pb text with `parse_pb` or
built from ballots) with one of `RULES` and returns the funded project ids in selection order.
"""

from budget.tally.counting import (
    RULES,
    OutcomeFigures,
    UnknownRuleError,
    compare_rules,
    outcome_figures,
    tally,
)
from budget.tally.election import Election, ElectionError, project_id_key
from budget.tally.pabulib import PabulibError, parse_pb, read_pb, write_pb

__all__ = [
    "RULES",
    "Election",
    "ElectionError",
    "OutcomeFigures",
    "PabulibError",
    "UnknownRuleError",
    "compare_rules",
    "outcome_figures",
    "parse_pb",
    "project_id_key",
    "read_pb",
    "tally",
    "write_pb",
]

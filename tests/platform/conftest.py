"""Fixtures borrowed from the apps' tests: a wijkbudget round in its voting phase (metrics)
and a subsidy draft with its applicant (object storage)."""

from tests.budget.conftest import projects, voting_round  # noqa: F401
from tests.subsidies.conftest import applicant, draft, scheme  # noqa: F401

"""The wijkbudget fixtures (a round in its voting phase), for the metrics tests."""

from tests.budget.conftest import projects, voting_round  # noqa: F401

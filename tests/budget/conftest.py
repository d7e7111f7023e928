"""Fixtures of the wijkbudget tests: a round in its voting phase with three projects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import PanelMembershipFactory, VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory


@pytest.fixture
def voting_round(wijk):
    """Approval round (1 to 2 projects), budget 10,000, three eligible projects."""
    budget_round = RoundFactory(wijk=wijk, phase="voting", min_choices=1, max_choices=2)
    ProjectFactory(round=budget_round, title="Speeltuin", cost=Decimal("6000"))
    ProjectFactory(round=budget_round, title="Bankjes", cost=Decimal("3000"))
    ProjectFactory(round=budget_round, title="Moestuin", cost=Decimal("2000"))
    return budget_round


@pytest.fixture
def projects(voting_round):
    """The projects of `voting_round` by title."""
    return {project.title: project for project in voting_round.projects.all()}


@pytest.fixture
def other_resident(other_wijk):
    """A verified resident of another wijk."""
    return VerifiedProfileFactory(wijk=other_wijk, postcode="9733AA", house_number="1").user


@pytest.fixture
def panel_member(wijk):
    """An active wijkpanel member (not the chair) who lives in the wijk."""
    membership = PanelMembershipFactory(wijk=wijk)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode="6441AD")
    return membership.member


@pytest.fixture
def colleague(db):
    """A second council staff member (for the four-eyes check)."""
    from tests.factories import make_staff

    return make_staff(email="colleague@example.org")


def make_residents(wijk, n: int, start: int = 100):
    """n verified residents of the wijk."""
    return [
        VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number=str(start + i)).user
        for i in range(n)
    ]

"""Fixtures for the initiative tests: every kind of user, and initiatives in each status."""

from __future__ import annotations

import pytest

from initiatives.models import InitiativeStatus
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory
from tests.factories.initiatives import InitiativeFactory


@pytest.fixture
def initiative(wijk):
    """A concept initiative in `wijk`; its creator is the initiator."""
    return InitiativeFactory(wijk=wijk)


@pytest.fixture
def initiator(initiative):
    return initiative.created_by


@pytest.fixture
def make_initiative(wijk):
    """An initiative in `wijk` in the given status."""

    def make(status=InitiativeStatus.CONCEPT, **kwargs):
        return InitiativeFactory(wijk=wijk, status=status, **kwargs)

    return make


@pytest.fixture
def outsider(other_wijk):
    """A verified resident of another wijk."""
    return VerifiedProfileFactory(wijk=other_wijk, postcode="9733AB").user


@pytest.fixture
def panel_member(wijk):
    """An active (non-chair) member of `wijk`'s panel."""
    membership = PanelMembershipFactory(wijk=wijk)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode="6441AD")
    return membership.member

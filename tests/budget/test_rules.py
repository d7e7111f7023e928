"""Who may do what in each phase of a round (dates moved with time_machine)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from budget.models import PHASE_ORDER
from tests.factories.budget import RoundFactory, phase_dates

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "other_resident", "panel_member", "panel_chair", "staff"]
# perm -> {role: phases in which the role has it}
EXPECTED = {
    "budget.view_round": {role: set(PHASE_ORDER) for role in ROLES},
    "budget.propose_project": {
        "resident": {"proposals"},
        "panel_member": {"proposals"},
        "panel_chair": {"proposals"},
    },
    "budget.vote": {
        "resident": {"voting"},
        "panel_member": {"voting"},
        "panel_chair": {"voting"},
    },
    # On the voter register: a paper form may be entered against them, in any phase (the
    # service allows entry from the start of voting, also for forms handed in on time).
    "budget.vote_on_paper": {
        "resident": set(PHASE_ORDER),
        "panel_member": set(PHASE_ORDER),
        "panel_chair": set(PHASE_ORDER),
    },
    "budget.manage_round": {"staff": set(PHASE_ORDER)},
    "budget.decide_project": {"staff": set(PHASE_ORDER)},
    "budget.enter_paper_ballot": {"staff": {"voting", "results", "realisation"}},
    "budget.count_round": {"staff": {"results", "realisation"}},
    "budget.publish_result": {"staff": {"results", "realisation"}},
    "budget.view_result": {"staff": set(PHASE_ORDER)},
}


@pytest.fixture
def people(resident, other_resident, panel_member, panel_chair, staff):
    return {
        "anonymous": AnonymousUser(),
        "resident": resident,
        "other_resident": other_resident,
        "panel_member": panel_member,
        "panel_chair": panel_chair,
        "staff": staff,
    }


def _moment(budget_round, phase):
    """A moment in the middle of `phase` for this round's fixed dates."""
    fixed = phase_dates("upcoming", now=datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC))
    names = ["proposals_start", "review_start", "voting_start", "voting_end", "realisation_start"]
    index = PHASE_ORDER.index(phase)
    if index == 0:
        return fixed["proposals_start"] - datetime.timedelta(hours=1)
    return fixed[names[index - 1]] + datetime.timedelta(hours=1)


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_each_role_in_each_phase(perm, people, wijk):
    fixed = phase_dates("upcoming", now=datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC))
    budget_round = RoundFactory(wijk=wijk, **fixed)
    for phase in PHASE_ORDER:
        with time_machine.travel(_moment(budget_round, phase), tick=False):
            assert budget_round.phase == phase
            for role, user in people.items():
                expected = phase in EXPECTED[perm].get(role, set())
                assert user.has_perm(perm, budget_round) is expected, (perm, phase, role)


def test_the_minimum_age_keeps_young_residents_from_voting(resident, wijk):
    budget_round = RoundFactory(wijk=wijk, min_age=16)
    profile = resident.profile
    profile.birth_year = budget_round.voting_end.year - 15
    profile.save()
    assert not resident.has_perm("budget.vote", budget_round)
    profile.birth_year -= 1
    profile.save()
    fresh = type(resident).objects.get(pk=resident.pk)
    assert fresh.has_perm("budget.vote", budget_round)


def test_rehearsal_rounds_and_unpublished_results_stay_with_staff(resident, staff, wijk):
    rehearsal = RoundFactory(wijk=wijk, is_rehearsal=True, phase="results")
    assert not resident.has_perm("budget.view_round", rehearsal)
    assert staff.has_perm("budget.view_round", rehearsal)
    assert not AnonymousUser().has_perm("budget.view_result", RoundFactory(phase="results"))

"""Permissions of the wijkbudget, per role and per phase (django-rules).

Rules take a Round or a Project; a Project's round decides the phase.

Staff rights are the budget officer's (council staff in the "Budgetbeheerders" group with a
BudgetOfficer row for the round's wijk): run rounds, decide projects, enter and confirm paper
ballots, count and publish. Without an object (the list of rounds, a new round) the role
suffices; `selectors.rounds_for_staff(user=...)` then lists only their wijken.
"""

from __future__ import annotations

import rules

from budget.models import BudgetOfficer, Phase, Project, ProjectStatus, Round, RoundStatus
from core.roles import BUDGET_OFFICERS
from core.rules import (
    has_role,
    is_functional_admin,
    is_panel_chair_of_wijk,
    is_panel_member_of_wijk,
    is_resident_of_wijk,
    is_verified_resident_of_wijk,
    wijk_of,
)


def _round_of(obj) -> Round | None:
    if isinstance(obj, Round):
        return obj
    if isinstance(obj, Project):
        return obj.round
    return getattr(obj, "round", None)


@rules.predicate
def is_budget_officer(user, obj=None) -> bool:
    """A budget officer of the wijk of the round, project or wijk; without an object, anyone
    with the role (a list then shows only their own wijken)."""
    if not has_role(user, BUDGET_OFFICERS):
        return False
    rows = BudgetOfficer.objects.filter(user=user)
    if obj is None:
        return True
    wijk = wijk_of(obj)
    return wijk is not None and rows.filter(wijk=wijk).exists()


def _in_phase(*phases: str):
    @rules.predicate(name=f"in_phase_{'_'.join(phases)}")
    def predicate(user, obj=None) -> bool:
        budget_round = _round_of(obj)
        return budget_round is not None and budget_round.phase in phases

    return predicate


in_proposals_phase = _in_phase(Phase.PROPOSALS)
in_voting_phase = _in_phase(Phase.VOTING)
voting_closed = _in_phase(Phase.RESULTS, Phase.REALISATION)


@rules.predicate
def is_published_round(user, obj=None) -> bool:
    """Staff have published the round (a new round is a draft only staff see)."""
    budget_round = _round_of(obj)
    return budget_round is not None and budget_round.status == RoundStatus.PUBLISHED


@rules.predicate
def is_rehearsal_round(user, obj=None) -> bool:
    """A rehearsal loaded from a .pb file: never public."""
    budget_round = _round_of(obj)
    return budget_round is not None and budget_round.is_rehearsal


# Published rounds are public, except rehearsals loaded from a .pb file.
is_public_round = is_published_round & ~is_rehearsal_round


@rules.predicate
def publication_asked_by_someone_else(user, obj=None) -> bool:
    """The round's result waits for publication, asked for by another staff member."""
    budget_round = _round_of(obj)
    result = getattr(budget_round, "result", None) if budget_round else None
    return (
        result is not None
        and result.is_publication_requested
        and result.publication_requested_by_id != user.pk
    )


@rules.predicate
def meets_minimum_age(user, obj=None) -> bool:
    """Old enough in the year voting closes, when the round has a minimum age."""
    budget_round = _round_of(obj)
    if budget_round is None:
        return False
    if budget_round.min_age is None:
        return True
    profile = getattr(user, "profile", None)
    age = profile.age_in(budget_round.voting_end.year) if profile else None
    return age is not None and age >= budget_round.min_age


@rules.predicate
def results_published(user, obj=None) -> bool:
    """The round's result has been published by staff."""
    budget_round = _round_of(obj)
    result = getattr(budget_round, "result", None) if budget_round else None
    return result is not None and result.published_at is not None


@rules.predicate
def is_proposer(user, obj=None) -> bool:
    """The resident who proposed this project."""
    return isinstance(obj, Project) and user.is_authenticated and obj.proposed_by_id == user.pk


@rules.predicate
def project_is_public(user, obj=None) -> bool:
    """Submitted projects are public, except withdrawn ones."""
    return isinstance(obj, Project) and obj.status != ProjectStatus.WITHDRAWN


is_eligible_voter = is_verified_resident_of_wijk & meets_minimum_age

rules.add_perm("budget.view_round", is_public_round | is_budget_officer)
rules.add_perm("budget.manage_round", is_budget_officer)
rules.add_perm("budget.publish_round", is_budget_officer & ~is_rehearsal_round)
# The service refuses a round that has ballots, paper ballots or a count.
rules.add_perm("budget.delete_round", is_budget_officer)
rules.add_perm(
    "budget.propose_project", is_resident_of_wijk & in_proposals_phase & is_published_round
)
rules.add_perm(
    "budget.view_project", (is_public_round & project_is_public) | is_proposer | is_budget_officer
)
rules.add_perm("budget.withdraw_project", is_proposer & in_proposals_phase)
rules.add_perm("budget.review_project", is_budget_officer)
# The chair concludes a review by writing the advice; staff may proceed without it.
rules.add_perm("budget.conclude_project_review", is_panel_chair_of_wijk | is_budget_officer)
rules.add_perm("budget.decide_project", is_budget_officer)
# Drafts: nobody votes in them (their ballot pages are not found either, see
# budget/views/common.py), and staff enter no paper ballots in them (below).
rules.add_perm("budget.vote", is_eligible_voter & is_published_round & in_voting_phase)
# On the voter register of the round: a paper form may be entered against this resident
# (also after voting closed, for forms handed in on time).
rules.add_perm("budget.vote_on_paper", is_eligible_voter)
rules.add_perm(
    "budget.enter_paper_ballot",
    is_budget_officer & is_published_round & (in_voting_phase | voting_closed),
)
rules.add_perm("budget.count_round", is_budget_officer & is_published_round & voting_closed)
# Four eyes: one staff member asks to publish the counted result, another confirms it
# (or sends it back); the service and the database refuse one person doing both.
rules.add_perm("budget.publish_result", is_budget_officer & is_published_round & voting_closed)
rules.add_perm(
    "budget.confirm_result_publication",
    is_budget_officer & is_published_round & voting_closed & publication_asked_by_someone_else,
)
rules.add_perm("budget.view_result", (is_public_round & results_published) | is_budget_officer)
rules.add_perm("budget.update_project_progress", is_budget_officer)
rules.add_perm("budget.import_pb", is_budget_officer)
# Panel members see proposals in review in their wijk (the review app shows the details).
rules.add_perm("budget.view_proposals_in_review", is_panel_member_of_wijk | is_budget_officer)
# The review app's staff actions on a project's review (review/rules.py, act_on_review).
rules.add_perm("budget.act_on_review", is_budget_officer)
# Who runs the rounds of which wijk is the functional administrator's to say.
for _action in ("add", "change", "delete", "view"):
    rules.add_perm(f"budget.{_action}_budgetofficer", is_functional_admin)

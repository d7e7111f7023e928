"""Who may do what with resident initiatives (django-rules).

Support and volunteering are for verified residents of the initiative's wijk;
the initiators are the InitiativeMember rows; the wijkcoördinatoren of the initiative's
wijk decide and moderate (core.rules.is_wijk_coordinator: without an object, the role in
any wijk, and `selectors.initiatives_for_staff(user=...)` lists only their wijken).
"""

from __future__ import annotations

import rules

from core.rules import (
    is_panel_member_of_wijk,
    is_verified_resident_of_wijk,
    is_wijk_coordinator,
)
from initiatives.models import Initiative, InitiativeStatus

_FINAL = (InitiativeStatus.REJECTED, InitiativeStatus.COMPLETED, InitiativeStatus.WITHDRAWN)
_WITH_UPDATES = (
    InitiativeStatus.PUBLISHED,
    InitiativeStatus.IN_PROGRESS,
    InitiativeStatus.COMPLETED,
)
_BEFORE_THE_PANEL = (InitiativeStatus.SUBMITTED, InitiativeStatus.IN_REVIEW)


@rules.predicate
def is_initiator(user, initiative: Initiative | None) -> bool:
    """The initiator or an accepted co-initiator of the initiative."""
    if initiative is None or not user.is_authenticated:
        return False
    cache = getattr(initiative, "_member_ids", None)
    if cache is None:
        cache = set(initiative.members.values_list("user_id", flat=True))
        initiative._member_ids = cache
    return user.pk in cache


@rules.predicate
def is_public_initiative(user, initiative: Initiative | None) -> bool:
    """An initiative anyone may see: a public status and not hidden."""
    return initiative is not None and initiative.is_public


@rules.predicate
def is_open_initiative(user, initiative: Initiative | None) -> bool:
    """Published or in progress and not hidden: open to support and volunteers."""
    return initiative is not None and initiative.is_open


@rules.predicate
def is_concept(user, initiative: Initiative | None) -> bool:
    """Still a draft."""
    return initiative is not None and initiative.status == InitiativeStatus.CONCEPT


@rules.predicate
def is_hidden(user, initiative: Initiative | None) -> bool:
    """Hidden by moderation."""
    return initiative is not None and initiative.hidden


@rules.predicate
def is_before_the_panel(user, initiative: Initiative | None) -> bool:
    """Submitted or in review: the wijkpanel may read it."""
    return initiative is not None and initiative.status in _BEFORE_THE_PANEL


@rules.predicate
def is_not_final(user, initiative: Initiative | None) -> bool:
    """Not rejected, completed or withdrawn."""
    return initiative is not None and initiative.status not in _FINAL


@rules.predicate
def has_updates_phase(user, initiative: Initiative | None) -> bool:
    """Published, in progress or completed: progress updates make sense."""
    return initiative is not None and initiative.status in _WITH_UPDATES


@rules.predicate
def needs_volunteers(user, initiative: Initiative | None) -> bool:
    """The initiators asked for volunteers."""
    return initiative is not None and initiative.needs_volunteers


rules.add_perm("initiatives.add_initiative", is_verified_resident_of_wijk)
rules.add_perm(
    "initiatives.view_initiative",
    is_public_initiative
    | is_initiator
    | is_wijk_coordinator
    | (is_panel_member_of_wijk & is_before_the_panel),
)
rules.add_perm("initiatives.change_initiative", is_initiator & is_concept)
rules.add_perm("initiatives.submit_initiative", is_initiator & ~is_hidden)
rules.add_perm("initiatives.decide_initiative", is_wijk_coordinator)
rules.add_perm("initiatives.run_initiative", is_initiator & ~is_hidden)
rules.add_perm("initiatives.withdraw_initiative", is_initiator)
rules.add_perm("initiatives.view_full_history", is_initiator | is_wijk_coordinator)
rules.add_perm("initiatives.support_initiative", is_verified_resident_of_wijk & is_open_initiative)
rules.add_perm(
    "initiatives.volunteer_initiative",
    is_verified_resident_of_wijk & is_open_initiative & needs_volunteers,
)
rules.add_perm("initiatives.view_volunteers", is_initiator | is_wijk_coordinator)
rules.add_perm("initiatives.invite_co_initiator", is_initiator & is_not_final)
rules.add_perm("initiatives.post_update", is_initiator & has_updates_phase & ~is_hidden)
rules.add_perm("initiatives.report_content", rules.is_authenticated & is_public_initiative)
rules.add_perm("initiatives.moderate", is_wijk_coordinator)
# The review app's staff actions on an initiative's review (review/rules.py, act_on_review).
rules.add_perm("initiatives.act_on_review", is_wijk_coordinator)

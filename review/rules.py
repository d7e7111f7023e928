"""Permissions of wijkpanel reviews.

Panel rights hold only during a member's term (core's `is_panel_member_of_wijk`).
A member who declared a conflict of interest is recused: no scores, no view of
the others' reviews or of the advice until it is public. A member sees the
others' reviews only after submitting their own (or once the advice is written).
"""

from __future__ import annotations

import rules
from django.utils import timezone

from core.models import PanelMembership
from core.rules import is_council_staff, is_panel_chair_of_wijk, is_panel_member_of_wijk
from review import registry
from review.models import MemberReview, Review
from review.selectors import advice_is_public


def _own(user, review: Review | None) -> MemberReview | None:
    """The user's own member review of this review (cached on the review object)."""
    if review is None or not user.is_authenticated:
        return None
    cache = review.__dict__.setdefault("_own_member_reviews", {})
    if user.pk not in cache:
        cache[user.pk] = MemberReview.objects.filter(review=review, member=user).first()
    return cache[user.pk]


@rules.predicate
def is_active_panel_member(user) -> bool:
    """A member of any wijkpanel whose term includes today."""
    if not user.is_authenticated:
        return False
    return PanelMembership.objects.active_on(timezone.localdate()).filter(member=user).exists()


@rules.predicate
def is_recused(user, review=None) -> bool:
    """The user declared a conflict of interest for this review."""
    own = _own(user, review)
    return own is not None and own.has_conflict


@rules.predicate
def has_declared_no_conflict(user, review=None) -> bool:
    """The user declared that they have no conflict of interest for this review."""
    own = _own(user, review)
    return own is not None and not own.has_conflict


@rules.predicate
def has_submitted_own_review(user, review=None) -> bool:
    """The user submitted their own review of this review."""
    own = _own(user, review)
    return own is not None and own.is_submitted


@rules.predicate
def review_is_open(user, review=None) -> bool:
    """The panel is still reviewing (no advice and staff did not proceed without it)."""
    return review is not None and review.is_open


@rules.predicate
def review_is_concluded(user, review=None) -> bool:
    """The advice is written, or staff proceeded without it."""
    return review is not None and not review.is_open


@rules.predicate
def review_advice_is_public(user, review=None) -> bool:
    """Staff decided on the subject, so the panel's advice is public."""
    return review is not None and advice_is_public(review=review)


@rules.predicate
def may_cancel_for_subject(user, review=None) -> bool:
    """The subject's app lets this user end the review (e.g. an initiator who withdraws)."""
    if review is None or not user.is_authenticated:
        return False
    kind = registry.kind_for(review.content_type.model_class())
    subject = review.subject
    return kind is not None and subject is not None and bool(kind.may_cancel(user, subject))


panel_member = is_panel_member_of_wijk
not_recused_member = panel_member & ~is_recused

rules.add_perm("review.view_dashboard", is_active_panel_member)
rules.add_perm("review.view_overview", is_council_staff)
rules.add_perm("review.view_review", is_council_staff | panel_member)
rules.add_perm("review.view_history", is_council_staff)
rules.add_perm("review.declare", panel_member & review_is_open & ~is_recused)
rules.add_perm(
    "review.submit_member_review", has_declared_no_conflict & panel_member & review_is_open
)
rules.add_perm(
    "review.view_member_reviews",
    is_council_staff
    | (not_recused_member & (has_submitted_own_review | review_is_concluded))
    | (panel_member & review_advice_is_public),
)
rules.add_perm(
    "review.view_advice",
    is_council_staff
    | (not_recused_member & review_is_concluded)
    | (panel_member & review_advice_is_public),
)
rules.add_perm("review.write_advice", is_panel_chair_of_wijk & ~is_recused & review_is_open)
rules.add_perm("review.proceed_without_advice", is_council_staff)
rules.add_perm("review.record_decision", is_council_staff)
rules.add_perm("review.cancel", is_council_staff | may_cancel_for_subject)
rules.add_perm("review.manage_panel", is_council_staff)

"""Permissions of wijkpanel reviews.

Panel rights hold only during a member's term (core's `is_panel_member_of_wijk`).
A member who declared a conflict of interest, or who has a stake in the subject (its
initiator, applicant, a supporter or volunteer: recused automatically), is recused: no
scores, no view of the others' reviews or of the advice until it is public. Everyone on
the panel, the chair too, sees the others' reviews only after submitting their own (or
once the advice is written); staff who hold a seat in the panel are members here.
The advice is written by whoever chairs this review (selectors.review_panel: the chair,
else the vice-chair, or a substitute staff named) after declaring no conflict.
When a review is assigned to some members, only they (and whoever chairs) review it.
What is reviewed (the subject's description and its files) is for staff and the members
who are not recused; its files only while the review is open.

Staff rights on a review ("staff" below) are scoped: the wijkcoördinatoren of the review's
wijk, and whoever acts on its subject for the council, which the subject's app names as its
"<app>.act_on_review" permission (the subsidy officer of an application's scheme, the
budget officer of a project's wijk, the coordinator of an initiative's wijk). The overview of
all reviews and the panel list are the coordinators' (selectors list only their wijken).
"""

from __future__ import annotations

import rules
from django.utils import timezone

from core.models import PanelMembership
from core.rules import is_panel_member_of_wijk, is_wijk_coordinator
from review import registry
from review.models import MemberReview, Review
from review.selectors import ReviewPanel, Seat, advice_is_public, review_panel


def _own(user, review: Review | None) -> MemberReview | None:
    """The user's own member review of this review (cached on the review object)."""
    if review is None or not user.is_authenticated:
        return None
    cache = review.__dict__.setdefault("_own_member_reviews", {})
    if user.pk not in cache:
        cache[user.pk] = MemberReview.objects.filter(review=review, member=user).first()
    return cache[user.pk]


def panel_of(review: Review) -> ReviewPanel:
    """The review's panel today, computed once per review object (services drop the cache)."""
    cached = review.__dict__.get("_review_panel")
    if cached is None:
        cached = review_panel(review=review)
        review.__dict__["_review_panel"] = cached
    return cached


def forget_cached(review: Review) -> None:
    """Drop what the predicates cached on a review object: its state changed."""
    review.__dict__.pop("_review_panel", None)
    review.__dict__.pop("_own_member_reviews", None)


def seat_of(user, review: Review | None) -> Seat | None:
    """The user's seat in the review's panel today, if they have one."""
    if review is None or not user.is_authenticated:
        return None
    return panel_of(review).seat_of(user.pk)


@rules.predicate
def is_active_panel_member(user) -> bool:
    """A member of any wijkpanel whose term includes today."""
    if not user.is_authenticated:
        return False
    return PanelMembership.objects.active_on(timezone.localdate()).filter(member=user).exists()


@rules.predicate
def has_declared_conflict(user, review=None) -> bool:
    """The user declared a conflict of interest for this review."""
    own = _own(user, review)
    return own is not None and own.has_conflict


@rules.predicate
def is_recused_automatically(user, review=None) -> bool:
    """The user has a stake in the subject (initiator, applicant, supporter, volunteer)."""
    seat = seat_of(user, review)
    return seat is not None and seat.automatically_recused


@rules.predicate
def is_recused(user, review=None) -> bool:
    """Recused: declared a conflict of interest, or has a stake in the subject."""
    return has_declared_conflict(user, review) or is_recused_automatically(user, review)


@rules.predicate
def has_declared_no_conflict(user, review=None) -> bool:
    """The user declared that they have no conflict of interest for this review."""
    own = _own(user, review)
    return own is not None and not own.has_conflict


@rules.predicate
def is_assigned(user, review=None) -> bool:
    """The review is for the user: for the whole panel, assigned to them, or they chair it."""
    seat = seat_of(user, review)
    return seat is not None and seat.assigned


@rules.predicate
def chairs_review(user, review=None) -> bool:
    """The user chairs this review: the chair, else the vice-chair, or staff's substitute."""
    if review is None or not user.is_authenticated:
        return False
    chair = panel_of(review).chair
    return chair is not None and chair.member.pk == user.pk


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


@rules.predicate
def acts_for_subject(user, review=None) -> bool:
    """The subject's app lets this user act on it for the council ("<app>.act_on_review")."""
    if review is None or not user.is_authenticated:
        return False
    subject = review.subject
    if subject is None:
        return False
    return user.has_perm(f"{subject._meta.app_label}.act_on_review", subject)


# Council staff with a right on this review: its wijk's coordinator or the subject's officer.
is_staff_for_review = is_wijk_coordinator | acts_for_subject
panel_member = is_panel_member_of_wijk
not_recused_member = panel_member & ~is_recused
# Staff see every review, except one of a panel they sit on: there they are members.
staff_outside_panel = is_staff_for_review & ~panel_member

rules.add_perm("review.view_dashboard", is_active_panel_member)
rules.add_perm("review.view_overview", is_wijk_coordinator)
rules.add_perm("review.view_review", is_staff_for_review | panel_member)
rules.add_perm("review.view_history", is_staff_for_review)
# What is reviewed (purpose, amount, the full submission): staff and the members who are not
# recused; the files (quotes, photos) only while the review is open.
rules.add_perm("review.view_subject", staff_outside_panel | not_recused_member)
rules.add_perm(
    "review.view_subject_files", staff_outside_panel | (not_recused_member & review_is_open)
)
# Who reviews, who is recused and why, who chairs.
rules.add_perm("review.view_panel", is_staff_for_review | chairs_review)
rules.add_perm("review.declare", panel_member & review_is_open & ~is_recused & is_assigned)
rules.add_perm(
    "review.submit_member_review",
    has_declared_no_conflict & panel_member & review_is_open & ~is_recused & is_assigned,
)
rules.add_perm(
    "review.view_member_reviews",
    staff_outside_panel
    | (not_recused_member & (has_submitted_own_review | review_is_concluded))
    | (panel_member & review_advice_is_public),
)
rules.add_perm(
    "review.view_advice",
    staff_outside_panel
    | (not_recused_member & review_is_concluded)
    | (panel_member & review_advice_is_public),
)
# Whoever chairs the review writes the advice, after declaring no conflict of interest.
rules.add_perm(
    "review.write_advice",
    chairs_review & has_declared_no_conflict & ~is_recused & review_is_open,
)
rules.add_perm("review.assign", (is_staff_for_review | chairs_review) & review_is_open)
rules.add_perm("review.name_substitute", is_staff_for_review & review_is_open)
rules.add_perm("review.proceed_without_advice", is_staff_for_review)
rules.add_perm("review.record_decision", is_staff_for_review)
rules.add_perm("review.cancel", is_staff_for_review | may_cancel_for_subject)
rules.add_perm("review.manage_panel", is_wijk_coordinator)

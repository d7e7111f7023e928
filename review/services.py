"""State changes of wijkpanel reviews.

The other apps use `review_open`, `review_write_advice` (through the chair's
page), `review_proceed_without_advice`, `review_record_decision` (from
their own decision service) and `review_cancel_open` (from their own withdraw
service, in the same transaction), and the selectors `review_for` and
`advice_is_public`. Everything a member or the chair does is in this module.

    open --chair writes advice (quorum met)--------------------> advised
    open --staff proceed without advice (after the due date)--> without_advice
    open --the subject is withdrawn (its app cancels)----------> cancelled

The first two call the subject kind's `on_concluded(subject=, review=, actor=)`;
a cancellation does not (the subject's app started it). Member reviews are
frozen from then on, and reminders only go out for open reviews.

Recusal is automatic for members with a stake in the subject (rules.py); every service
refuses them with the reason. While open, staff or whoever chairs may assign the review
to some members (`review_assign`), and staff may name a substitute chair
(`review_name_substitute`); both are recorded in the review's history with the actor.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User, Wijk
from core.services import save_audited
from plumbing.formatting import long_date
from review import notifications, registry
from review.models import (
    DEFAULT_CRITERIA,
    Advice,
    MemberReview,
    Review,
    ReviewAssignment,
    ReviewReminder,
    ReviewStatus,
    advice_deviates,
)
from review.rules import forget_cached, panel_of
from review.selectors import active_memberships, review_panel, review_panels

DEFAULT_DUE_DAYS = 14
# Reminders go out this many days before the due date (the command can override it).
DEFAULT_REMINDER_DAYS = getattr(settings, "REVIEW_REMINDER_DAYS", 3)


def _save(instance: models.Model, *, actor: User | None, reason: str) -> None:
    """Save with actor and reason (core.services.save_audited)."""
    save_audited(instance, actor=actor, reason=reason)


def _locked(review: Review) -> Review:
    # The caller's object no longer tells the truth about the panel once this changes it.
    forget_cached(review)
    return Review.objects.select_for_update().select_related("wijk").get(pk=review.pk)


def _why_not_reviewing(actor: User, review: Review) -> str:
    """Why the actor cannot review this review, in words for them ("" when they can)."""
    seat = panel_of(review).seat_of(actor.pk)
    if seat is None:
        return _("Only the members of this wijk's panel review it.")
    if seat.automatically_recused:
        return _(
            "You are recused from this review because you are %(reasons)s. "
            "You will see the advice when it is published."
        ) % {"reasons": _(", and ").join(seat.interest_labels)}
    if seat.declared_conflict:
        return _("You declared a conflict of interest and are recused.")
    if not seat.assigned:
        return _("This review is assigned to other members of the panel.")
    return ""


def _require_open(review: Review) -> None:
    if not review.is_open:
        raise ValidationError(
            _("The panel's review has ended; reviews can no longer be changed."),
            code="review_concluded",
        )


@transaction.atomic
def review_open(
    *,
    subject: models.Model,
    wijk: Wijk,
    actor: User | None,
    due_days: int | None = None,
    criteria: list[str] | None = None,
) -> Review:
    """Open a review for the panel of `wijk` and e-mail its members; called by the subject's app."""
    kind = registry.kind_for(type(subject))
    if kind is None:
        raise ValueError(f"{type(subject).__name__} is not registered for panel review")
    review = Review(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        wijk=wijk,
        criteria=list(criteria or kind.criteria or DEFAULT_CRITERIA),
        due_date=timezone.localdate() + datetime.timedelta(days=due_days or DEFAULT_DUE_DAYS),
    )
    if review.due_date <= timezone.localdate():
        raise ValidationError({"due_date": _("The due date must lie in the future.")})
    try:
        with transaction.atomic():
            _save(review, actor=actor, reason=_("Review opened"))
    except IntegrityError as error:
        raise ValidationError(_("This submission is already being reviewed.")) from error
    # Members with a stake in the subject are recused: they are not asked to review.
    for seat in review_panel(review=review).seats:
        if not seat.recused:
            notifications.send_assignment(review=review, member=seat.member)
    return review


@transaction.atomic
def member_review_declare(
    *, actor: User, review: Review, has_conflict: bool, explanation: str = ""
) -> MemberReview:
    """A member declares whether they have a conflict of interest; with one they are recused."""
    review = _locked(review)
    if not actor.has_perm("review.declare", review):
        raise PermissionDenied(
            _why_not_reviewing(actor, review) or _("You cannot make a declaration for this review.")
        )
    own = MemberReview.objects.filter(review=review, member=actor).first()
    if own is None:
        own = MemberReview(review=review, member=actor, has_conflict=has_conflict)
    elif own.has_conflict:  # pragma: no cover - the permission already refuses this
        raise ValidationError(_("You declared a conflict of interest and are recused."))
    own.has_conflict = has_conflict
    own.conflict_explanation = explanation.strip() if has_conflict else ""
    own.declared_at = timezone.now()
    if has_conflict:
        # Recused: whatever was reviewed before no longer counts.
        own.scores, own.advice, own.reasoning, own.submitted_at = {}, "", "", None
        reason = _("Declared a conflict of interest; recused")
    else:
        reason = _("Declared no conflict of interest")
    _save(own, actor=actor, reason=reason)
    return own


@transaction.atomic
def member_review_submit(
    *, actor: User, review: Review, scores: dict[str, int], advice: str, reasoning: str
) -> MemberReview:
    """Submit or revise one's own review: a score per criterion, an advice and reasons."""
    review = _locked(review)
    _require_open(review)
    if not actor.has_perm("review.submit_member_review", review):
        raise PermissionDenied(
            _why_not_reviewing(actor, review)
            or _("First declare whether you have a conflict of interest.")
        )
    own = MemberReview.objects.get(review=review, member=actor)
    revising = own.is_submitted
    own.scores = {key: scores.get(key) for key in review.criteria}
    own.advice = advice
    own.reasoning = reasoning.strip()
    own.submitted_at = timezone.now()
    own.review = review
    _save(own, actor=actor, reason=_("Review revised") if revising else _("Review submitted"))
    return own


def _why_not_advising(actor: User, review: Review) -> str:
    panel = panel_of(review)
    seat = panel.seat_of(actor.pk)
    if seat is not None and seat.recused and seat.membership.is_chair:
        return _(
            "You are recused from this review, so you do not write its advice: the "
            "vice-chair does, or a substitute named by the municipality."
        )
    if panel.chair is None or panel.chair.member.pk != actor.pk:
        return _("Only the chair of this wijkpanel can write the advice.")
    return _(
        "First declare whether you have a conflict of interest; then you can write the advice."
    )


def _conclude(review: Review, *, actor: User) -> None:
    kind = registry.kind_for(review.content_type.model_class())
    if kind is not None:
        kind.on_concluded(subject=review.subject, review=review, actor=actor)


@transaction.atomic
def review_write_advice(*, actor: User, review: Review, advice: str, text: str) -> Review:
    """Whoever chairs the review writes the panel's advice, after their own declaration,
    once a quorum of the (assigned) members has reviewed."""
    review = _locked(review)
    _require_open(review)
    if not actor.has_perm("review.write_advice", review):
        raise PermissionDenied(_why_not_advising(actor, review))
    quorum = panel_of(review).quorum
    if not quorum.met:
        raise ValidationError(
            _(
                "The panel has no quorum yet: %(submitted)d of the %(needed)d reviews "
                "needed have been submitted."
            )
            % {"submitted": quorum.submitted, "needed": quorum.needed},
            code="no_quorum",
        )
    if advice not in Advice.values:
        raise ValidationError({"advice": _("Choose the panel's advice.")})
    if not text.strip():
        raise ValidationError({"text": _("Give the reasoning of the panel.")})
    review.advice = advice
    review.advice_text = text.strip()
    review.advice_by = actor
    review.status = ReviewStatus.ADVISED
    review.concluded_at = timezone.now()
    _save(
        review,
        actor=actor,
        reason=_("Panel advice written: %(advice)s") % {"advice": review.get_advice_display()},
    )
    _conclude(review, actor=actor)
    return review


@transaction.atomic
def review_proceed_without_advice(*, actor: User, review: Review, reason: str) -> Review:
    """Staff go on without the panel's advice once the due date has passed; recorded."""
    if not actor.has_perm("review.proceed_without_advice", review):
        raise PermissionDenied(_("Only council staff can proceed without advice."))
    review = _locked(review)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("This review has already been concluded."))
    if review.due_date >= timezone.localdate():
        raise ValidationError(
            _("The panel has until %(date)s to advise; proceed without advice after that.")
            % {"date": long_date(review.due_date)},
            code="not_due",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("State why you proceed without advice.")})
    review.status = ReviewStatus.WITHOUT_ADVICE
    review.without_advice_reason = reason.strip()
    review.concluded_at = timezone.now()
    _save(
        review,
        actor=actor,
        reason=_("Proceeded without panel advice: %(reason)s") % {"reason": reason.strip()},
    )
    _conclude(review, actor=actor)
    return review


@transaction.atomic
def review_record_decision(
    *, actor: User, review: Review, approved: bool, reason: str = ""
) -> Review:
    """Record staff's decision on the subject; one against the advice must say why.

    Called by the subject's own decision service. From now on the advice is public.
    """
    if not actor.has_perm("review.record_decision", review):
        raise PermissionDenied(_("Only council staff can decide."))
    review = _locked(review)
    if review.is_open:
        raise ValidationError(
            _("The wijkpanel is still reviewing; decide after its advice."), code="review_open"
        )
    if review.decided_at is not None:
        raise ValidationError(_("The decision has already been recorded."))
    deviates = advice_deviates(advice=review.advice, approved=approved)
    if deviates and not reason.strip():
        raise ValidationError(
            {"reason": _("The decision deviates from the panel's advice: state why.")},
            code="deviation_reason_required",
        )
    review.decision_approved = approved
    review.decided_at = timezone.now()
    review.deviation_reason = reason.strip() if deviates else ""
    decision = _("approved") if approved else _("rejected")
    if deviates:
        change = _("Decided (%(decision)s), deviating from the advice: %(reason)s") % {
            "decision": decision,
            "reason": review.deviation_reason,
        }
    else:
        change = _("Decided (%(decision)s)") % {"decision": decision}
    _save(review, actor=actor, reason=change)
    return review


@transaction.atomic
def review_cancel(*, actor: User, review: Review, reason: str) -> Review:
    """End an open review without advice because its subject left the procedure; tell the panel.

    The actor is whoever made the subject leave (the initiator who withdrew, or staff):
    the review's trail records them with the reason.
    """
    review = _locked(review)
    if not actor.has_perm("review.cancel", review):
        raise PermissionDenied(_("You cannot cancel this review."))
    if not review.is_open:
        raise ValidationError(_("This review has already been concluded."), code="review_concluded")
    if not reason.strip():
        raise ValidationError({"reason": _("State why the review is cancelled.")})
    review.status = ReviewStatus.CANCELLED
    review.cancelled_reason = reason.strip()
    review.concluded_at = timezone.now()
    _save(
        review,
        actor=actor,
        reason=_("Review cancelled: %(reason)s") % {"reason": review.cancelled_reason},
    )
    for membership in active_memberships(wijk=review.wijk):
        notifications.send_cancelled(review=review, member=membership.member)
    return review


@transaction.atomic
def review_cancel_open(*, actor: User, subject: models.Model, reason: str) -> Review | None:
    """Cancel the subject's open review, if it has one; its app calls this when it is withdrawn."""
    review = (
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            status=ReviewStatus.OPEN,
        )
        .order_by("-opened_at", "-pk")
        .first()
    )
    if review is None:
        return None
    return review_cancel(actor=actor, review=review, reason=reason)


def _names(members: list[User]) -> str:
    return ", ".join(sorted(str(member) for member in members)) or "-"


@transaction.atomic
def review_assign(*, actor: User, review: Review, members: list[User]) -> Review:
    """Staff or whoever chairs assign the review to some members; none: the whole panel.

    The quorum is then counted over the assigned members who are not recused (and whoever
    chairs, who always reviews); reminders go only to them. A member who already submitted
    a review stays assigned.
    """
    review = _locked(review)
    _require_open(review)
    if not actor.has_perm("review.assign", review):
        raise PermissionDenied(
            _("Only council staff or the chair of this review can assign it to members.")
        )
    panel = panel_of(review)
    chosen = {member.pk: member for member in members}
    seats = {seat.member.pk: seat for seat in panel.seats}
    strangers = [member for pk, member in chosen.items() if pk not in seats]
    if strangers:
        raise ValidationError(
            {
                "members": _("%(names)s has no seat in this wijkpanel today.")
                % {"names": _names(strangers)}
            },
            code="not_a_member",
        )
    if chosen:
        left_out = [
            seat.member
            for pk, seat in seats.items()
            if pk not in chosen and seat.submitted and seat is not panel.chair
        ]
        if left_out:
            raise ValidationError(
                {
                    "members": _("%(names)s already submitted a review; they stay assigned.")
                    % {"names": _names(left_out)}
                },
                code="already_reviewed",
            )
        if not any(not seats[pk].recused for pk in chosen):
            raise ValidationError(
                {"members": _("Assign at least one member who is not recused.")},
                code="all_recused",
            )
    current = {a.member_id: a for a in ReviewAssignment.objects.filter(review=review)}
    for pk, assignment in current.items():
        if pk not in chosen:
            # The history's deletion row records who took the assignment back.
            assignment._history_user = actor  # type: ignore[attr-defined]
            assignment._change_reason = _("No longer assigned")  # type: ignore[attr-defined]
            assignment.delete()
    for pk, member in chosen.items():
        if pk not in current:
            _save(
                ReviewAssignment(review=review, member=member),
                actor=actor,
                reason=_("Assigned to review"),
            )
    if chosen:
        reason = _("Review assigned to: %(names)s") % {"names": _names(list(chosen.values()))}
    else:
        reason = _("Review assigned to the whole panel")
    _save(review, actor=actor, reason=reason)
    forget_cached(review)
    return review


@transaction.atomic
def review_name_substitute(
    *, actor: User, review: Review, member: User | None, reason: str = ""
) -> Review:
    """Staff name a member to chair this one review (the chair and vice-chair are recused
    or absent); None takes the substitute back."""
    review = _locked(review)
    _require_open(review)
    if not actor.has_perm("review.name_substitute", review):
        raise PermissionDenied(_("Only council staff can name a substitute chair."))
    if member is None:
        review.substitute_chair = None
        review.substitute_reason = ""
        _save(review, actor=actor, reason=_("Substitute chair taken back"))
        return review
    seat = panel_of(review).seat_of(member.pk)
    if seat is None:
        raise ValidationError(
            {"member": _("The substitute must have a seat in this wijkpanel today.")},
            code="not_a_member",
        )
    if seat.recused:
        raise ValidationError(
            {"member": _("%(name)s is recused from this review.") % {"name": member}},
            code="recused",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("State why a substitute chairs this review.")})
    review.substitute_chair = member
    review.substitute_reason = reason.strip()
    _save(
        review,
        actor=actor,
        reason=_("Substitute chair named: %(name)s (%(reason)s)")
        % {"name": member, "reason": review.substitute_reason},
    )
    return review


def review_reminders_send(*, days: int = DEFAULT_REMINDER_DAYS) -> int:
    """Remind the assigned members who have not reviewed yet, `days` before the due date;
    once per member, never a recused one."""
    today = timezone.localdate()
    sent = 0
    reviews = list(
        Review.objects.filter(
            status=ReviewStatus.OPEN,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=days),
        ).select_related("wijk", "content_type")
    )
    panels = review_panels(reviews=reviews)
    for review in reviews:
        reminded = set(review.reminders.values_list("member_id", flat=True))
        # Only the members the review is for (assigned, or the whole panel), not recused.
        for seat in panels[review.pk].reviewers:
            if seat.submitted or seat.member.pk in reminded:
                continue
            sent += _remind(review=review, member=seat.member)
    return sent


@transaction.atomic
def _remind(*, review: Review, member: User) -> int:
    # The unique row is claimed first: a second run (or a parallel one) finds it and skips.
    try:
        with transaction.atomic():
            ReviewReminder.objects.create(review=review, member=member)
    except IntegrityError:
        return 0
    notifications.send_reminder(review=review, member=member)
    return 1

"""State changes of wijkpanel reviews.

The other apps use only `review_open` and `review_proceed_without_advice`
(and the selector `review_for` in selectors.py); everything a member or the
chair does is in this module too.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User, Wijk
from initiatives.review import registry
from initiatives.review.models import DEFAULT_CRITERIA, Review, ReviewStatus

DEFAULT_DUE_DAYS = 14


def _save(review: Review, *, actor: User | None, reason: str) -> None:
    review.full_clean()
    review._history_user = actor
    review._change_reason = reason
    review.save()


@transaction.atomic
def review_open(
    *,
    subject: models.Model,
    wijk: Wijk,
    actor: User | None,
    due_days: int | None = None,
    criteria: list[str] | None = None,
) -> Review:
    """Open a review for the panel of `wijk`; called by the subject's own transition service."""
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
    _save(review, actor=actor, reason=_("Review opened"))
    return review


def _conclude(review: Review, *, actor: User) -> None:
    kind = registry.kind_for(review.content_type.model_class())
    if kind is not None:
        kind.on_concluded(subject=review.subject, review=review, actor=actor)


@transaction.atomic
def review_proceed_without_advice(*, actor: User, review: Review, reason: str) -> Review:
    """Staff go on without the panel's advice (e.g. no quorum by the due date); recorded."""
    if not actor.has_perm("review.proceed_without_advice", review):
        raise PermissionDenied(_("Only council staff can proceed without advice."))
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("This review has already been concluded."))
    if not reason.strip():
        raise ValidationError({"reason": _("State why you proceed without advice.")})
    review.status = ReviewStatus.WITHOUT_ADVICE
    review.concluded_at = timezone.now()
    _save(
        review,
        actor=actor,
        reason=_("Proceeded without panel advice: %(reason)s") % {"reason": reason.strip()},
    )
    _conclude(review, actor=actor)
    return review

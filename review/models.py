"""A wijkpanel review of one submission, the members' reviews and the panel's advice.

Interface used by the other apps (see services.py): `review_open`,
`review_write_advice`, `review_proceed_without_advice`, `review_record_decision`,
`review_cancel_open` and the selectors `review_for`, `advice_is_public`. Each member first declares
whether they have a conflict of interest (then they are recused), then scores
the criteria, advises and gives reasons; the chair writes the panel's advice
once a quorum of the members has reviewed.

A member with a stake in the subject (its initiator, applicant, a supporter or volunteer:
see registry.SubjectKind.interests) is recused automatically. The chair's role passes to
the vice-chair when the chair is recused, or to a substitute staff name for one review.
Staff or the chair may assign a review to some members (ReviewAssignment) instead of the
whole panel.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Wijk

DEFAULT_CRITERIA = ("support", "liveability", "feasibility", "cost")
# Labels of the default criteria; a scheme or round may use its own words as criteria.
CRITERION_LABELS = {
    "support": _("Support in the wijk"),
    "liveability": _("Contribution to liveability"),
    "feasibility": _("Feasibility"),
    "cost": _("Reasonable cost"),
}
SCORE_MIN, SCORE_MAX = 1, 5


def criterion_label(key: str) -> str:
    """The readable name of a criterion (its own text when it is not a default one)."""
    return str(CRITERION_LABELS.get(key, key))


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADVISED = "advised", _("Advice given")
    WITHOUT_ADVICE = "without_advice", _("Proceeded without advice")
    # The submission left the procedure (withdrawn by its initiators) before the advice.
    CANCELLED = "cancelled", _("Cancelled")


class Advice(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    CONDITIONAL = "conditional", _("Positive with conditions")
    NEGATIVE = "negative", _("Negative")


class Review(models.Model):
    """The panel of a wijk reviews one submission before a due date."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="reviews")
    criteria = models.JSONField(default=list)
    opened_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default="open")
    # The panel's advice, written by the chair (or empty when staff proceeded without it).
    advice = models.CharField(_("advice"), max_length=20, choices=Advice.choices, blank=True)
    advice_text = models.TextField(_("reasoning of the panel"), blank=True)
    advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    without_advice_reason = models.TextField(_("why staff proceeded without advice"), blank=True)
    cancelled_reason = models.TextField(_("why the review was cancelled"), blank=True)
    # Staff's decision on the subject, recorded by the subject's app (review_record_decision):
    # from then on the advice is public, and a decision against the advice says why.
    decision_approved = models.BooleanField(_("decision: approved"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    deviation_reason = models.TextField(_("why the decision deviates from the advice"), blank=True)
    # A member staff name to take the chair's role for this review only (the chair and the
    # vice-chair are recused or absent), with staff's reason.
    substitute_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("substitute chair"),
    )
    substitute_reason = models.TextField(_("why a substitute chairs this review"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("wijkpanel review")
        verbose_name_plural = _("wijkpanel reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values),
                name="review_status_valid",
                violation_error_message=_("Choose a valid status."),
            ),
            # One open review per submission at a time.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="open"),
                name="one_open_review_per_subject",
                violation_error_message=_("This submission already has an open review."),
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type.name} {self.object_id} ({self.wijk})"

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN

    @property
    def is_cancelled(self) -> bool:
        return self.status == ReviewStatus.CANCELLED

    @property
    def is_overdue(self) -> bool:
        """Still open after its due date."""
        return self.is_open and self.due_date < timezone.localdate()

    @property
    def subject_title(self) -> str:
        subject = self.subject
        return str(subject) if subject is not None else str(self)

    @property
    def subject_url(self) -> str:
        get_url = getattr(self.subject, "get_absolute_url", None)
        return get_url() if callable(get_url) else ""

    @property
    def criteria_labelled(self) -> list[tuple[str, str]]:
        return [(key, criterion_label(key)) for key in self.criteria]

    @property
    def deviates(self) -> bool:
        """Whether the recorded decision goes against the panel's advice."""
        return advice_deviates(advice=self.advice, approved=self.decision_approved)


def advice_deviates(*, advice: str, approved: bool | None) -> bool:
    """A rejection after a (conditionally) positive advice, or an approval after a negative one."""
    if approved is None or not advice:
        return False
    return approved != (advice in (Advice.POSITIVE, Advice.CONDITIONAL))


class MemberReview(models.Model):
    """One member's review: the conflict declaration first, then scores, advice and reasons."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="member_reviews")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_reviews"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    conflict_explanation = models.TextField(_("explanation of the conflict"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    # {criterion: 1..5} for every criterion of the review.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    advice = models.CharField(_("advice"), max_length=20, choices=Advice.choices, blank=True)
    reasoning = models.TextField(_("reasoning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "submitted_at", "pk"]
        verbose_name = _("member review")
        verbose_name_plural = _("member reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "member"],
                name="one_review_per_member",
                violation_error_message=_("This panel member has already reviewed it."),
            ),
            models.CheckConstraint(
                condition=Q(advice__in=[*Advice.values, ""]),
                name="memberreview_advice_valid",
                violation_error_message=_("Choose a valid advice."),
            ),
            # A recused member does not review.
            models.CheckConstraint(
                condition=Q(has_conflict=False) | Q(submitted_at__isnull=True),
                name="memberreview_recused_not_submitted",
                violation_error_message=_("A member who is recused does not submit a review."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.review}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def scores_labelled(self) -> list[tuple[str, int | None]]:
        return [(criterion_label(key), self.scores.get(key)) for key in self.review.criteria]

    def clean(self) -> None:
        if self.has_conflict and not self.conflict_explanation.strip():
            raise ValidationError(
                {"conflict_explanation": _("Explain what your conflict of interest is.")}
            )
        if self.submitted_at is None:
            return
        errors: dict[str, list[str]] = {}
        criteria = list(self.review.criteria)
        scores = self.scores if isinstance(self.scores, dict) else {}
        if set(scores) != set(criteria) or not all(
            isinstance(scores[key], int) and SCORE_MIN <= scores[key] <= SCORE_MAX
            for key in criteria
        ):
            errors["scores"] = [_("Give every criterion a score from 1 to 5.")]
        if not self.advice:
            errors["advice"] = [_("Choose your advice.")]
        if not self.reasoning.strip():
            errors["reasoning"] = [_("Explain your advice.")]
        if errors:
            raise ValidationError(errors)


class ReviewAssignment(models.Model):
    """One member a review is assigned to; a review without any is for the whole panel."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "member"],
                name="one_assignment_per_member",
                violation_error_message=_("This panel member is already assigned to this review."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.review}"


class ReviewReminder(models.Model):
    """A reminder e-mail sent to one member for one review; one row means: never again.

    Not audited with history: the row itself is the record of what was sent.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "member"],
                name="one_reminder_per_member",
                violation_error_message=_("This panel member has already been reminded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.review}"

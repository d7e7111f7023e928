"""A wijkpanel review of one submission, and the panel's advice.

Interface used by the other apps (see services.py): `review_open`,
`review_proceed_without_advice`, and the selector `review_for`. The
members' individual reviews, conflict-of-interest declarations and quorum
live here too (see the "Wijkpanel review" issue).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Wijk

DEFAULT_CRITERIA = ("support", "liveability", "feasibility", "cost")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADVISED = "advised", _("Advice given")
    WITHOUT_ADVICE = "without_advice", _("Proceeded without advice")


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
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("wijkpanel review")
        verbose_name_plural = _("wijkpanel reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            # One open review per submission at a time.
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="open"),
                name="one_open_review_per_subject",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type.name} {self.object_id} ({self.wijk})"

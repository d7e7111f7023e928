"""Resident initiatives (bewonersinitiatieven): the model and its people.

The workflow lives in initiatives/workflow.py; every state change goes
through initiatives/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Wijk


class Theme(models.TextChoices):
    GREEN = "groen", _("Greenery")
    MEETING = "ontmoeting", _("Meeting people")
    YOUTH = "jeugd", _("Youth")
    ELDERLY = "ouderen", _("Older people")
    SAFETY = "veiligheid", _("Safety")
    SUSTAINABILITY = "duurzaamheid", _("Sustainability")
    CULTURE = "cultuur", _("Culture")
    SPORT = "sport", _("Sport")
    CARE = "zorg", _("Care")


class InitiativeStatus(models.TextChoices):
    CONCEPT = "concept", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review by the wijkpanel")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Initiative(models.Model):
    """A resident's proposal for their wijk, from idea to completion."""

    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("short summary"), max_length=280)
    description = models.TextField(_("description"))
    themes = models.JSONField(_("themes"), default=list)
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="initiatives/", blank=True)
    needs_volunteers = models.BooleanField(_("needs volunteers"), default=False)
    needs_materials = models.BooleanField(_("needs materials"), default=False)
    needs_money = models.BooleanField(_("needs money"), default=False)
    estimated_cost = models.DecimalField(
        _("estimated cost (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.CONCEPT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiatives_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InitiativeStatus.values), name="initiative_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="initiative_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InitiatorRole(models.TextChoices):
    INITIATOR = "initiator", _("Initiator")
    CO_INITIATOR = "co_initiator", _("Co-initiator")


class InitiativeMember(models.Model):
    """A person who runs the initiative: the initiator and accepted co-initiators."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_memberships"
    )
    role = models.CharField(max_length=20, choices=InitiatorRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("initiator")
        verbose_name_plural = _("initiators")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="unique_initiative_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

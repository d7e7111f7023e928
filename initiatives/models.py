"""Resident initiatives (bewonersinitiatieven): the model and its people.

The workflow lives in initiatives/workflow.py; every state change goes
through initiatives/services.py.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Wijk
from plumbing.search import search_index


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


# Statuses in which anyone may see an initiative (unless moderation hid it). A rejected
# initiative stays visible so that the decision and its reasons are public; a concept or
# a withdrawn one is only for its initiators (and staff).
PUBLIC_STATUSES = (
    InitiativeStatus.PUBLISHED,
    InitiativeStatus.REJECTED,
    InitiativeStatus.IN_PROGRESS,
    InitiativeStatus.COMPLETED,
)
# Statuses in which residents can support an initiative or sign up as a volunteer.
OPEN_STATUSES = (InitiativeStatus.PUBLISHED, InitiativeStatus.IN_PROGRESS)


class InitiativeQuerySet(models.QuerySet):
    def public(self) -> InitiativeQuerySet:
        """Initiatives everyone may see: a public status and not hidden by moderation."""
        return self.filter(status__in=PUBLIC_STATUSES, hidden=False)


# What site search reads, and the GIN index it uses on PostgreSQL (plumbing/search.py).
INITIATIVE_SEARCH_FIELDS = {"title": "A", "summary": "B", "description": "C"}


class Initiative(models.Model):
    """A resident's proposal for their wijk, from idea to completion."""

    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="initiatives")
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("short summary"), max_length=280)
    description = models.TextField(_("description"))
    themes = models.JSONField(_("themes"), default=list)
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
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
    # The public reasoning of the latest decision by staff (publish or reject).
    decision_reason = models.TextField(_("reasoning of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Moderation: a hidden initiative vanishes from public pages; its initiators see why.
    hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [search_index(INITIATIVE_SEARCH_FIELDS, name="initiative_search")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InitiativeStatus.values),
                name="initiative_status_valid",
                violation_error_message=_("Choose a valid status."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="initiative_cost_not_negative",
                violation_error_message=_("The estimated cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""),
                name="initiative_hidden_has_reason",
                violation_error_message=_("Give a reason for hiding it."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="initiative_point_complete",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        themes = self.themes if isinstance(self.themes, list) else []
        if not themes:
            errors["themes"] = _("Choose at least one theme.")
        elif any(theme not in Theme.values for theme in themes):
            errors["themes"] = _("Choose themes from the list.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if self.latitude is not None and not Decimal(-90) <= self.latitude <= Decimal(90):
            errors["latitude"] = _("Latitude lies between -90 and 90.")
        if self.longitude is not None and not Decimal(-180) <= self.longitude <= Decimal(180):
            errors["longitude"] = _("Longitude lies between -180 and 180.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and not self.hidden

    @property
    def is_open(self) -> bool:
        """Residents can support it and sign up as volunteers."""
        return self.status in OPEN_STATUSES and not self.hidden

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [str(labels.get(theme, theme)) for theme in self.themes or []]


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
            models.UniqueConstraint(
                fields=["initiative", "user"],
                name="unique_initiative_member",
                violation_error_message=_(
                    "This person is already an initiator of this initiative."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Support(models.Model):
    """A resident of the wijk supports an initiative; withdrawing deletes the row (audited)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "user"],
                name="one_support_per_resident",
                violation_error_message=_("You already support this initiative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.initiative}"


class Volunteer(models.Model):
    """A resident offers to help, with a short message the initiators can read."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_volunteering"
    )
    message = models.TextField(_("message to the initiators"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "user"],
                name="one_signup_per_volunteer",
                violation_error_message=_(
                    "You have already signed up as a volunteer for this initiative."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.initiative}"


class ProgressUpdate(models.Model):
    """News from the initiators about how the initiative is going."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=5000)
    date = models.DateField(_("date"), default=timezone.localdate)
    hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""),
                name="progressupdate_hidden_has_reason",
                violation_error_message=_("Give a reason for hiding it."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError({"date": _("The date of an update cannot be in the future.")})


INVITATION_DAYS = 14


class CoInitiatorInvitation(models.Model):
    """An e-mailed invitation to run an initiative together; only a hash of its token is kept."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("co-initiator invitation")
        verbose_name_plural = _("co-initiator invitations")

    def __str__(self) -> str:
        return f"{self.email} – {self.initiative}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HIDDEN = "hidden", _("Content hidden")
    DISMISSED = "dismissed", _("No action needed")


class ContentReport(models.Model):
    """A logged-in user reports an initiative or one of its updates to the moderators."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="reports")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("what is wrong"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(_("note of the moderator"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="contentreport_status_valid",
                violation_error_message=_("Choose a valid status."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} ({self.get_status_display()})"

    @property
    def subject(self):
        return self.update or self.initiative

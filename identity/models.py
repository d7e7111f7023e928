"""Who logged in how (DigiD, eHerkenning), and the organisations people act for."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class LoginMethod(models.TextChoices):
    DIGID = "digid", "DigiD"
    EHERKENNING = "eherkenning", "eHerkenning"


validate_kvk = RegexValidator(
    r"^[0-9]{8}$", _("A KVK number is eight digits, for example 12345678."), code="invalid_kvk"
)


class Organisation(models.Model):
    """A stichting, vereniging or company known by its KVK number (from eHerkenning)."""

    name = models.CharField(_("name"), max_length=200)
    kvk_number = models.CharField(
        _("KVK number"), max_length=8, unique=True, validators=[validate_kvk]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="organisation_kvk_eight_digits",
                violation_error_message=_("A KVK number is eight digits, for example 12345678."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (KVK {self.kvk_number})"


class OrganisationMember(models.Model):
    """A person who logged in with eHerkenning for an organisation, so may act for it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_links"
    )
    # The last eHerkenning login for the organisation: the authorisation is checked anew at
    # every login, so an old row alone never lets someone act for it.
    last_authorised_at = models.DateTimeField(_("last authorised at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person acting for an organisation")
        verbose_name_plural = _("people acting for an organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                name="organisationmember_once",
                violation_error_message=_("This person is already linked to the organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.organisation}"


class LoginRecord(models.Model):
    """One DigiD or eHerkenning login: how, when and at what level of assurance.

    Append-only (a record never changes), so it has no history of its own.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_logins"
    )
    method = models.CharField(_("method"), max_length=20, choices=LoginMethod.choices)
    level_of_assurance = models.CharField(_("level of assurance"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logins",
        verbose_name=_("on behalf of"),
    )
    logged_in_at = models.DateTimeField(_("logged in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("DigiD or eHerkenning login")
        verbose_name_plural = _("DigiD and eHerkenning logins")
        ordering = ["-logged_in_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=LoginMethod.values),
                name="loginrecord_method_valid",
                violation_error_message=_("Choose DigiD or eHerkenning."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.logged_in_at:%Y-%m-%d %H:%M}"

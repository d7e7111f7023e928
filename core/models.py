"""What every app shares: users, wijken, resident profiles, roles and residency codes."""

from __future__ import annotations

import datetime
import re
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

POSTCODE_RE = re.compile(r"^[1-9][0-9]{3}([A-Z]{2})?$")
# A deleted account keeps its row (initiatives, decisions and ballots point at it) with an
# address in this reserved domain (RFC 2606), which no real mailbox can have.
ERASED_EMAIL_DOMAIN = "verwijderd.invalid"


def normalize_postcode(value: str) -> str:
    """Return a postcode in its stored form: digits and capitals without spaces."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_postcode(value: str) -> None:
    """Accept a full Dutch postcode (1234AB)."""
    if not re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", normalize_postcode(value)):
        raise ValidationError(
            _("Enter a Dutch postcode, four digits and two letters, such as 6441 AB."),
            code="invalid_postcode",
        )


class UserManager(BaseUserManager["User"]):
    """Creates users identified by their e-mail address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account, identified by e-mail address; there are no usernames."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]
    # Group membership is a role (council staff): its changes belong in the trail.
    # Password hashes and login times do not.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.is_erased:
            return str(_("former resident"))
        profile = getattr(self, "profile", None)
        return profile.display_name if profile and profile.display_name else self.email

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_erased(self) -> bool:
        """The resident deleted this account; only an anonymous row remains (core.privacy)."""
        return (self.email or "").endswith("@" + ERASED_EMAIL_DOMAIN)


# A theme stylesheet is a path under static/, loaded after our own styles.
THEME_PATH_RE = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_.-]+)*\.css$")
MUNICIPALITY_PREFIX = "gemeente "


class Municipality(models.Model):
    """A gemeente that runs Wijkplein on its own Wagtail site: its name, look and letters."""

    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("As letters are signed, for example 'Gemeente Utrecht'."),
    )
    slug = models.SlugField(_("slug"), unique=True)
    site = models.OneToOneField(
        "wagtailcore.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipality",
        verbose_name=_("site"),
        help_text=_("The host name it is served on, with its own page tree."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    postal_address = models.TextField(
        _("postal address"), blank=True, help_text=_("One line per line.")
    )
    email = models.EmailField(_("contact e-mail address"), blank=True)
    phone = models.CharField(_("contact telephone number"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    email_sender = models.CharField(
        _("e-mail sender"),
        max_length=200,
        blank=True,
        help_text=_(
            "The From address of its e-mails, for example "
            "'Gemeente Utrecht <wijkplein@utrecht.nl>'. Empty: the platform's address."
        ),
    )
    signatory_name = models.CharField(_("name of the signing official"), max_length=120, blank=True)
    signatory_role = models.CharField(
        _("role of the signing official"),
        max_length=120,
        blank=True,
        help_text=_("For example 'teamleider Wijken'."),
    )
    objection_address = models.TextField(
        _("postal address for objections"),
        blank=True,
        help_text=_("Where residents send an objection to a decision; one line per line."),
    )
    objection_email = models.EmailField(_("e-mail address for objections"), blank=True)
    theme_stylesheet = models.CharField(
        _("design tokens stylesheet"),
        max_length=200,
        blank=True,
        help_text=_(
            "NL Design System: the path in static/ of the municipality's design tokens "
            "(for example 'themes/utrecht.css'), loaded after ours. Empty: our default tokens."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        """The name without 'Gemeente': the place in an address line, the API's name."""
        if self.name.lower().startswith(MUNICIPALITY_PREFIX):
            return self.name[len(MUNICIPALITY_PREFIX) :].strip()
        return self.name

    @property
    def sender(self) -> str:
        """The From address of its e-mails; empty for the platform's own."""
        return self.email_sender.strip()

    def clean(self) -> None:
        errors = {}
        if self.email_sender.strip() and "@" not in parseaddr(self.email_sender)[1]:
            errors["email_sender"] = _(
                "Enter an e-mail address, optionally with a name: "
                "Gemeente Utrecht <wijkplein@utrecht.nl>."
            )
        theme = self.theme_stylesheet.strip()
        if theme and (not THEME_PATH_RE.fullmatch(theme) or ".." in theme):
            errors["theme_stylesheet"] = _(
                "Enter a path in static/ ending in .css, such as themes/utrecht.css."
            )
        elif theme and not finders.find(theme):
            errors["theme_stylesheet"] = _("There is no stylesheet %(path)s in static/.") % {
                "path": theme
            }
        if errors:
            raise ValidationError(errors)


class Wijk(models.Model):
    """A neighbourhood that Wijkplein serves, with the postcodes that belong to it."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="wijken",
        verbose_name=_("municipality"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")

    def __str__(self) -> str:
        return self.name


class WijkPostcode(models.Model):
    """A postcode area (4 digits) or a single postcode (6 characters) that lies in a wijk."""

    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="postcodes")
    code = models.CharField(
        _("postcode"),
        max_length=6,
        unique=True,
        help_text=_("Four digits for a whole area (6441) or six characters for an exception."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wijk postcode")
        verbose_name_plural = _("wijk postcodes")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[1-9][0-9]{3}([A-Z]{2})?$"),
                name="wijkpostcode_code_format",
                violation_error_message=_(
                    "A postcode is four digits, optionally followed by two capital letters, "
                    "for example 6441 or 6441AB."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        self.code = normalize_postcode(self.code)
        if not POSTCODE_RE.fullmatch(self.code):
            raise ValidationError(
                {"code": _("Use four digits (6441) or four digits and two letters (6441AB).")}
            )


class ResidencyStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    SELF_DECLARED = "self_declared", _("Self-declared")
    VERIFIED = "verified", _("Verified")


class VerificationMethod(models.TextChoices):
    LETTER_CODE = "letter_code", _("Letter code")
    STAFF = "staff", _("By council staff")
    # A DigiD login at the required level, with the address from the BRP (identity.brp).
    DIGID_BRP = "digid_brp", _("DigiD with the address from the BRP")


class Profile(models.Model):
    """A resident's own details; postcode and house number determine the wijk."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=80)
    postcode = models.CharField(_("postcode"), max_length=6)
    house_number = models.CharField(_("house number"), max_length=10)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    wijk = models.ForeignKey(
        Wijk, on_delete=models.PROTECT, null=True, blank=True, related_name="residents"
    )
    residency_status = models.CharField(
        _("residency"),
        max_length=20,
        choices=ResidencyStatus.choices,
        default=ResidencyStatus.UNVERIFIED,
    )
    verification_method = models.CharField(
        _("verified by means of"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(residency_status__in=ResidencyStatus.values),
                name="profile_residency_status_valid",
                violation_error_message=_("Choose a valid residency status."),
            ),
            models.CheckConstraint(
                condition=~Q(residency_status="verified") | Q(verified_at__isnull=False),
                name="profile_verified_has_date",
                violation_error_message=_("A verified address needs the date of verification."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_verified(self) -> bool:
        return self.residency_status == ResidencyStatus.VERIFIED

    @property
    def address_label(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]} {self.house_number}".strip()

    def age_in(self, year: int) -> int | None:
        """Age reached during the given year, if the birth year is known."""
        return None if self.birth_year is None else year - self.birth_year

    def clean(self) -> None:
        current = timezone.now().year
        if self.birth_year is not None and not (current - 120 <= self.birth_year <= current):
            raise ValidationError({"birth_year": _("Enter a birth year such as 1984.")})


class WijkCoordinator(models.Model):
    """A council staff member who coordinates the work in a wijk."""

    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="coordinators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinated_wijken"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wijk coordinator")
        verbose_name_plural = _("wijk coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["wijk", "user"],
                name="unique_coordinator_per_wijk",
                violation_error_message=_("This person is already a coordinator of this wijk."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.wijk})"


class PanelMembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None) -> PanelMembershipQuerySet:
        """Memberships whose term includes the given day (today by default)."""
        day = day or timezone.localdate()
        return self.filter(term_start__lte=day).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=day)
        )


class PanelMembership(models.Model):
    """A resident's seat on a wijkpanel for a term; the chair writes the panel's advice.

    The vice-chair takes over the chair's role for a review the chair is recused from.
    """

    wijk = models.ForeignKey(Wijk, on_delete=models.CASCADE, related_name="panel_memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_memberships"
    )
    term_start = models.DateField(_("start of term"))
    term_end = models.DateField(_("end of term"), null=True, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    is_vice_chair = models.BooleanField(
        _("vice-chair"),
        default=False,
        help_text=_("Takes over the chair's role for a review the chair is recused from."),
    )
    history = HistoricalRecords()

    objects = PanelMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["wijk", "-is_chair", "term_start"]
        verbose_name = _("wijkpanel membership")
        verbose_name_plural = _("wijkpanel memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="panelmembership_term_order",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(is_chair=False) | Q(is_vice_chair=False),
                name="panelmembership_chair_or_vice_chair",
                violation_error_message=_("The chair cannot also be the vice-chair."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.wijk}"

    def clean(self) -> None:
        if self.term_end and self.term_start and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term cannot end before it starts.")})
        if self.is_chair and self.is_vice_chair:
            raise ValidationError({"is_vice_chair": _("The chair cannot also be the vice-chair.")})

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)


class ResidencyCodeBatch(models.Model):
    """A set of one-time letter codes for addresses in a wijk; downloadable only once."""

    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="code_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch of residency codes")
        verbose_name_plural = _("batches of residency codes")

    def __str__(self) -> str:
        return f"{self.wijk} {self.created_at:%Y-%m-%d %H:%M}"


class LetterCode(models.Model):
    """A code printed on a letter to one address: a selector and a salted, keyed hash only.

    Residency codes and wijkbudget voting codes share this shape (see plumbing.codes and
    core.services.letter_codes_issue).
    """

    # The selector finds the row; the rest of the code is only kept as a hash.
    selector = models.CharField(max_length=8, unique=True)
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    street = models.CharField(_("street"), max_length=120)
    house_number = models.CharField(_("house number"), max_length=10)
    postcode = models.CharField(_("postcode"), max_length=6)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode}"


class ResidencyCode(LetterCode):
    """One residency letter code for one address."""

    batch = models.ForeignKey(ResidencyCodeBatch, on_delete=models.CASCADE, related_name="codes")
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["salt", "digest"])

    class Meta:
        verbose_name = _("residency code")
        verbose_name_plural = _("residency codes")


class NotificationKind(models.TextChoices):
    """The kinds of e-mail a resident can switch off one by one."""

    SUBMISSION_RECEIVED = "submission_received", _("Submission received")
    PANEL_ASSIGNMENT = "panel_assignment", _("New review for the wijkpanel")
    PANEL_REMINDER = "panel_reminder", _("Reminder of a wijkpanel review")
    ADVICE_GIVEN = "advice_given", _("Advice of the wijkpanel given")
    DECISION = "decision", _("Decision on your submission")
    MORE_INFORMATION = "more_information", _("More information asked")
    VOTING_OPENS = "voting_opens", _("Voting opens in your wijk")
    VOTING_CLOSES = "voting_closes", _("Voting closes tomorrow")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    INITIATIVE_UPDATE = "initiative_update", _("Update on an initiative you support")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one person: shown on the site and delivered by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    # The From address of the municipality it is sent for (Municipality.sender); empty:
    # DEFAULT_FROM_EMAIL.
    sender = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
                violation_error_message=_("This kind of notification does not exist."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="notification_status_valid",
                violation_error_message=_("Choose a valid delivery status."),
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.subject


class MutedNotification(models.Model):
    """A kind of e-mail a resident switched off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    muted_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("switched-off notification")
        verbose_name_plural = _("switched-off notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="unique_muted_kind",
                violation_error_message=_("You have already turned off this kind of notification."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.kind}"


class ResidencyLetterRequest(models.Model):
    """A resident asks for a letter with a residency code; staff print it and mark it sent."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="letter_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        ResidencyCodeBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("request for a residency letter")
        verbose_name_plural = _("requests for a residency letter")
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(handled_at__isnull=True),
                name="one_open_letter_request_per_profile",
                violation_error_message=_(
                    "You have already asked for a letter; it has not been handled yet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.requested_at:%Y-%m-%d}"

"""The stimulus subsidy (stimuleringsregeling): schemes, applications, their costs and files.

The workflow of an application is in workflow.py; every change goes through
services.py, which records the actor and the reason in the history.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Wijk, validate_postcode
from identity.models import Organisation
from initiatives.models import Initiative
from plumbing.formatting import euro
from plumbing.search import search_index
from plumbing.storage import get_private_storage
from subsidies.validators import validate_iban, validate_no_markup

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


# What site search reads, and the GIN index it uses on PostgreSQL (plumbing/search.py).
SCHEME_SEARCH_FIELDS = {"name": "A", "eligibility": "B"}


class Scheme(models.Model):
    """A subsidy scheme of one year, for one wijk or the whole municipality, with its pot."""

    wijk = models.ForeignKey(
        Wijk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidy_schemes",
        verbose_name=_("wijk"),
        help_text=_("Leave empty for a scheme that covers the whole municipality."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_no_markup])
    pot = _money(_("pot (euro)"))
    min_amount = _money(_("minimum per application (euro)"), default=ZERO)
    max_amount = _money(_("maximum per application (euro)"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    eligibility = models.TextField(
        _("who and what is eligible"), blank=True, validators=[validate_no_markup]
    )
    decision_weeks = models.PositiveSmallIntegerField(
        _("decision term (weeks)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("The Awb default is eight weeks."),
    )
    advice_required = models.BooleanField(_("wijkpanel advice required"), default=True)
    review_due_days = models.PositiveSmallIntegerField(
        _("days the wijkpanel has to advise"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    advance_percentage = models.PositiveSmallIntegerField(
        _("advance payment (percent)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("subsidy scheme")
        verbose_name_plural = _("subsidy schemes")
        indexes = [search_index(SCHEME_SEARCH_FIELDS, name="scheme_search")]
        constraints = [
            models.CheckConstraint(
                condition=Q(pot__gte=0),
                name="scheme_pot_not_negative",
                violation_error_message=_("The pot cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gte=0),
                name="scheme_min_not_negative",
                violation_error_message=_("The minimum per application cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gte=F("min_amount")),
                name="scheme_max_at_least_min",
                violation_error_message=_(
                    "The maximum per application must be at least the minimum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="scheme_closes_after_opening",
                violation_error_message=_("The scheme cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(advance_percentage__lte=100),
                name="scheme_advance_at_most_100",
                violation_error_message=_("The advance payment is at most 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    def clean(self) -> None:
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The closing date cannot be before the opening date.")
        if self.min_amount is not None and self.max_amount is not None:
            if self.max_amount < self.min_amount:
                errors["max_amount"] = _("The maximum cannot be lower than the minimum.")
            elif self.pot is not None and self.max_amount > self.pot:
                errors["max_amount"] = _("The maximum cannot be higher than the pot.")
        if errors:
            raise ValidationError(errors)

    @property
    def area_label(self) -> str:
        return self.wijk.name if self.wijk_id else str(_("whole municipality"))

    def is_open_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on


class Status(models.TextChoices):
    CONCEPT = "concept", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    ADVISED = "advised", _("Advised by the wijkpanel")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    ADVANCE_PAID = "advance_paid", _("Advance paid")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    SETTLED = "settled", _("Settled")
    RECLAIMED = "reclaimed", _("Reclaimed")


# Statuses whose money counts against the scheme's pot. Settled and reclaimed ones count
# with their final amount (what was really spent), the others with the granted amount.
COMMITTED_STATUSES = (
    Status.GRANTED,
    Status.PARTLY_GRANTED,
    Status.ADVANCE_PAID,
    Status.REPORT_SUBMITTED,
    Status.SETTLED,
    Status.RECLAIMED,
)
# Statuses waiting for the municipality's decision: the decision term runs.
AWAITING_DECISION = (Status.SUBMITTED, Status.IN_REVIEW, Status.ADVISED)
DECIDED_STATUSES = (Status.GRANTED, Status.PARTLY_GRANTED, Status.REJECTED)


class Application(models.Model):
    """The initiators of an initiative ask a scheme for money; decided on and reported on."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("scheme")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
        verbose_name=_("initiative"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Started by someone acting for an organisation (eHerkenning): the application is the
    # organisation's, and the decision letter is addressed to it.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidy_applications",
        verbose_name=_("on behalf of organisation"),
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT
    )
    # What the applicants fill in.
    purpose = models.TextField(
        _("what the subsidy is for"), blank=True, max_length=4000, validators=[validate_no_markup]
    )
    requested_amount = _money(_("requested amount (euro)"), null=True, blank=True)
    other_funding = models.TextField(
        _("other funding"),
        blank=True,
        max_length=1000,
        validators=[validate_no_markup],
        help_text=_("Who else contributes, for example a housing corporation or a fund."),
    )
    other_funding_amount = _money(_("other funding (euro)"), default=ZERO)
    starts_on = models.DateField(_("planned start"), null=True, blank=True)
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    expected_participants = models.PositiveIntegerField(
        _("expected participants"), null=True, blank=True
    )
    account_holder = models.CharField(
        _("account holder"), max_length=120, blank=True, validators=[validate_no_markup]
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    # Who the decision letter is addressed to (Awb 3:40: a decision takes effect once sent to
    # the applicant): a person or an organisation, with its postal address.
    applicant_name = models.CharField(
        _("name of the applicant"),
        max_length=160,
        blank=True,
        validators=[validate_no_markup],
        help_text=_("Your full name, or the registered name of your association or foundation."),
    )
    applicant_street = models.CharField(
        _("street"), max_length=120, blank=True, validators=[validate_no_markup]
    )
    applicant_house_number = models.CharField(
        _("house number"), max_length=12, blank=True, validators=[validate_no_markup]
    )
    applicant_postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    applicant_town = models.CharField(
        _("town"), max_length=80, blank=True, validators=[validate_no_markup]
    )
    declaration = models.BooleanField(_("declaration signed"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    # Staff's latest question; while it is open the decision term is suspended.
    info_request = models.TextField(_("information requested"), blank=True)
    info_requested_on = models.DateField(null=True, blank=True)
    # The decision.
    granted_amount = _money(_("granted amount (euro)"), null=True, blank=True)
    decision_grounds = models.TextField(_("grounds"), blank=True, validators=[validate_no_markup])
    decision_conditions = models.TextField(
        _("conditions"), blank=True, validators=[validate_no_markup]
    )
    deviation_reasons = models.TextField(
        _("reasons for deviating from the advice"), blank=True, validators=[validate_no_markup]
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    advance_amount = _money(_("advance paid (euro)"), null=True, blank=True)
    advance_paid_on = models.DateField(_("advance paid on"), null=True, blank=True)
    # The report (verantwoording).
    report_participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    report_story = models.TextField(
        _("how it went"), blank=True, max_length=4000, validators=[validate_no_markup]
    )
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    # The settlement (vaststelling).
    final_amount = _money(_("final amount (euro)"), null=True, blank=True)
    settlement_note = models.TextField(
        _("settlement note"), blank=True, validators=[validate_no_markup]
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="application_status_valid",
                violation_error_message=_("Choose a valid status."),
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gte=0),
                name="application_requested_not_negative",
                violation_error_message=_("The requested amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(other_funding_amount__gte=0),
                name="application_other_funding_not_negative",
                violation_error_message=_("The amount of other funding cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True)
                | Q(granted_amount__gte=0, granted_amount__lte=F("requested_amount")),
                name="application_granted_within_request",
                violation_error_message=_(
                    "The amount granted must be between zero and the requested amount."
                ),
            ),
            models.CheckConstraint(
                condition=Q(advance_amount__isnull=True)
                | Q(advance_amount__gte=0, advance_amount__lte=F("granted_amount")),
                name="application_advance_within_grant",
                violation_error_message=_(
                    "The advance payment must be between zero and the amount granted."
                ),
            ),
            models.CheckConstraint(
                condition=Q(final_amount__isnull=True)
                | Q(final_amount__gte=0, final_amount__lte=F("granted_amount")),
                name="application_final_within_grant",
                violation_error_message=_(
                    "The final amount must be between zero and the amount granted."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="application_ends_after_start",
                violation_error_message=_("The activity cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.initiative} ({self.get_status_display()})"

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)

    @property
    def wijk(self) -> Wijk:
        """The wijk of the initiative: its panel advises, its rules apply."""
        return self.initiative.wijk

    @property
    def is_awaiting_decision(self) -> bool:
        return self.status in AWAITING_DECISION

    @property
    def days_left(self) -> int | None:
        """Days until the decision is due (negative when overdue); None when not running."""
        if self.status not in AWAITING_DECISION or self.decision_due is None:
            return None
        return (self.decision_due - timezone.localdate()).days

    @property
    def is_overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.is_overdue else 0

    @property
    def to_pay(self) -> Decimal:
        """What the municipality still pays after settlement."""
        balance = self.balance
        return balance if balance is not None and balance > 0 else ZERO

    @property
    def to_reclaim(self) -> Decimal:
        """What the applicants pay back after settlement."""
        balance = self.balance
        return -balance if balance is not None and balance < 0 else ZERO

    @property
    def advance_due(self) -> Decimal | None:
        """The advance the scheme pays on a grant (a percentage, rounded to cents)."""
        if not self.granted_amount or self.status == Status.REJECTED:
            return None
        share = Decimal(self.granted_amount) * self.scheme.advance_percentage / 100
        return share.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def balance(self) -> Decimal | None:
        """After settlement: positive is still to be paid, negative is to be paid back."""
        if self.final_amount is None:
            return None
        return self.final_amount - (self.advance_amount or ZERO)


class LineKind(models.TextChoices):
    PLANNED = "planned", _("Budget (planned costs)")
    ACTUAL = "actual", _("Actual cost")


class CostCategory(models.TextChoices):
    MATERIALS = "materials", _("Materials")
    RENT = "rent", _("Rent of space or equipment")
    CATERING = "catering", _("Food and drink")
    PROMOTION = "promotion", _("Promotion and printing")
    FEES = "fees", _("Fees for professionals")
    OTHER = "other", _("Other")


class CostLine(models.Model):
    """One line of the budget (planned) or of the report (actual cost)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="cost_lines"
    )
    kind = models.CharField(max_length=10, choices=LineKind.choices, default=LineKind.PLANNED)
    description = models.CharField(
        _("description"), max_length=200, validators=[validate_no_markup]
    )
    category = models.CharField(
        _("category"), max_length=20, choices=CostCategory.choices, default=CostCategory.OTHER
    )
    amount = _money(_("amount (euro)"))
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "position", "pk"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="costline_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values),
                name="costline_kind",
                violation_error_message=_("Choose a valid kind of cost line."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {euro(self.amount)}"


class AttachmentKind(models.TextChoices):
    QUOTE = "quote", _("Cost quote")
    RECEIPT = "receipt", _("Receipt")
    PHOTO = "photo", _("Photo")


class Attachment(models.Model):
    """A quote, receipt or photo; stored privately and streamed after a permission check."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="subsidies/attachments/", storage=get_private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class LetterKind(models.TextChoices):
    DECISION = "decision", _("Decision on the application")
    SETTLEMENT = "settlement", _("Settlement decision")


class DecisionLetter(models.Model):
    """The decision letter (beschikking) as issued: the PDF and its SHA-256, never rewritten."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to="subsidies/letters/", storage=get_private_storage)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The grant decision (beschikking tot subsidieverlening) or, after the report, the
    # settlement (vaststellingsbeschikking); versions count on across both kinds.
    kind = models.CharField(
        _("kind"), max_length=12, choices=LetterKind.choices, default=LetterKind.DECISION
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"],
                name="one_letter_per_version",
                violation_error_message=_("This version of the decision letter already exists."),
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="letter_sha",
                violation_error_message=_("The fingerprint of the letter is not valid."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} v{self.version}"


class SchemeOfficer(models.Model):
    """A subsidy officer who decides the applications of one scheme."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="officers", verbose_name=_("scheme")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="subsidy_schemes_officered",
        verbose_name=_("officer"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subsidy officer")
        verbose_name_plural = _("subsidy officers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "user"],
                name="unique_officer_per_scheme",
                violation_error_message=_("This person is already an officer of this scheme."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.scheme})"

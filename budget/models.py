"""Wijkbudget rounds, their projects, secret ballots, voting codes and results.

Secrecy by design: a `Ballot` holds choices under a keyed hash of its voter and
nothing else about them (no user, no timestamps, a random primary key, no
history); a `Participation` records that and when someone voted, never what.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budget.tally import counting
from core.models import LetterCode, Wijk, normalize_postcode
from core.services import normalize_house_number
from initiatives.models import Initiative
from plumbing.search import search_index


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not started yet")
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Review and costing")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")
    REALISATION = "realisation", _("Realisation")


PHASE_ORDER = list(Phase.values)


class BallotStyle(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects within the budget")
    POINTS = "points", _("Points: distribute points")


class CountingRule(models.TextChoices):
    """The counting rules of budget/tally/counting.py, by their Pabulib names, with labels."""

    GREEDY = counting.GREEDY, _("Most votes first (greedy)")
    EQUAL_SHARES = counting.EQUAL_SHARES, _("Method of Equal Shares")
    EQUAL_SHARES_ADD1 = counting.EQUAL_SHARES_ADD1, _("Method of Equal Shares, completed (add1)")
    EQUAL_SHARES_ADD1_COMPARISON = (
        counting.EQUAL_SHARES_ADD1_COMPARISON,
        _("Equal Shares (add1), compared with greedy"),
    )


# One line per rule, wherever staff choose or compare them (the labels stay short).
RULE_EXPLANATIONS = {
    CountingRule.GREEDY: _(
        "Projects with the most votes are funded first, as long as the money lasts."
    ),
    CountingRule.EQUAL_SHARES: _(
        "Every voter gets an equal share of the budget; a project is funded when its "
        "supporters can pay for it together, so more groups of voters see a project funded."
    ),
    CountingRule.EQUAL_SHARES_ADD1: _(
        "Equal shares, with the shares raised step by step until the budget is used as far "
        "as it goes."
    ),
    CountingRule.EQUAL_SHARES_ADD1_COMPARISON: _(
        "Equal shares (completed), but the outcome of most votes first is kept when that "
        "one reaches more voters."
    ),
}


class Electorate(models.TextChoices):
    """Who has a vote in a round: each eligible resident, or each address once.

    See budget/services/voting.py (`voter_claim`) for how each is enforced across online,
    letter-code and paper ballots.
    """

    PER_RESIDENT = "per_resident", _("One vote per eligible resident")
    PER_ADDRESS = "per_address", _("One vote per address")


class RoundStatus(models.TextChoices):
    """Whether residents see a round at all (its phase, computed from the dates, is apart)."""

    DRAFT = "draft", _("Draft (only staff see it)")
    PUBLISHED = "published", _("Published")


class RoundQuerySet(models.QuerySet):
    """Rounds by who may see them."""

    def published(self) -> RoundQuerySet:
        """Rounds staff have published (rehearsals included)."""
        return self.filter(status=RoundStatus.PUBLISHED)

    def public(self) -> RoundQuerySet:
        """Rounds residents see: published, and not a rehearsal loaded from a .pb file."""
        return self.published().filter(is_rehearsal=False)


class Round(models.Model):
    """A wijkbudget round: budget, dated phases, ballot style, counting rule and eligibility.

    A new round is a draft that only staff see, until staff publish it (budget/workflow.py).
    """

    wijk = models.ForeignKey(Wijk, on_delete=models.PROTECT, related_name="budget_rounds")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("publication"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
        editable=False,
    )
    budget = models.DecimalField(
        _("total budget (euro)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    # Each phase runs from its own start until the next one starts.
    proposals_start = models.DateTimeField(_("proposals open"))
    review_start = models.DateTimeField(_("review and costing start"))
    voting_start = models.DateTimeField(_("voting opens"))
    voting_end = models.DateTimeField(_("voting closes"))
    realisation_start = models.DateTimeField(_("realisation starts"))
    ballot_style = models.CharField(
        _("ballot style"), max_length=20, choices=BallotStyle.choices, default=BallotStyle.APPROVAL
    )
    rule = models.CharField(
        _("counting rule"),
        max_length=40,
        choices=CountingRule.choices,
        default=CountingRule.EQUAL_SHARES_ADD1,
    )
    min_choices = models.PositiveSmallIntegerField(
        _("minimum number of projects"),
        default=1,
        help_text=_("Approval ballots: at least this many projects."),
    )
    max_choices = models.PositiveSmallIntegerField(
        _("maximum number of projects"),
        default=5,
        help_text=_("Approval ballots: at most this many projects."),
    )
    min_budget_share = models.PositiveSmallIntegerField(
        _("minimum share of the budget (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Knapsack ballots: the chosen projects must cost at least this share."),
    )
    points_total = models.PositiveSmallIntegerField(
        _("points to distribute"),
        default=10,
        help_text=_("Points ballots: each voter distributes at most this many points."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    allow_letter_codes = models.BooleanField(_("letter voting codes allowed"), default=False)
    electorate = models.CharField(
        _("who votes"),
        max_length=20,
        choices=Electorate.choices,
        default=Electorate.PER_RESIDENT,
        help_text=_(
            "One vote per resident: each eligible resident with an account votes, and each "
            "letter code is one more vote for its address. One vote per address: the first "
            "vote from an address (account, letter code or paper) is the only one."
        ),
    )
    # Reconciliation: paper forms handed in; counting waits until entered + discarded match.
    paper_forms_received = models.PositiveIntegerField(
        _("paper forms received"), default=0, editable=False
    )
    review_due_days = models.PositiveSmallIntegerField(
        _("days the wijkpanel has for a review"), default=14
    )
    is_rehearsal = models.BooleanField(_("rehearsal (imported, not public)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the residents were told that voting opens / closes tomorrow: the scheduled
    # `budget_notify` command sends each message once, however often or late it runs.
    voting_opens_notified_at = models.DateTimeField(
        _("voting-opens message sent at"), null=True, blank=True, editable=False
    )
    voting_closes_notified_at = models.DateTimeField(
        _("voting-closes message sent at"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-voting_start"]
        verbose_name = _("wijkbudget round")
        verbose_name_plural = _("wijkbudget rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ballot_style__in=BallotStyle.values),
                name="round_style_valid",
                violation_error_message=_("Choose one of the ballot styles offered."),
            ),
            models.CheckConstraint(
                condition=Q(rule__in=counting.RULES),
                name="round_rule_valid",
                violation_error_message=_("Choose one of the counting rules offered."),
            ),
            models.CheckConstraint(
                condition=Q(electorate__in=Electorate.values),
                name="round_electorate_valid",
                violation_error_message=_("Choose who votes from the options offered."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values),
                name="round_status_valid",
                violation_error_message=_("A round is either a draft or published."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="round_budget_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(review_start__gte=models.F("proposals_start"))
                & Q(voting_start__gte=models.F("review_start"))
                & Q(voting_end__gt=models.F("voting_start"))
                & Q(realisation_start__gte=models.F("voting_end")),
                name="round_phases_in_order",
                violation_error_message=_(
                    "The phases must follow each other: proposals, review, voting, results."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.wijk})"

    def clean(self) -> None:
        dates = [
            self.proposals_start,
            self.review_start,
            self.voting_start,
            self.voting_end,
            self.realisation_start,
        ]
        if all(dates) and any(a > b for a, b in zip(dates, dates[1:], strict=False)):
            raise ValidationError(
                _("The phases must follow each other: proposals, review, voting, results.")
            )
        if self.voting_start and self.voting_end and self.voting_end <= self.voting_start:
            raise ValidationError({"voting_end": _("Voting must close after it opens.")})
        if self.ballot_style == BallotStyle.APPROVAL and (
            self.max_choices < 1 or self.min_choices > self.max_choices
        ):
            raise ValidationError(
                {"min_choices": _("The minimum cannot be larger than the maximum.")}
            )
        if self.ballot_style == BallotStyle.POINTS and self.points_total < 1:
            raise ValidationError({"points_total": _("Give voters at least one point.")})

    def phase_at(self, when) -> str:
        """The phase at a moment, computed from the dates."""
        if when < self.proposals_start:
            return Phase.UPCOMING
        if when < self.review_start:
            return Phase.PROPOSALS
        if when < self.voting_start:
            return Phase.REVIEW
        if when < self.voting_end:
            return Phase.VOTING
        if when < self.realisation_start:
            return Phase.RESULTS
        return Phase.REALISATION

    @property
    def phase(self) -> str:
        """The phase now."""
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return str(Phase(self.phase).label)

    def phase_reached(self, phase: str) -> bool:
        """True when the round is in `phase` or a later one."""
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(phase)

    @property
    def voting_closed(self) -> bool:
        return timezone.now() >= self.voting_end

    @property
    def is_per_address(self) -> bool:
        return self.electorate == Electorate.PER_ADDRESS

    @property
    def is_draft(self) -> bool:
        return self.status == RoundStatus.DRAFT


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review by the wijkpanel")
    REVIEWED = "reviewed", _("Reviewed; feasibility check by the municipality")
    ELIGIBLE = "eligible", _("On the ballot")
    INELIGIBLE = "ineligible", _("Not on the ballot")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What site search reads, and the GIN index it uses on PostgreSQL (plumbing/search.py).
PROJECT_SEARCH_FIELDS = {"title": "A", "summary": "B", "description": "C"}


class Project(models.Model):
    """A project idea for a round; only eligible projects appear on the ballot."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("short summary"), max_length=280)
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="budget/", blank=True)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("existing initiative"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_projects",
    )
    cost = models.DecimalField(
        _("cost estimate (euro)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default="submitted"
    )
    decision_reason = models.TextField(_("public reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()
    # Why staff admit an initiative that already has a granted subsidy (one initiative, one
    # source of money); the history row of the change names who stated it.
    funding_overlap_reason = models.TextField(
        _("why it is also funded by a subsidy"), blank=True, max_length=1000
    )

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("wijkbudget project")
        verbose_name_plural = _("wijkbudget projects")
        indexes = [search_index(PROJECT_SEARCH_FIELDS, name="project_search")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="project_status_valid",
                violation_error_message=_("This is not a status a project can have."),
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="project_cost_not_negative",
                violation_error_message=_("The cost estimate cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(status="eligible") | Q(cost__isnull=False),
                name="project_eligible_has_cost",
                violation_error_message=_(
                    "Set the cost estimate before the project goes on the ballot."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def wijk(self) -> Wijk:
        """The wijk of the round, so the shared predicates work on projects."""
        return self.round.wijk


class RealisationStage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REALISED = "realised", _("Realised")


class ProjectUpdate(models.Model):
    """A public progress note on a funded project, until it is realised."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    stage = models.CharField(_("stage"), max_length=20, choices=RealisationStage.choices)
    text = models.TextField(_("update"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=RealisationStage.values),
                name="projectupdate_stage_valid",
                violation_error_message=_("Choose one of the stages offered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_stage_display()}"


def address_key(*, postcode: str, house_number: str) -> str:
    """An address as "one vote per address" compares it: postcode and house number with its
    addition, normalised the way profiles and letter codes store them (6441AB12A)."""
    return f"{normalize_postcode(postcode)}{normalize_house_number(house_number)}"


class Via(models.TextChoices):
    WEB = "web", _("Online")
    CODE = "code", _("Letter code")
    PAPER = "paper", _("Paper ballot")
    IMPORT = "import", _("Imported")


class VotingCodeBatch(models.Model):
    """Letter voting codes generated for a round; the letters are downloaded once."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="code_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch of voting codes")
        verbose_name_plural = _("batches of voting codes")

    def __str__(self) -> str:
        return f"{self.round} {self.created_at:%Y-%m-%d %H:%M}"


class VotingCode(LetterCode):
    """One letter voting code for one address."""

    batch = models.ForeignKey(VotingCodeBatch, on_delete=models.CASCADE, related_name="codes")
    history = HistoricalRecords(excluded_fields=["salt", "digest"])

    class Meta:
        verbose_name = _("voting code")
        verbose_name_plural = _("voting codes")


class Ballot(models.Model):
    """The secret choices of one voter (or code, or paper form); the last one cast counts.

    No user, no timestamps and a random key, so nothing here ties it to a person
    or to the moment its Participation was recorded; deliberately no history.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    # keyed_hash of the voter (user or code) with HASH_SECRET; random for paper forms.
    voter_key = models.CharField(max_length=64)
    # {"<project pk>": points}; 1 per chosen project on approval and knapsack ballots.
    choices = models.JSONField(default=dict)
    via = models.CharField(max_length=10, choices=Via.choices)
    receipt_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # Paper ballots are written only once a second staff member has confirmed their
    # PaperEntry, so new ballots always count; kept for the receipt check and mixing.
    counted = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter_key"],
                name="one_ballot_per_voter",
                violation_error_message=_("A ballot of this voter is already in this round."),
            ),
            models.CheckConstraint(
                condition=Q(via__in=Via.values),
                name="ballot_via_valid",
                violation_error_message=_("This is not a way of voting that Wijkplein knows."),
            ),
            models.CheckConstraint(
                condition=Q(counted=True) | Q(via="paper"),
                name="ballot_only_paper_uncounted",
                violation_error_message=_("Only a paper ballot can be left out of the count."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Ballot"))


class Participation(models.Model):
    """That and when someone voted in a round (and how): never what they chose."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_participations",
    )
    code = models.ForeignKey(
        VotingCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via = models.CharField(_("voted"), max_length=10, choices=Via.choices)
    # "One vote per address" rounds: the voter's address (postcode and house number); the
    # database keeps it unique per round, whatever the channel. Empty in other rounds.
    address_key = models.CharField(_("address"), max_length=20, blank=True, default="")
    voted_at = models.DateTimeField(_("voted at"), default=timezone.now)
    changed_at = models.DateTimeField(_("last changed at"), null=True, blank=True)
    # Paper ballots: who typed the form in and who confirmed it (four eyes).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["voted_at"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=Q(user__isnull=False),
                name="one_participation_per_user",
                violation_error_message=_("This resident has already voted in this round."),
            ),
            models.UniqueConstraint(
                fields=["round", "code"],
                condition=Q(code__isnull=False),
                name="one_participation_per_code",
                violation_error_message=_("This voting code has already been used."),
            ),
            models.UniqueConstraint(
                fields=["round", "address_key"],
                condition=~Q(address_key=""),
                name="one_participation_per_address",
                violation_error_message=_("Someone at this address has already voted."),
            ),
            models.CheckConstraint(
                condition=Q(via__in=Via.values),
                name="participation_via_valid",
                violation_error_message=_("This is not a way of voting that Wijkplein knows."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_via_display()} {self.voted_at:%Y-%m-%d %H:%M}"


class PaperEntryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a colleague")
    CONFIRMED = "confirmed", _("Confirmed: counts")
    DISCARDED = "discarded", _("Discarded")


class PaperEntry(models.Model):
    """One paper form typed in by staff, and its four-eyes decision (audited).

    Records who entered it and when, who confirmed or discarded it, when and why. The voter
    (the register entry: a resident's account or the letter code handed in) is on its
    Participation. The typed choices wait here only until a colleague decides: confirming
    writes them into an unlinked Ballot with a random key and empties them here; discarding
    empties them. The history never holds them.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="paper_entries")
    participation = models.OneToOneField(
        Participation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="paper_entry",
    )
    # {"<project pk>": points} while pending; {} once decided.
    choices = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PaperEntryStatus.choices,
        default=PaperEntryStatus.PENDING,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or discarded by"),
    )
    decided_at = models.DateTimeField(_("confirmed or discarded at"), null=True, blank=True)
    discard_reason = models.CharField(_("reason for discarding"), max_length=500, blank=True)
    # Discarded because the paper form is not valid (set aside: it counts as discarded in the
    # reconciliation), rather than typed in wrongly (the same form is entered again).
    form_set_aside = models.BooleanField(_("paper form set aside"), default=False)
    history = HistoricalRecords(excluded_fields=["choices"])

    class Meta:
        ordering = ["entered_at", "pk"]
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaperEntryStatus.values),
                name="paperentry_status_valid",
                violation_error_message=_("This is not a status a paper ballot can have."),
            ),
            # Four eyes: whoever decides is not whoever entered, and a decision names both.
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True)
                | (
                    ~Q(status="pending")
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                    & ~Q(decided_by=models.F("entered_by"))
                ),
                name="paperentry_second_person_decides",
                violation_error_message=_(
                    "A colleague, not the staff member who entered it, confirms or discards a "
                    "paper ballot."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="discarded") | ~Q(discard_reason=""),
                name="paperentry_discard_has_reason",
                violation_error_message=_("Say why this paper ballot is discarded."),
            ),
            models.CheckConstraint(
                condition=Q(form_set_aside=False) | Q(status="discarded"),
                name="paperentry_only_discarded_set_aside",
                violation_error_message=_("Only a discarded paper form can be set aside."),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Paper ballot')} {self.pk} ({self.get_status_display()})"


class Result(models.Model):
    """The count of a round: funded projects in order, figures per rule, the .pb file.

    Publishing takes four eyes, as paper ballots do: one staff member asks for it, a
    different one confirms it (or sends it back with a reason); the history keeps who,
    when and why. Counted, asked for (requested_by set) and published (published_at set)
    follow from the fields, so there is no status to keep in step.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="result")
    rule = models.CharField(_("counting rule"), max_length=40, choices=CountingRule.choices)
    funded = models.JSONField(default=list)  # project pks, in the order they were selected
    votes = models.JSONField(default=dict)  # {"<project pk>": votes (or points)}
    figures = models.JSONField(default=dict)  # per rule: funded, total_cost, voters, reached
    ballot_count = models.PositiveIntegerField(default=0)
    # Ballots by way of voting and the paper reconciliation at the count:
    # {"web": n, "code": n, "paper": n, "import": n, "paper_received": n, "paper_discarded": n}
    channels = models.JSONField(default=dict)
    eligible_count = models.PositiveIntegerField(default=0)
    budget_used = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    pb_text = models.TextField(blank=True)
    pb_sha256 = models.CharField(max_length=64, blank=True)
    counted_at = models.DateTimeField(default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    publication_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publication asked for by"),
    )
    publication_requested_at = models.DateTimeField(
        _("publication asked for at"), null=True, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publication confirmed by"),
    )
    # Why the last request was sent back (the history keeps every one, with who and when).
    sent_back_reason = models.CharField(_("reason for sending back"), max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["pb_text"])

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_used__gte=0),
                name="result_budget_used_not_negative",
                violation_error_message=_("The budget used cannot be negative."),
            ),
            # A request for publication names who asked and when, or neither.
            models.CheckConstraint(
                condition=Q(
                    publication_requested_by__isnull=True, publication_requested_at__isnull=True
                )
                | Q(publication_requested_by__isnull=False, publication_requested_at__isnull=False),
                name="result_request_names_who_and_when",
                violation_error_message=_(
                    "A request to publish names the staff member who asked, and when."
                ),
            ),
            # Four eyes: whoever confirms the publication is not whoever asked for it.
            models.CheckConstraint(
                condition=Q(published_by__isnull=True)
                | Q(publication_requested_by__isnull=True)
                | ~Q(published_by=models.F("publication_requested_by")),
                name="result_second_person_publishes",
                violation_error_message=_(
                    "A colleague, not the staff member who asked for it, confirms the "
                    "publication of a result."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.get_rule_display()}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_publication_requested(self) -> bool:
        """Asked for by one staff member, waiting for a colleague to confirm."""
        return not self.is_published and self.publication_requested_by_id is not None

    @property
    def turnout(self) -> Decimal | None:
        """Ballots against eligible residents, as a percentage."""
        if not self.eligible_count:
            return None
        return Decimal(100 * self.ballot_count) / Decimal(self.eligible_count)


class BudgetOfficer(models.Model):
    """A budget officer who runs the wijkbudget rounds of one wijk and enters paper ballots."""

    wijk = models.ForeignKey(
        Wijk, on_delete=models.CASCADE, related_name="budget_officers", verbose_name=_("wijk")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="budget_wijken_officered",
        verbose_name=_("officer"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget officer")
        verbose_name_plural = _("budget officers")
        constraints = [
            models.UniqueConstraint(
                fields=["wijk", "user"],
                name="unique_budget_officer_per_wijk",
                violation_error_message=_("This person is already a budget officer of this wijk."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.wijk})"

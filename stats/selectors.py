"""Aggregate reads for the statistics pages.

Every selector runs a fixed number of grouped queries (values + annotate), however
many residents, initiatives or applications there are: nothing here loops over rows
to query again. The figures are raw and complete; stats.tables decides what the
public may see.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter
from django.utils import timezone

from budget.models import Round
from core.models import Profile, ResidencyStatus, Wijk
from initiatives.models import PUBLIC_STATUSES, Initiative, Support
from subsidies.models import COMMITTED_STATUSES, ZERO, Application, Status

MONTH = "month"
QUARTER = "quarter"
# How far back "over time" looks: a year by month, two years by quarter.
PERIODS = {MONTH: 12, QUARTER: 8}

# Applications whose money (at least the advance) has gone out. For settled and
# reclaimed ones the final amount is what the municipality ends up paying; before
# settlement it is the advance.
PAID_STATUSES = (Status.ADVANCE_PAID, Status.REPORT_SUBMITTED, Status.SETTLED, Status.RECLAIMED)


@dataclass
class ApplicationSums:
    """Subsidy applications in one status: how many, and their money."""

    count: int = 0
    requested: Decimal = ZERO
    granted: Decimal = ZERO
    paid: Decimal = ZERO

    def add(self, other: ApplicationSums) -> None:
        self.count += other.count
        self.requested += other.requested
        self.granted += other.granted
        self.paid += other.paid


@dataclass
class WijkTotals:
    """All-time figures of one wijk (or of all wijken together)."""

    residents_registered: int = 0
    residents_verified: int = 0
    # Initiatives not hidden by moderation, per status; hidden ones are counted apart.
    initiatives_by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    initiatives_hidden: int = 0
    supports_all: int = 0
    supports_public: int = 0
    # Submitted applications (drafts are left out) per status.
    applications_by_status: dict[str, ApplicationSums] = field(
        default_factory=lambda: defaultdict(ApplicationSums)
    )

    @property
    def initiatives_public(self) -> int:
        return sum(self.initiatives_by_status.get(status, 0) for status in PUBLIC_STATUSES)

    @property
    def initiatives_all(self) -> int:
        return sum(self.initiatives_by_status.values()) + self.initiatives_hidden

    @property
    def applications_submitted(self) -> int:
        return sum(sums.count for sums in self.applications_by_status.values())

    def _applications(self, statuses) -> ApplicationSums:
        total = ApplicationSums()
        for status in statuses:
            if status in self.applications_by_status:
                total.add(self.applications_by_status[status])
        return total

    @property
    def applications_granted(self) -> int:
        return self._applications(COMMITTED_STATUSES).count

    @property
    def applications_paid(self) -> int:
        return self._applications(PAID_STATUSES).count

    @property
    def amount_requested(self) -> Decimal:
        return sum((sums.requested for sums in self.applications_by_status.values()), ZERO)

    @property
    def amount_granted(self) -> Decimal:
        return self._applications(COMMITTED_STATUSES).granted

    @property
    def amount_paid(self) -> Decimal:
        return self._applications(PAID_STATUSES).paid

    def add(self, other: WijkTotals) -> None:
        self.residents_registered += other.residents_registered
        self.residents_verified += other.residents_verified
        for status, count in other.initiatives_by_status.items():
            self.initiatives_by_status[status] += count
        self.initiatives_hidden += other.initiatives_hidden
        self.supports_all += other.supports_all
        self.supports_public += other.supports_public
        for status, sums in other.applications_by_status.items():
            self.applications_by_status[status].add(sums)


def wijk_totals() -> dict[int, WijkTotals]:
    """All-time figures per wijk id, for every wijk (four grouped queries).

    Residents without a wijk (a postcode outside the served area) belong to no
    wijk and are left out. An application counts in the wijk of its initiative,
    also when the scheme covers the whole municipality.
    """
    totals: dict[int, WijkTotals] = defaultdict(WijkTotals)
    residents = (
        Profile.objects.filter(wijk__isnull=False)
        .values("wijk_id")
        .annotate(
            registered=Count("id"),
            verified=Count("id", filter=Q(residency_status=ResidencyStatus.VERIFIED)),
        )
        .order_by()
    )
    for row in residents:
        totals[row["wijk_id"]].residents_registered = row["registered"]
        totals[row["wijk_id"]].residents_verified = row["verified"]
    initiatives = (
        Initiative.objects.values("wijk_id", "status", "hidden").annotate(n=Count("id")).order_by()
    )
    for row in initiatives:
        if row["hidden"]:
            totals[row["wijk_id"]].initiatives_hidden += row["n"]
        else:
            totals[row["wijk_id"]].initiatives_by_status[row["status"]] += row["n"]
    supports = (
        Support.objects.values("initiative__wijk_id")
        .annotate(
            total=Count("id"),
            public=Count(
                "id",
                filter=Q(initiative__status__in=PUBLIC_STATUSES, initiative__hidden=False),
            ),
        )
        .order_by()
    )
    for row in supports:
        totals[row["initiative__wijk_id"]].supports_all = row["total"]
        totals[row["initiative__wijk_id"]].supports_public = row["public"]
    applications = (
        Application.objects.exclude(status=Status.CONCEPT)
        .values("initiative__wijk_id", "status")
        .annotate(
            n=Count("id"),
            requested=Sum("requested_amount"),
            granted=Sum("granted_amount", filter=Q(status__in=COMMITTED_STATUSES)),
            paid=Sum(
                Coalesce("final_amount", "advance_amount"), filter=Q(status__in=PAID_STATUSES)
            ),
        )
        .order_by()
    )
    for row in applications:
        totals[row["initiative__wijk_id"]].applications_by_status[row["status"]] = ApplicationSums(
            count=row["n"],
            requested=row["requested"] or ZERO,
            granted=row["granted"] or ZERO,
            paid=row["paid"] or ZERO,
        )
    return dict(totals)


def rounds_with_turnout(*, wijk: Wijk | None = None) -> QuerySet[Round]:
    """Public wijkbudget rounds (drafts and rehearsals left out) with their result and
    participations so far.

    Turnout comes from the result (ballots against the eligible residents counted
    then), so it matches the published result page; one query.
    """
    rounds = (
        Round.objects.public()
        .select_related("wijk", "result")
        .annotate(participation_count=Count("participations"))
        .order_by("voting_end", "pk")
    )
    if wijk is not None:
        rounds = rounds.filter(wijk=wijk)
    return rounds


@dataclass
class PeriodFigures:
    """What happened in one month or quarter."""

    start: datetime.date
    period: str
    registrations: int = 0
    verifications: int = 0
    initiatives_all: int = 0
    initiatives_public: int = 0
    supports_all: int = 0
    supports_public: int = 0
    applications_submitted: int = 0
    amount_requested: Decimal = ZERO
    applications_granted: int = 0
    amount_granted: Decimal = ZERO
    advances_paid: Decimal = ZERO

    @property
    def code(self) -> str:
        """The period as a spreadsheet reads it: 2026-03 or 2026-Q1."""
        if self.period == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def add(self, other: PeriodFigures) -> None:
        for name in PERIOD_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


PERIOD_FIELDS = (
    "registrations",
    "verifications",
    "initiatives_all",
    "initiatives_public",
    "supports_all",
    "supports_public",
    "applications_submitted",
    "amount_requested",
    "applications_granted",
    "amount_granted",
    "advances_paid",
)


def period_starts(*, period: str, today: datetime.date) -> list[datetime.date]:
    """The first days of the last months (12) or quarters (8), oldest first, ending today's."""
    step = 1 if period == MONTH else 3
    first_month = today.month if period == MONTH else (today.month - 1) // 3 * 3 + 1
    index = today.year * 12 + first_month - 1
    starts = []
    for n in range(PERIODS[period] - 1, -1, -1):
        month_index = index - n * step
        starts.append(datetime.date(month_index // 12, month_index % 12 + 1, 1))
    return starts


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def activity_by_wijk(
    *, period: str = MONTH, today: datetime.date | None = None
) -> dict[int, list[PeriodFigures]]:
    """Per wijk id and month (or quarter): residents, verifications, initiatives, supports, money.

    Seven grouped queries, one per source date, however many wijken: the public pages
    need every wijk's figures to decide what to hide (see stats.suppression).
    Initiatives count by the month they were created, applications by submission,
    grants by decision, advances by payment. Residents without a wijk are left out.
    """
    today = today or timezone.localdate()
    starts = period_starts(period=period, today=today)
    rows: dict[int, dict[datetime.date, PeriodFigures]] = defaultdict(
        lambda: {start: PeriodFigures(start=start, period=period) for start in starts}
    )
    known = set(starts)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    trunc = TruncMonth if period == MONTH else TruncQuarter

    def grouped(queryset, wijk_field: str, date_field: str, **aggregates):
        # advance_paid_on is a date; the other sources are moments in time.
        first = starts[0] if date_field == "advance_paid_on" else since
        return (
            queryset.filter(**{f"{date_field}__gte": first})
            .annotate(bucket=trunc(date_field))
            .values(wijk_field, "bucket")
            .annotate(**aggregates)
            .order_by()
        )

    def put(queryset, wijk_field: str, mapping: dict[str, str]) -> None:
        for row in queryset:
            bucket = _as_date(row["bucket"])
            if bucket not in known:
                continue  # after today (a date in the future)
            target = rows[row[wijk_field]][bucket]
            for attribute, key in mapping.items():
                setattr(target, attribute, row[key] or getattr(target, attribute))

    profiles = Profile.objects.filter(wijk__isnull=False)
    applications = Application.objects.all()
    public = Q(initiative__status__in=PUBLIC_STATUSES, initiative__hidden=False)
    by_wijk = "initiative__wijk_id"

    put(
        grouped(profiles, "wijk_id", "user__date_joined", n=Count("id")),
        "wijk_id",
        {"registrations": "n"},
    )
    put(
        grouped(
            profiles.filter(residency_status=ResidencyStatus.VERIFIED),
            "wijk_id",
            "verified_at",
            n=Count("id"),
        ),
        "wijk_id",
        {"verifications": "n"},
    )
    put(
        grouped(
            Initiative.objects.all(),
            "wijk_id",
            "created_at",
            total=Count("id"),
            public=Count("id", filter=Q(status__in=PUBLIC_STATUSES, hidden=False)),
        ),
        "wijk_id",
        {"initiatives_all": "total", "initiatives_public": "public"},
    )
    put(
        grouped(
            Support.objects.all(),
            by_wijk,
            "created_at",
            total=Count("id"),
            public=Count("id", filter=public),
        ),
        by_wijk,
        {"supports_all": "total", "supports_public": "public"},
    )
    put(
        grouped(
            applications.exclude(status=Status.CONCEPT),
            by_wijk,
            "submitted_at",
            n=Count("id"),
            money=Sum("requested_amount"),
        ),
        by_wijk,
        {"applications_submitted": "n", "amount_requested": "money"},
    )
    put(
        grouped(
            applications.filter(status__in=COMMITTED_STATUSES),
            by_wijk,
            "decided_at",
            n=Count("id"),
            money=Sum("granted_amount"),
        ),
        by_wijk,
        {"applications_granted": "n", "amount_granted": "money"},
    )
    put(
        grouped(
            applications.filter(advance_amount__isnull=False),
            by_wijk,
            "advance_paid_on",
            money=Sum("advance_amount"),
        ),
        by_wijk,
        {"advances_paid": "money"},
    )
    return {wijk_id: [months[start] for start in starts] for wijk_id, months in rows.items()}


def activity_total(
    activity: dict[int, list[PeriodFigures]], *, period: str, today: datetime.date | None = None
) -> list[PeriodFigures]:
    """The figures per period of all wijken together (no query)."""
    starts = period_starts(period=period, today=today or timezone.localdate())
    total = [PeriodFigures(start=start, period=period) for start in starts]
    for figures in activity.values():
        for target, source in zip(total, figures, strict=True):
            target.add(source)
    return total


def activity_over_time(
    *, wijk: Wijk | None = None, period: str = MONTH, today: datetime.date | None = None
) -> list[PeriodFigures]:
    """Per month or quarter the figures of one wijk, or of all together (seven queries)."""
    activity = activity_by_wijk(period=period, today=today)
    if wijk is None:
        return activity_total(activity, period=period, today=today)
    return activity.get(wijk.pk) or activity_total({}, period=period, today=today)

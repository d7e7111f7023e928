"""Reads of subsidy schemes and applications worth a name."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User, Wijk
from core.roles import COUNCIL_STAFF, SUBSIDY_OFFICERS
from core.selectors import TimelineEntry, history_timeline
from initiatives.models import Initiative
from plumbing.formatting import euro, long_date
from review.models import Review
from review.registry import SubjectFile, SubjectSummary
from review.selectors import review_for
from subsidies.models import (
    AWAITING_DECISION,
    COMMITTED_STATUSES,
    ZERO,
    Application,
    Attachment,
    AttachmentKind,
    CostLine,
    DecisionLetter,
    LineKind,
    Scheme,
    Status,
)

_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)


def _promised(prefix: str = "") -> Case:
    """An application's promised money: its final amount once settled, else the granted one."""
    return Case(
        When(**{f"{prefix}final_amount__isnull": False}, then=f"{prefix}final_amount"),
        default=Coalesce(f"{prefix}granted_amount", Value(ZERO), output_field=_MONEY),
        output_field=_MONEY,
    )


def scheme_committed(*, scheme: Scheme, exclude: Application | None = None) -> Decimal:
    """Money of the scheme already promised: granted amounts, or final ones once settled."""
    qs = Application.objects.filter(scheme=scheme, status__in=COMMITTED_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    total = qs.aggregate(total=Sum(_promised()))["total"]
    return total or ZERO


def schemes_with_remaining(*, schemes: QuerySet[Scheme]) -> list[tuple[Scheme, Decimal]]:
    """Each scheme with what is left in its pot, in one query for all of them."""
    committed = Sum(
        _promised("applications__"),
        filter=Q(applications__status__in=COMMITTED_STATUSES),
        output_field=_MONEY,
    )
    return [
        (scheme, scheme.pot - (scheme.committed or ZERO))
        for scheme in schemes.annotate(committed=committed)
    ]


def scheme_remaining(*, scheme: Scheme) -> Decimal:
    """What is left in the pot."""
    return scheme.pot - scheme_committed(scheme=scheme)


def schemes_open(*, today=None) -> QuerySet[Scheme]:
    """Schemes that accept applications today."""
    today = today or timezone.localdate()
    return Scheme.objects.select_related("wijk").filter(opens_on__lte=today, closes_on__gte=today)


def schemes_all() -> QuerySet[Scheme]:
    """Every scheme, newest year first, for staff."""
    return Scheme.objects.select_related("wijk")


def schemes_for_staff(*, user: User) -> QuerySet[Scheme]:
    """The schemes whose applications the subsidy officer decides (none without the role).

    The reading counterpart of subsidies.rules.is_subsidy_officer.
    """
    if not user.is_authenticated:
        return Scheme.objects.none()
    roles = set(
        user.groups.filter(name__in=(COUNCIL_STAFF, SUBSIDY_OFFICERS)).values_list(
            "name", flat=True
        )
    )
    if roles != {COUNCIL_STAFF, SUBSIDY_OFFICERS}:
        return Scheme.objects.none()
    return schemes_all().filter(officers__user=user).distinct()


def schemes_for_initiative(*, initiative: Initiative, today=None) -> QuerySet[Scheme]:
    """Open schemes an initiative may apply to: its own wijk's and municipality-wide ones."""
    return schemes_open(today=today).filter(Q(wijk__isnull=True) | Q(wijk=initiative.wijk_id))


def initiatives_of(*, user: User) -> QuerySet[Initiative]:
    """Initiatives the user runs (initiator or co-initiator)."""
    return Initiative.objects.filter(members__user=user).select_related("wijk").distinct()


def applications_of(*, user: User) -> QuerySet[Application]:
    """Applications for initiatives the user runs, newest first."""
    return (
        Application.objects.filter(initiative__members__user=user)
        .select_related("scheme", "initiative")
        .distinct()
    )


def application_detail(*, pk: int) -> Application:
    """One application with what its page shows."""
    return Application.objects.select_related(
        "scheme__wijk", "initiative__wijk", "created_by__profile", "decided_by__profile"
    ).get(pk=pk)


def cost_lines(*, application: Application, kind: str = LineKind.PLANNED) -> list[CostLine]:
    """The budget (planned) or the actual costs of an application."""
    return list(application.cost_lines.filter(kind=kind))


def cost_total(*, application: Application, kind: str = LineKind.PLANNED) -> Decimal:
    """The sum of the budget or of the actual costs."""
    total = application.cost_lines.filter(kind=kind).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def attachments_of(*, application: Application, kinds=None) -> list[Attachment]:
    """Files of an application, optionally of some kinds."""
    qs = application.attachments.all()
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs)


def letter_current(*, application: Application) -> DecisionLetter | None:
    """The decision letter as last issued."""
    return application.letters.order_by("-version").first()


def advice_of(*, application: Application) -> Review | None:
    """The wijkpanel review of the application, if one was opened."""
    return review_for(subject=application)


def applications_for_staff(
    *,
    user: User,
    status: str | None = None,
    wijk: Wijk | None = None,
    scheme: Scheme | None = None,
) -> list[Application]:
    """Applications of the officer's schemes for the staff overview: overdue first, then by
    days left, then the rest."""
    qs = Application.objects.exclude(status=Status.CONCEPT, submitted_at__isnull=True)
    qs = qs.filter(scheme__in=schemes_for_staff(user=user))
    qs = qs.select_related("scheme__wijk", "initiative__wijk")
    if status:
        qs = qs.filter(status=status)
    if wijk is not None:
        qs = qs.filter(initiative__wijk=wijk)
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    rows = list(qs)

    def key(application: Application):
        days = application.days_left
        waiting = application.status in AWAITING_DECISION and days is not None
        # Running terms first, the fewest days left (most overdue) on top.
        return (0 if waiting else 1, days if waiting else 0, -application.pk)

    rows.sort(key=key)
    return rows


def _line_entries(application: Application) -> list[TimelineEntry]:
    """Budget and cost lines as they were added and removed, for the timeline."""
    entries = []
    records = CostLine.history.filter(application_id=application.pk).select_related("history_user")
    for record in records:
        if record.history_type not in ("+", "-"):
            continue
        entries.append(
            TimelineEntry(
                when=record.history_date,
                actor=str(record.history_user) if record.history_user else "Wijkplein",
                kind="created" if record.history_type == "+" else "deleted",
                reason=record.history_change_reason or "",
                subject=f"{LineKind(record.kind).label}: {record.description} "
                f"({euro(record.amount)}, {record.get_category_display()})",
            )
        )
    return entries


def _attachment_entries(application: Application) -> list[TimelineEntry]:
    entries = []
    for record in Attachment.history.filter(application_id=application.pk).select_related(
        "history_user"
    ):
        if record.history_type not in ("+", "-"):
            continue
        entries.append(
            TimelineEntry(
                when=record.history_date,
                actor=str(record.history_user) if record.history_user else "Wijkplein",
                kind="created" if record.history_type == "+" else "deleted",
                reason=record.history_change_reason or "",
                subject=f"{record.get_kind_display()}: {record.original_name}",
            )
        )
    return entries


def application_timeline(*, application: Application) -> list[TimelineEntry]:
    """Everything that happened to the application, its lines, files and letters; newest first.

    The bank account is left out of the change list (it is masked everywhere); the
    reason of such a change says that it changed.
    """
    entries = history_timeline(
        obj=application,
        hidden_fields=frozenset({"iban", "info_requested_on", "submitted_at", "settled_at"}),
    )
    for entry in entries:
        entry.subject = str(application)
    entries += _line_entries(application)
    entries += _attachment_entries(application)
    for letter in application.letters.all():
        entries += history_timeline(obj=letter)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def overview_counts(*, applications: list[Application]) -> dict[str, int]:
    """How many applications per status, for the overview's summary."""
    counts: dict[str, int] = {}
    for application in applications:
        counts[application.status] = counts.get(application.status, 0) + 1
    return counts


def _quote_for_review(attachment: Attachment) -> SubjectFile:
    return SubjectFile(
        key=f"offerte-{attachment.pk}",
        name=attachment.original_name,
        label=attachment.get_kind_display(),
        open=lambda: attachment.file.open("rb"),
        content_type=attachment.content_type or "application/octet-stream",
    )


def application_review_summary(application: Application) -> SubjectSummary:
    """What the wijkpanel reads of an application it reviews: what the application page shows
    to the panel, its budget and its cost quotes; never the applicant's address, account or
    e-mail."""

    def period() -> str:
        start, end = application.starts_on, application.ends_on
        return f"{long_date(start) if start else '–'} – {long_date(end) if end else '–'}"

    other = euro(application.other_funding_amount)
    if application.other_funding:
        other = f"{other} – {application.other_funding}"
    participants = application.expected_participants
    return SubjectSummary(
        summary=application.purpose or "–",
        amount_label=_("Requested amount"),
        amount=application.requested_amount,
        facts=(
            (_("Initiative"), application.initiative.title),
            (_("Scheme"), str(application.scheme)),
            (_("Other funding"), other),
            (_("Planned"), period()),
            (_("Expected participants"), "–" if participants is None else str(participants)),
        ),
        lines=tuple(
            (line.description, line.amount) for line in cost_lines(application=application)
        ),
        files=tuple(
            _quote_for_review(attachment)
            for attachment in attachments_of(application=application, kinds=[AttachmentKind.QUOTE])
        ),
        url=reverse("subsidies:application_detail", kwargs={"pk": application.pk}),
        url_label=_("Open the full application"),
        url_permission="subsidies.view_application",
    )

"""Reads of wijkpanel reviews: for the other apps, the panel's pages and staff."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from core.models import PanelMembership, User, Wijk
from review import registry
from review.models import (
    Advice,
    MemberReview,
    Review,
    ReviewStatus,
    criterion_label,
)


def review_for(*, subject: models.Model) -> Review | None:
    """The latest review of a submission (open or concluded), if any."""
    return (
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
        .order_by("-opened_at", "-pk")
        .first()
    )


def advice_is_public(*, review: Review) -> bool:
    """The advice (or that there was none) is public once staff decided on the subject."""
    if review.is_open:
        return False
    if review.decided_at is not None:
        return True
    kind = registry.kind_for(review.content_type.model_class())
    subject = review.subject
    return kind is not None and subject is not None and bool(kind.is_decided(subject))


def public_advice_for(*, subject: models.Model) -> Review | None:
    """The concluded review of a submission whose advice may be shown to everyone, if any."""
    review = review_for(subject=subject)
    if review is None or not advice_is_public(review=review):
        return None
    return review


def review_get(*, pk: int) -> Review:
    """One review with what its pages show (raises Review.DoesNotExist)."""
    return Review.objects.select_related("wijk", "content_type", "advice_by").get(pk=pk)


def active_memberships(*, wijk: Wijk, day: datetime.date | None = None) -> QuerySet:
    """The panel of a wijk on a day (today by default), chair first."""
    return (
        PanelMembership.objects.active_on(day or timezone.localdate())
        .filter(wijk=wijk)
        .select_related("member__profile")
    )


@dataclass(frozen=True)
class Quorum:
    """How many non-recused active members reviewed, and how many are needed."""

    eligible: int
    submitted: int
    recused: int

    @property
    def needed(self) -> int:
        # A majority: strictly more than half of the non-recused active members.
        return self.eligible // 2 + 1

    @property
    def met(self) -> bool:
        return self.eligible > 0 and self.submitted >= self.needed


def _quorum(member_ids: set[int], member_reviews: list[MemberReview]) -> Quorum:
    recused = {mr.member_id for mr in member_reviews if mr.has_conflict} & member_ids
    submitted = {mr.member_id for mr in member_reviews if mr.is_submitted} & member_ids
    return Quorum(
        eligible=len(member_ids - recused), submitted=len(submitted - recused), recused=len(recused)
    )


def review_quorum(*, review: Review) -> Quorum:
    """The quorum of a review today, counting only members whose term includes today."""
    member_ids = set(active_memberships(wijk=review.wijk).values_list("member_id", flat=True))
    return _quorum(member_ids, list(review.member_reviews.all()))


def member_reviews_submitted(*, review: Review) -> QuerySet[MemberReview]:
    """The submitted reviews of the members, oldest first."""
    return (
        MemberReview.objects.filter(review=review, submitted_at__isnull=False, has_conflict=False)
        .select_related("member__profile", "review")
        .order_by("submitted_at", "pk")
    )


def conflicts_declared(*, review: Review) -> QuerySet[MemberReview]:
    """The members recused from a review, with their explanation."""
    return (
        MemberReview.objects.filter(review=review, has_conflict=True)
        .select_related("member__profile")
        .order_by("declared_at", "pk")
    )


def member_review_of(*, review: Review, user: User) -> MemberReview | None:
    """A member's own review (or declaration) of a review, if any."""
    if not user.is_authenticated:
        return None
    return MemberReview.objects.filter(review=review, member=user).first()


@dataclass
class Aggregate:
    """The submitted reviews summed up: mean score per criterion and count per advice."""

    count: int
    criteria: list[tuple[str, float | None]] = field(default_factory=list)  # (label, mean)
    advice: list[tuple[str, int]] = field(default_factory=list)  # (label, count)


def review_aggregate(*, review: Review) -> Aggregate:
    """Mean score per criterion and the count of each advice over the submitted reviews."""
    submitted = list(member_reviews_submitted(review=review))
    means = []
    for key in review.criteria:
        values = [mr.scores[key] for mr in submitted if isinstance(mr.scores.get(key), int)]
        means.append((criterion_label(key), sum(values) / len(values) if values else None))
    counts = Counter(mr.advice for mr in submitted)
    return Aggregate(
        count=len(submitted),
        criteria=means,
        advice=[(str(label), counts.get(value, 0)) for value, label in Advice.choices],
    )


@dataclass
class DashboardRow:
    """A review on a member's dashboard with what the member did and may see."""

    review: Review
    own: MemberReview | None
    advice_visible: bool = False


@dataclass
class Dashboard:
    """What a panel member sees: open reviews, their own reviews and the advice history."""

    wijken: list[Wijk]
    open: list[DashboardRow]
    reviewed: list[MemberReview]
    history: list[DashboardRow]


def panel_dashboard(*, user: User) -> Dashboard:
    """The dashboard of a panel member: the wijken where their term includes today."""
    wijken = list(
        Wijk.objects.filter(
            pk__in=PanelMembership.objects.active_on(timezone.localdate())
            .filter(member=user)
            .values("wijk_id")
        )
    )
    # The subjects (initiatives, applications) in one query per kind, not one per row.
    reviews = list(
        Review.objects.filter(wijk__in=wijken)
        .select_related("wijk", "content_type")
        .prefetch_related("subject")
        .order_by("due_date", "pk")
    )
    by_pk = {review.pk: review for review in reviews}
    own: dict[int, MemberReview] = {}
    for mr in MemberReview.objects.filter(member=user, review__in=reviews):
        mr.review = by_pk[mr.review_id]  # the review loaded above, with its subject
        own[mr.review_id] = mr
    open_rows = [DashboardRow(review=r, own=own.get(r.pk)) for r in reviews if r.is_open]
    history = []
    for review in sorted(
        (r for r in reviews if not r.is_open),
        key=lambda r: r.concluded_at or r.opened_at,
        reverse=True,
    ):
        mine = own.get(review.pk)
        recused = mine is not None and mine.has_conflict
        history.append(
            DashboardRow(
                review=review,
                own=mine,
                advice_visible=not recused or advice_is_public(review=review),
            )
        )
    reviewed = sorted(
        (mr for mr in own.values() if mr.is_submitted),
        key=lambda mr: mr.submitted_at or mr.declared_at,
        reverse=True,
    )
    return Dashboard(wijken=wijken, open=open_rows, reviewed=reviewed, history=history)


@dataclass
class OverviewRow:
    """A review on the staff overview with its quorum today."""

    review: Review
    quorum: Quorum


def reviews_for_staff(*, wijk: Wijk | None = None, status: str | None = None) -> list[OverviewRow]:
    """Every review with its state and quorum, open ones first by due date."""
    qs = (
        Review.objects.select_related("wijk", "content_type", "advice_by")
        .prefetch_related("member_reviews", "subject")
        .annotate(
            concluded=Case(
                When(status=ReviewStatus.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("concluded", "due_date", "pk")
    )
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    if status == "overdue":
        qs = qs.filter(status=ReviewStatus.OPEN, due_date__lt=timezone.localdate())
    elif status in ReviewStatus.values:
        qs = qs.filter(status=status)
    reviews = list(qs[:500])
    members: dict[int, set[int]] = {}
    for membership in PanelMembership.objects.active_on(timezone.localdate()).filter(
        wijk_id__in={r.wijk_id for r in reviews}
    ):
        members.setdefault(membership.wijk_id, set()).add(membership.member_id)
    return [
        OverviewRow(
            review=r, quorum=_quorum(members.get(r.wijk_id, set()), list(r.member_reviews.all()))
        )
        for r in reviews
    ]


def panel_memberships_for_staff(*, wijk: Wijk | None = None) -> QuerySet[PanelMembership]:
    """Panel memberships, current and past, per wijk, chair first."""
    qs = PanelMembership.objects.select_related("wijk", "member__profile").order_by(
        "wijk__name", "-is_chair", "term_start", "pk"
    )
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    return qs

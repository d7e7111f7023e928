"""Reads of wijkpanel reviews: for the other apps, the panel's pages and staff."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, IntegerField, QuerySet, Value, When, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PanelMembership, User, Wijk
from core.selectors import wijken_coordinated_by
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


def subject_summary(*, review: Review) -> registry.SubjectSummary | None:
    """What the panel reads of the review's subject, as its kind describes it (or None)."""
    subject = review.subject
    kind = registry.kind_for(review.content_type.model_class())
    if kind is None or subject is None:
        return None
    return kind.describe(subject)


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
    """How many non-recused assigned active members reviewed, and how many are needed."""

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


def reviews_interests(
    *, reviews: list[Review], user_ids: Collection[int]
) -> dict[int, dict[int, list[str]]]:
    """Per review, who among `user_ids` has a stake in its subject and why (Interest values).

    One call of each kind's `interests` hook for all its reviews: a fixed number of queries.
    """
    found: dict[int, dict[int, list[str]]] = {review.pk: {} for review in reviews}
    if not reviews or not user_ids:
        return found
    prefetch_related_objects(reviews, "subject")
    by_model: dict[type[models.Model], dict[object, list[Review]]] = {}
    for review in reviews:
        subject = review.subject
        if subject is not None:
            by_model.setdefault(type(subject), {}).setdefault(subject.pk, []).append(review)
    for model, by_subject in by_model.items():
        kind = registry.kind_for(model)
        if kind is None:
            continue
        subjects = [group[0].subject for group in by_subject.values()]
        for subject_pk, user_id, interest in kind.interests(subjects, set(user_ids)):
            for review in by_subject.get(subject_pk, []):
                reasons = found[review.pk].setdefault(user_id, [])
                if interest not in reasons:
                    reasons.append(interest)
    return found


def review_interests(*, review: Review, user_ids: Collection[int]) -> dict[int, list[str]]:
    """Who among `user_ids` has a stake in the review's subject, with why (Interest values)."""
    return reviews_interests(reviews=[review], user_ids=user_ids)[review.pk]


def interest_labels(interests: list[str]) -> list[str]:
    """The readable reasons of a recusal, for "you are ..." (unknown values as they are)."""
    labels = dict(registry.Interest.choices)
    return [str(labels.get(value, value)) for value in interests]


class ChairRole(models.TextChoices):
    """Whose seat chairs one review."""

    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice-chair, for the recused chair")
    SUBSTITUTE = "substitute", _("substitute named by staff")


@dataclass
class Seat:
    """One active member of the wijk's panel and their part in one review."""

    membership: PanelMembership
    own: MemberReview | None
    interests: list[str]  # why the member is recused automatically (Interest values)
    assigned: bool = True  # reviews this submission: the whole panel, or assigned to them

    @property
    def member(self) -> User:
        return self.membership.member

    @property
    def declared_conflict(self) -> bool:
        return self.own is not None and self.own.has_conflict

    @property
    def automatically_recused(self) -> bool:
        return bool(self.interests)

    @property
    def recused(self) -> bool:
        return self.declared_conflict or self.automatically_recused

    @property
    def interest_labels(self) -> list[str]:
        return interest_labels(self.interests)

    @property
    def declared(self) -> bool:
        """Declared no conflict of interest (and is not recused automatically)."""
        return self.own is not None and not self.recused

    @property
    def submitted(self) -> bool:
        return self.own is not None and self.own.is_submitted and not self.recused


@dataclass
class ReviewPanel:
    """The panel of one review today: who reviews, who is recused and why, who chairs."""

    seats: list[Seat]
    chair: Seat | None  # who acts as chair for this review (None: nobody can)
    chair_role: str  # a ChairRole value, or "" when nobody chairs
    assigned_only: bool  # assigned to some members instead of the whole panel

    def seat_of(self, user_id: int | None) -> Seat | None:
        return next((seat for seat in self.seats if seat.member.pk == user_id), None)

    @property
    def recusals(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.recused]

    @property
    def reviewers(self) -> list[Seat]:
        """The members whose reviews count: assigned (or the whole panel) and not recused."""
        return [seat for seat in self.seats if seat.assigned and not seat.recused]

    @property
    def quorum(self) -> Quorum:
        return Quorum(
            eligible=len(self.reviewers),
            submitted=sum(1 for seat in self.reviewers if seat.submitted),
            recused=sum(1 for seat in self.seats if seat.assigned and seat.recused),
        )

    @property
    def chair_role_label(self) -> str:
        return str(ChairRole(self.chair_role).label) if self.chair_role else ""


def _acting_chair(seats: list[Seat], review: Review) -> tuple[Seat | None, str]:
    # A substitute staff named takes precedence (the chair is absent), then the chair,
    # then the vice-chair; a recused member never chairs.
    candidates: list[tuple[int | None, str]] = [(review.substitute_chair_id, ChairRole.SUBSTITUTE)]
    candidates += [(s.member.pk, ChairRole.CHAIR) for s in seats if s.membership.is_chair]
    candidates += [(s.member.pk, ChairRole.VICE_CHAIR) for s in seats if s.membership.is_vice_chair]
    for member_id, role in candidates:
        seat = next((s for s in seats if member_id is not None and s.member.pk == member_id), None)
        if seat is not None and not seat.recused:
            return seat, str(role)
    return None, ""


def _panel(
    review: Review, memberships: list[PanelMembership], interests: dict[int, list[str]]
) -> ReviewPanel:
    own = {mr.member_id: mr for mr in review.member_reviews.all()}
    assigned_ids = {assignment.member_id for assignment in review.assignments.all()}
    seats = [
        Seat(membership=m, own=own.get(m.member_id), interests=interests.get(m.member_id, []))
        for m in memberships
    ]
    chair, role = _acting_chair(seats, review)
    if assigned_ids:
        # The one who chairs always reviews too: the advice needs their own review first.
        for seat in seats:
            seat.assigned = seat.member.pk in assigned_ids or seat is chair
    return ReviewPanel(seats=seats, chair=chair, chair_role=role, assigned_only=bool(assigned_ids))


def review_panel(*, review: Review) -> ReviewPanel:
    """Who reviews a review today and who chairs it, computed afresh (a few queries)."""
    memberships = list(active_memberships(wijk=review.wijk))
    interests = review_interests(review=review, user_ids=[m.member_id for m in memberships])
    return _panel(review, memberships, interests)


def review_panels(*, reviews: list[Review]) -> dict[int, ReviewPanel]:
    """The panels of many reviews today, in a fixed number of queries."""
    if not reviews:
        return {}
    prefetch_related_objects(reviews, "member_reviews", "assignments")
    memberships: dict[int, list[PanelMembership]] = {}
    for membership in (
        PanelMembership.objects.active_on(timezone.localdate())
        .filter(wijk_id__in={r.wijk_id for r in reviews})
        .select_related("member__profile")
    ):
        memberships.setdefault(membership.wijk_id, []).append(membership)
    user_ids = {m.member_id for group in memberships.values() for m in group}
    interests = reviews_interests(reviews=reviews, user_ids=user_ids)
    return {
        review.pk: _panel(review, memberships.get(review.wijk_id, []), interests[review.pk])
        for review in reviews
    }


def review_quorum(*, review: Review) -> Quorum:
    """The quorum of a review today: the assigned (or all) active members not recused."""
    return review_panel(review=review).quorum


def member_reviews_submitted(*, review: Review) -> QuerySet[MemberReview]:
    """The submitted reviews of the members who are not recused, oldest first."""
    members = [m.member_id for m in active_memberships(wijk=review.wijk)]
    recused = list(review_interests(review=review, user_ids=members))
    return (
        MemberReview.objects.filter(review=review, submitted_at__isnull=False, has_conflict=False)
        .exclude(member_id__in=recused)
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
    # Why the member is recused automatically (labels), empty when they are not.
    interests: list[str] = field(default_factory=list)
    # The review is for them (the whole panel, assigned to them, or they chair it).
    assigned: bool = True


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

    open_reviews = [r for r in reviews if r.is_open]
    panels = review_panels(reviews=open_reviews)
    open_rows = []
    for review in open_reviews:
        seat = panels[review.pk].seat_of(user.pk)
        open_rows.append(
            DashboardRow(
                review=review,
                own=own.get(review.pk),
                interests=seat.interest_labels if seat is not None else [],
                assigned=seat is None or seat.assigned,
            )
        )
    concluded = sorted(
        (r for r in reviews if not r.is_open),
        key=lambda r: r.concluded_at or r.opened_at,
        reverse=True,
    )
    public = {review.pk: advice_is_public(review=review) for review in concluded}
    stakes = reviews_interests(
        reviews=[r for r in concluded if not public[r.pk]], user_ids=[user.pk]
    )
    history = []
    for review in concluded:
        mine = own.get(review.pk)
        # A recused member (declared, or with a stake in the subject) waits for the decision.
        recused = not public[review.pk] and (
            (mine is not None and mine.has_conflict) or bool(stakes.get(review.pk, {}))
        )
        history.append(DashboardRow(review=review, own=mine, advice_visible=not recused))
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


def reviews_for_staff(
    *, user: User, wijk: Wijk | None = None, status: str | None = None
) -> list[OverviewRow]:
    """The reviews of the wijken the user coordinates with their state and quorum, open ones
    first by due date."""
    qs = (
        Review.objects.filter(wijk__in=wijken_coordinated_by(user=user))
        .select_related("wijk", "content_type", "advice_by")
        .prefetch_related("member_reviews", "assignments", "subject")
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
    # The quorum shows for open reviews only.
    panels = review_panels(reviews=[r for r in reviews if r.is_open])
    return [
        OverviewRow(
            review=r,
            quorum=panels[r.pk].quorum if r.pk in panels else Quorum(0, 0, 0),
        )
        for r in reviews
    ]


def panel_memberships_for_staff(
    *, user: User, wijk: Wijk | None = None
) -> QuerySet[PanelMembership]:
    """Panel memberships of the wijken the user coordinates, current and past, per wijk,
    chair first."""
    qs = PanelMembership.objects.filter(wijk__in=wijken_coordinated_by(user=user))
    qs = qs.select_related("wijk", "member__profile").order_by(
        "wijk__name", "-is_chair", "-is_vice_chair", "term_start", "pk"
    )
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    return qs

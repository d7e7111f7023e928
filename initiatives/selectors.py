"""Reads of resident initiatives: overviews, search, detail, the decision timeline."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import User, Wijk
from core.selectors import wijken_coordinated_by
from initiatives.models import (
    INITIATIVE_SEARCH_FIELDS,
    CoInitiatorInvitation,
    ContentReport,
    Initiative,
    InitiativeMember,
    InitiativeStatus,
    ProgressUpdate,
    ReportStatus,
    Support,
    Volunteer,
)
from plumbing.search import text_matches
from review.models import Review
from review.registry import SubjectSummary, stored_file


def _with_theme(qs: QuerySet[Initiative], theme: str) -> QuerySet[Initiative]:
    """Initiatives that carry a theme (a value from the Theme choices)."""
    if connection.vendor == "postgresql":
        return qs.filter(themes__contains=[theme])
    # SQLite has no JSON containment; the quoted value cannot match another theme.
    return qs.filter(themes__icontains=f'"{theme}"')


def initiatives_overview(
    *,
    wijk: Wijk | None = None,
    theme: str = "",
    status: str = "",
    text: str = "",
) -> QuerySet[Initiative]:
    """Public initiatives (all wijken or one), filtered, with their number of supporters."""
    qs: QuerySet[Initiative] = Initiative.objects.public().select_related("wijk")
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    if theme:
        qs = _with_theme(qs, theme)
    if status:
        qs = qs.filter(status=status)
    qs = text_matches(qs, text, INITIATIVE_SEARCH_FIELDS, ranked=False)
    return qs.annotate(support_count=_support_count()).order_by("-created_at", "-pk")


def _support_count() -> Coalesce:
    """The number of supporters as a subquery: a listing counts them for the rows it shows
    only, and its paginator counts initiatives without joining every support."""
    supports = (
        Support.objects.filter(initiative=OuterRef("pk"))
        .order_by()
        .values("initiative")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(supports, output_field=IntegerField()), 0)


def initiatives_seeking_help(*, wijk: Wijk | None = None, limit: int = 3) -> list[Initiative]:
    """Published or running initiatives that ask for volunteers, materials or money."""
    qs = (
        initiatives_overview(wijk=wijk)
        .filter(status__in=[InitiativeStatus.PUBLISHED, InitiativeStatus.IN_PROGRESS])
        .filter(Q(needs_volunteers=True) | Q(needs_materials=True) | Q(needs_money=True))
    )
    return list(qs[:limit])


def initiative_for_detail(*, pk: int) -> Initiative | None:
    """One initiative with its wijk, initiators and number of supporters."""
    return (
        Initiative.objects.select_related("wijk", "created_by__profile")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=InitiativeMember.objects.select_related("user__profile").order_by(
                    "joined_at"
                ),
            )
        )
        .annotate(support_count=Count("supports", distinct=True))
        .filter(pk=pk)
        .first()
    )


def initiative_updates(*, initiative: Initiative, include_hidden: bool) -> QuerySet:
    """The progress updates, newest first; hidden ones only for initiators and staff."""
    qs = ProgressUpdate.objects.filter(initiative=initiative).select_related("author__profile")
    return qs if include_hidden else qs.filter(hidden=False)


def initiative_volunteers(*, initiative: Initiative) -> QuerySet[Volunteer]:
    """Who signed up to help, with their message, oldest first."""
    return Volunteer.objects.filter(initiative=initiative).select_related("user__profile")


def support_of(*, initiative: Initiative, user: User) -> Support | None:
    """The user's support of the initiative, if any."""
    if not user.is_authenticated:
        return None
    return Support.objects.filter(initiative=initiative, user=user).first()


def volunteer_of(*, initiative: Initiative, user: User) -> Volunteer | None:
    """The user's volunteer sign-up for the initiative, if any."""
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(initiative=initiative, user=user).first()


def initiatives_of_member(*, user: User) -> QuerySet[Initiative]:
    """The initiatives a person runs (as initiator or co-initiator), in every status."""
    return (
        Initiative.objects.filter(members__user=user)
        .select_related("wijk")
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("-updated_at")
    )


def pending_invitations(*, initiative: Initiative) -> list[CoInitiatorInvitation]:
    """Invitations not yet accepted (expired ones included, marked by `is_pending`)."""
    return list(initiative.invitations.filter(accepted_at__isnull=True))


def initiatives_for_staff(*, user: User, status: str = "") -> list[Initiative]:
    """Initiatives of the wijken the user coordinates awaiting staff (submitted, in review) or
    of one status, with their review."""
    qs = Initiative.objects.filter(wijk__in=wijken_coordinated_by(user=user))
    qs = qs.select_related("wijk").annotate(
        open_reports=Count("reports", filter=Q(reports__status=ReportStatus.OPEN))
    )
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=[InitiativeStatus.SUBMITTED, InitiativeStatus.IN_REVIEW])
    initiatives = list(qs.order_by("created_at")[:500])
    # The latest review of each, in one query rather than one per row.
    reviews: dict[int, Review] = {}
    content_type = ContentType.objects.get_for_model(Initiative)
    for review in Review.objects.filter(
        content_type=content_type, object_id__in=[i.pk for i in initiatives]
    ).order_by("opened_at", "pk"):
        reviews[review.object_id] = review
    for initiative in initiatives:
        initiative.latest_review = reviews.get(initiative.pk)
    return initiatives


def reports_open(*, user: User) -> QuerySet[ContentReport]:
    """Reports nobody has handled yet in the wijken the user coordinates, oldest first."""
    reports = ContentReport.objects.filter(
        status=ReportStatus.OPEN, initiative__wijk__in=wijken_coordinated_by(user=user)
    )
    return reports.select_related("initiative__wijk", "update", "reporter__profile")


@dataclass(frozen=True)
class DecisionStep:
    """One step in an initiative's life as the public reads it."""

    when: datetime.datetime
    status: str
    status_label: str
    reason: str


# Steps everyone may read; what initiators write when withdrawing, for instance, is not.
_PUBLIC_STEPS = frozenset(
    {
        InitiativeStatus.SUBMITTED,
        InitiativeStatus.IN_REVIEW,
        InitiativeStatus.PUBLISHED,
        InitiativeStatus.REJECTED,
        InitiativeStatus.IN_PROGRESS,
        InitiativeStatus.COMPLETED,
    }
)
_PUBLIC_REASONS = frozenset({InitiativeStatus.PUBLISHED, InitiativeStatus.REJECTED})


def decision_timeline(*, initiative: Initiative) -> list[DecisionStep]:
    """The public status changes of an initiative, oldest first, with decision reasons."""
    labels = dict(InitiativeStatus.choices)
    steps: list[DecisionStep] = []
    previous = None
    records = initiative.history.order_by("history_date", "history_id").only(
        "status", "history_date", "history_change_reason", "decision_reason"
    )
    for record in records:
        if record.status != previous and record.status in _PUBLIC_STEPS:
            steps.append(
                DecisionStep(
                    when=record.history_date,
                    status=record.status,
                    status_label=str(labels[record.status]),
                    # The full reasoning of a decision is in its own field; the trail's
                    # reason column is shortened.
                    reason=(record.decision_reason or record.history_change_reason or "")
                    if record.status in _PUBLIC_REASONS
                    else "",
                )
            )
        previous = record.status
    return steps


def initiative_interests(
    *,
    initiative_ids: Mapping[Any, int | None],
    user_ids: Collection[int],
    others: Iterable[tuple[Any, int | None, str]] = (),
) -> list[tuple[Any, int, str]]:
    """Who among `user_ids` has a stake in initiatives, as (key, user id, review Interest).

    `initiative_ids` maps a caller's key (a reviewed subject's pk) to the initiative it
    belongs to. The initiator and co-initiators, supporters and volunteers count, and
    `others` the caller adds as (key, user id, interest): the applicant of a subsidy, the
    proposer of a budget project. Four queries, however many initiatives. The wijkpanel's
    review recuses such members automatically (review.registry.SubjectKind.interests).
    """
    ids = set(user_ids)
    found = [(key, user_id, interest) for key, user_id, interest in others if user_id in ids]
    keys: dict[int, list[Any]] = {}
    for key, initiative_id in initiative_ids.items():
        if initiative_id is not None:
            keys.setdefault(initiative_id, []).append(key)
    if not keys or not ids:
        return found
    rows: list[tuple[int, int, str]] = [
        (pk, user_id, "initiator")
        for pk, user_id in Initiative.objects.filter(
            pk__in=keys, created_by_id__in=ids
        ).values_list("pk", "created_by_id")
    ]
    rows += InitiativeMember.objects.filter(initiative_id__in=keys, user_id__in=ids).values_list(
        "initiative_id", "user_id", "role"
    )
    for model, interest in ((Support, "supporter"), (Volunteer, "volunteer")):
        rows += [
            (initiative_id, user_id, interest)
            for initiative_id, user_id in model.objects.filter(
                initiative_id__in=keys, user_id__in=ids
            ).values_list("initiative_id", "user_id")
        ]
    for initiative_id, user_id, interest in rows:
        found += [(key, user_id, interest) for key in keys[initiative_id]]
    return found


def initiative_review_summary(initiative: Initiative) -> SubjectSummary:
    """What the wijkpanel reads of an initiative it reviews (the initiators stay unnamed)."""
    needs = [
        str(label)
        for wanted, label in (
            (initiative.needs_volunteers, _("volunteers")),
            (initiative.needs_materials, _("materials")),
            (initiative.needs_money, _("money")),
        )
        if wanted
    ]
    return SubjectSummary(
        summary=initiative.summary,
        description=initiative.description,
        amount_label=_("Estimated cost"),
        amount=initiative.estimated_cost,
        facts=(
            (_("Themes"), ", ".join(initiative.theme_labels()) or "–"),
            (_("Place"), initiative.place or "–"),
            (_("What is needed"), ", ".join(needs) or "–"),
        ),
        files=stored_file(initiative.photo, key="foto", label=_("Photo")),
        url=reverse("initiatives:detail", kwargs={"pk": initiative.pk}),
        url_label=_("Open the full initiative"),
        url_permission="initiatives.view_initiative",
    )

"""Reads worth a name, shared by every app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.models import (
    DeliveryStatus,
    MutedNotification,
    Notification,
    PanelMembership,
    Profile,
    ResidencyCodeBatch,
    ResidencyLetterRequest,
    User,
    Wijk,
    WijkCoordinator,
    WijkPostcode,
)
from core.roles import COUNCIL_STAFF, FUNCTIONAL_ADMINS, WIJK_COORDINATORS
from plumbing.formatting import euro, long_date, long_datetime


def wijk_for_postcode(*, postcode: str) -> Wijk | None:
    """The wijk of a full postcode: a 6-character exception wins over its 4-digit area."""
    code = postcode.replace(" ", "").upper()
    if len(code) != 6:
        return None
    matches = {
        row.code: row.wijk
        for row in WijkPostcode.objects.select_related("wijk").filter(code__in=[code, code[:4]])
    }
    return matches.get(code) or matches.get(code[:4])


def wijken_all() -> QuerySet[Wijk]:
    """All wijken, by name."""
    return Wijk.objects.order_by("name")


def wijken_coordinated_by(*, user: User) -> QuerySet[Wijk]:
    """The wijken a wijkcoördinator acts in (none without the role), by name.

    The reading counterpart of core.rules.is_wijk_coordinator: every staff list of residents,
    letter codes, reviews, panels and initiatives is narrowed to these wijken.
    """
    if not user.is_authenticated or not user.groups.filter(name=COUNCIL_STAFF).exists():
        return Wijk.objects.none()
    if not user.groups.filter(name=WIJK_COORDINATORS).exists():
        return Wijk.objects.none()
    return Wijk.objects.filter(coordinators__user=user).distinct().order_by("name")


def wijken_managed_by(*, user: User) -> QuerySet[Wijk]:
    """The wijken a person sees in the Wagtail admin's wijk screens: a coordinator their own,
    the functional administrator every wijk (to assign roles in them)."""
    if user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=FUNCTIONAL_ADMINS).exists()
    ):
        return wijken_all()
    return wijken_coordinated_by(user=user)


def residents_for_staff(
    *, user: User, wijk: Wijk | None = None, status: str | None = None
) -> QuerySet:
    """Resident profiles of the wijken the staff member coordinates, with what the list shows."""
    qs = (
        Profile.objects.select_related("user", "wijk", "verified_by__profile")
        .filter(wijk__in=wijken_coordinated_by(user=user))
        .order_by("display_name")
    )
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    if status:
        qs = qs.filter(residency_status=status)
    return qs


def panel_memberships_of(*, user: User) -> QuerySet[PanelMembership]:
    """A user's panel memberships, current and past."""
    return PanelMembership.objects.filter(member=user).select_related("wijk")


def letter_requests_for_coordinator(
    *, user: User, requests: QuerySet[ResidencyLetterRequest]
) -> QuerySet[ResidencyLetterRequest]:
    """Of the given residency letter requests, those of the wijken the user coordinates."""
    return requests.filter(profile__wijk__in=wijken_coordinated_by(user=user))


def code_batches_for_staff(*, user: User) -> QuerySet[ResidencyCodeBatch]:
    """Code batches of the wijken the user coordinates, with their creator and use counts."""
    return (
        ResidencyCodeBatch.objects.filter(wijk__in=wijken_coordinated_by(user=user))
        .select_related("wijk", "created_by__profile")
        .annotate(
            code_count=Count("codes"),
            used_count=Count("codes", filter=Q(codes__used_at__isnull=False)),
        )
    )


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def muted_kinds_of(*, user: User) -> set[str]:
    """The kinds of e-mail a person switched off."""
    return set(MutedNotification.objects.filter(user=user).values_list("kind", flat=True))


def failed_notifications() -> QuerySet[Notification]:
    """Notifications whose delivery failed, for staff."""
    return Notification.objects.filter(status=DeliveryStatus.FAILED).select_related("user")


@dataclass
class TimelineEntry:
    """One change of an object as people read it."""

    when: datetime.datetime
    actor: str
    kind: str  # "created", "changed" or "deleted"
    reason: str
    subject: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _display(record, field_name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    try:
        model_field = record.instance_type._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a field that no longer exists: show the raw value
        return str(value)
    if model_field.many_to_many:
        target = model_field.related_model
        column = model_field.m2m_reverse_field_name()
        ids = [row.get(column) for row in value if isinstance(row, dict)]
        return ", ".join(str(obj) for obj in target._default_manager.filter(pk__in=ids)) or "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    # Dates and amounts as the page's language writes them, never "2026-12-07" or "1250.50".
    if isinstance(value, datetime.datetime):
        return long_datetime(value)
    if isinstance(value, datetime.date):
        return long_date(value)
    if isinstance(value, Decimal):
        return euro(value) if model_field.decimal_places == 2 else number_format(value)
    return str(value)


_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _entries(records: list, *, hidden_fields: frozenset[str], subject: str = "") -> list:
    """Turn historical records (oldest first) into readable entries.

    A save that changed nothing visible and gave no reason (a login touching
    an excluded field, for instance) is left out.
    """
    entries: list[TimelineEntry] = []
    previous = None
    for record in records:
        changes: list[tuple[str, str, str]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden_fields:
                    continue
                label = str(record.instance_type._meta.get_field(change.field).verbose_name)
                old = _display(record, change.field, change.old)
                new = _display(record, change.field, change.new)
                if old != new:
                    changes.append((label, old, new))
        kind = _KINDS.get(record.history_type, "changed")
        reason = record.history_change_reason or ""
        if kind != "changed" or changes or reason:
            user = record.history_user
            entries.append(
                TimelineEntry(
                    when=record.history_date,
                    actor=str(user) if user else "Wijkplein",
                    kind=kind,
                    reason=reason,
                    subject=f"{subject}: {record.instance}" if subject else str(record.instance),
                    changes=changes,
                )
            )
        previous = record
    return entries


def _records(queryset) -> list:
    return list(queryset.select_related("history_user").order_by("history_date", "history_id"))


class Audited(Protocol):
    """A model instance with `history = HistoricalRecords()` (django-simple-history)."""

    history: Any


def history_timeline(*, obj: Audited, hidden_fields: frozenset[str] = frozenset()) -> list:
    """The object's audit trail, newest first: who, when, what changed and why."""
    entries = _entries(_records(obj.history.all()), hidden_fields=hidden_fields)
    entries.reverse()
    return entries


def role_timeline(*, user: User) -> list:
    """A person's roles over time: staff group, coordinator posts and panel seats."""
    entries = _entries(
        _records(User.history.filter(id=user.pk)),
        hidden_fields=frozenset({"is_active", "first_name", "last_name", "date_joined"}),
        subject=str(_("Account")),
    )
    memberships = PanelMembership.history.filter(member_id=user.pk)
    for membership_id in sorted({record.id for record in memberships}):
        entries += _entries(
            _records(PanelMembership.history.filter(id=membership_id)),
            hidden_fields=frozenset(),
            subject=str(_("Wijkpanel membership")),
        )
    posts = WijkCoordinator.history.filter(user_id=user.pk)
    for post_id in sorted({record.id for record in posts}):
        entries += _entries(
            _records(WijkCoordinator.history.filter(id=post_id)),
            hidden_fields=frozenset(),
            subject=str(_("Wijk coordinator")),
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries

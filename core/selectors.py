"""Reads worth a name, shared by every app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Model, Q, QuerySet

from core.models import PanelMembership, Profile, ResidencyCodeBatch, User, Wijk, WijkPostcode


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


def residents_for_staff(*, wijk: Wijk | None = None, status: str | None = None) -> QuerySet:
    """Resident profiles for the staff list, with what the list shows."""
    qs = Profile.objects.select_related("user", "wijk", "verified_by__profile").order_by(
        "display_name"
    )
    if wijk is not None:
        qs = qs.filter(wijk=wijk)
    if status:
        qs = qs.filter(residency_status=status)
    return qs


def panel_memberships_of(*, user: User) -> QuerySet[PanelMembership]:
    """A user's panel memberships, current and past."""
    return PanelMembership.objects.filter(member=user).select_related("wijk")


def code_batches_for_staff() -> QuerySet[ResidencyCodeBatch]:
    """Code batches with their wijk, creator and use counts."""
    return ResidencyCodeBatch.objects.select_related("wijk", "created_by__profile").annotate(
        code_count=Count("codes"), used_count=Count("codes", filter=Q(codes__used_at__isnull=False))
    )


@dataclass
class TimelineEntry:
    """One change of an object as people read it."""

    when: datetime.datetime
    actor: str
    kind: str  # "created", "changed" or "deleted"
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _display(record, field_name: str, value) -> str:
    if value is None or value == "":
        return "–"
    try:
        model_field = record.instance_type._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a field that no longer exists: show the raw value
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def history_timeline(*, obj: Model, hidden_fields: frozenset[str] = frozenset()) -> list:
    """The object's audit trail, newest first: who, when, what changed and why."""
    records = list(
        obj.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries: list[TimelineEntry] = []
    previous = None
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    for record in records:
        changes: list[tuple[str, str, str]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden_fields:
                    continue
                label = str(record.instance_type._meta.get_field(change.field).verbose_name)
                changes.append(
                    (
                        label,
                        _display(record, change.field, change.old),
                        _display(record, change.field, change.new),
                    )
                )
        user = record.history_user
        entries.append(
            TimelineEntry(
                when=record.history_date,
                actor=str(user) if user else "Wijkplein",
                kind=kinds.get(record.history_type, "changed"),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries

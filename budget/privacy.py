"""What the wijkbudget adds to a person's data export, account deletion and retention.

A Participation says that (and when) someone voted, never what; the Ballot holds the
choices under a keyed hash and is never exported, changed or deleted here. After
account deletion or the retention period, a Participation no longer names the
account; the ballot keeps counting. Registered in BudgetConfig.ready(); see
docs/privacy.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from budget.models import Participation, Project, VotingCode
from core.models import User
from core.privacy import retention_cutoff, save_anonymised


def budget_export(*, user: User) -> dict[str, Any]:
    """The rounds the person voted in (how and when, not what) and the projects they proposed."""
    projects = Project.objects.filter(proposed_by=user).select_related("round")
    return {
        "votes_cast": [
            {
                "round": row.round.name,
                "via": row.via,
                "voted_at": row.voted_at,
                "changed_at": row.changed_at,
            }
            for row in Participation.objects.filter(user=user).select_related("round")
        ],
        "projects_proposed": [
            {
                "round": project.round.name,
                "title": project.title,
                "summary": project.summary,
                "description": project.description,
                "status": project.status,
                "created_at": project.created_at,
            }
            for project in projects
        ],
        "documents": [
            {"kind": "project photo", "project": project.title, "file": project.photo.name}
            for project in projects
            if project.photo
        ],
    }


def _unlink_participations(participations, *, reason: str) -> int:
    """Remove the account from participations and from their history; the count stays."""
    ids, voters = [], set()
    for participation in participations:
        voters.add(participation.user_id)
        participation.user = None
        save_anonymised(participation, reason=reason)
        ids.append(participation.pk)
    history = Participation.history.model.objects.filter(id__in=ids)
    history.update(user=None)
    # The voter was also the actor of their own "voted" and "changed" rows.
    history.filter(history_user_id__in=voters).update(history_user=None)
    return len(ids)


def budget_erase(*, user: User) -> None:
    """The person's participations no longer name them; their ballots keep counting."""
    _unlink_participations(
        Participation.objects.filter(user=user),
        reason=_("Account deleted at the resident's request"),
    )


def budget_retention(*, now: datetime.datetime, dry_run: bool) -> list[str]:
    """After the period, closed rounds' voter registry and voting-code addresses are removed."""
    reason = _("Retention period ended")
    cutoff = retention_cutoff("voter_registry", now=now)
    registry = Participation.objects.filter(round__voting_end__lt=cutoff, user__isnull=False)
    unlinked = registry.count() if dry_run else _unlink_participations(registry, reason=reason)

    cutoff = retention_cutoff("letter_codes", now=now)
    codes = VotingCode.objects.filter(batch__round__voting_end__lt=cutoff).exclude(postcode="")
    count = 0
    for code in codes:
        count += 1
        if dry_run:
            continue
        code.street = ""
        code.house_number = ""
        code.postcode = ""
        save_anonymised(code, reason=reason)
        VotingCode.history.model.objects.filter(id=code.pk).update(
            street="", house_number="", postcode=""
        )
    return [
        f"voter registry: {unlinked} participation(s) unlinked from their account",
        f"voting codes: {count} address(es) removed",
    ]

"""What resident initiatives add to a person's data export, account deletion and retention.

Registered with core.privacy in InitiativesConfig.ready(); see docs/privacy.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.privacy import delete_anonymised, erased_email, retention_cutoff, save_anonymised
from initiatives.models import (
    CoInitiatorInvitation,
    ContentReport,
    Initiative,
    InitiativeMember,
    ProgressUpdate,
    Support,
    Volunteer,
)


def _initiative_ref(initiative: Initiative) -> dict[str, Any]:
    return {"id": initiative.pk, "title": initiative.title, "wijk": initiative.wijk.name}


def initiatives_export(*, user: User) -> dict[str, Any]:
    """Initiatives the person started, runs, supports or volunteers for; updates and reports."""
    started = Initiative.objects.filter(created_by=user).select_related("wijk")
    documents = [
        {"kind": "initiative photo", "initiative": initiative.title, "file": initiative.photo.name}
        for initiative in started
        if initiative.photo
    ]
    return {
        "started": [
            {
                **_initiative_ref(initiative),
                "summary": initiative.summary,
                "description": initiative.description,
                "status": initiative.status,
                "place": initiative.place,
                "created_at": initiative.created_at,
            }
            for initiative in started
        ],
        "initiator_of": [
            {**_initiative_ref(row.initiative), "role": row.role, "joined_at": row.joined_at}
            for row in InitiativeMember.objects.filter(user=user).select_related("initiative__wijk")
        ],
        "supported": [
            {**_initiative_ref(row.initiative), "since": row.created_at}
            for row in Support.objects.filter(user=user).select_related("initiative__wijk")
        ],
        "volunteered": [
            {**_initiative_ref(row.initiative), "message": row.message, "since": row.created_at}
            for row in Volunteer.objects.filter(user=user).select_related("initiative__wijk")
        ],
        "updates_written": [
            {
                **_initiative_ref(row.initiative),
                "title": row.title,
                "text": row.text,
                "date": row.date,
            }
            for row in ProgressUpdate.objects.filter(author=user).select_related("initiative__wijk")
        ],
        "reports_made": [
            {**_initiative_ref(row.initiative), "reason": row.reason, "created_at": row.created_at}
            for row in ContentReport.objects.filter(reporter=user).select_related(
                "initiative__wijk"
            )
        ],
        "documents": documents,
    }


def initiatives_erase(*, user: User) -> None:
    """Initiatives, supports and updates stay (by a former resident); volunteering ends.

    A volunteer's sign-up exists so initiators can reach them, which is no longer
    possible, and its message may hold a phone number: the row goes, and its message
    is blanked in the history too.
    """
    reason = _("Account deleted at the resident's request")
    for volunteer in Volunteer.objects.filter(user=user):
        delete_anonymised(volunteer, reason=reason)
    Volunteer.history.model.objects.filter(user_id=user.pk).update(message="")
    # Invitations sent to this person's address no longer name them, and no longer work.
    now = timezone.now()
    for invitation in CoInitiatorInvitation.objects.filter(email__iexact=user.email):
        invitation.email = erased_email(user)
        invitation.expires_at = min(invitation.expires_at, now)
        save_anonymised(invitation, reason=reason)
    CoInitiatorInvitation.history.model.objects.filter(email__iexact=user.email).update(
        email=erased_email(user)
    )


def initiatives_retention(*, now: datetime.datetime, dry_run: bool) -> list[str]:
    """Invitations that expired unaccepted longer ago than the period are deleted."""
    cutoff = retention_cutoff("invitations", now=now)
    expired = CoInitiatorInvitation.objects.filter(
        Q(accepted_at__isnull=True) & Q(expires_at__lt=cutoff)
    )
    count = 0
    for invitation in expired:
        count += 1
        if dry_run:
            continue
        pk = invitation.pk
        delete_anonymised(invitation, reason=_("Retention period ended"))
        CoInitiatorInvitation.history.model.objects.filter(id=pk).update(email="")
    return [f"expired co-initiator invitations: {count} deleted"]

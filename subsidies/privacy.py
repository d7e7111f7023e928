"""What subsidy applications add to a person's data export and account deletion.

Registered with core.privacy in SubsidiesConfig.ready(); see docs/privacy.md for why
submitted applications and decisions are kept (legal retention).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.models import User
from core.privacy import save_anonymised
from subsidies.models import Application, Attachment, Status


def subsidies_export(*, user: User) -> dict[str, Any]:
    """The person's applications (with what they filled in) and the documents they uploaded."""
    applications = Application.objects.filter(created_by=user).select_related(
        "scheme", "initiative"
    )
    attachments = Attachment.objects.filter(uploaded_by=user).select_related("application")
    return {
        "applications": [
            {
                "reference": row.reference,
                "scheme": str(row.scheme),
                "initiative": row.initiative.title,
                "status": row.status,
                "purpose": row.purpose,
                "requested_amount": row.requested_amount,
                "other_funding": row.other_funding,
                "account_holder": row.account_holder,
                "iban": row.iban,
                "submitted_at": row.submitted_at,
                "granted_amount": row.granted_amount,
                "decided_at": row.decided_at,
                "report_story": row.report_story,
                "final_amount": row.final_amount,
            }
            for row in applications
        ],
        "documents": [
            {
                "kind": str(row.get_kind_display()),
                "application": str(row.application),
                "file_name": row.original_name,
                "size": row.size,
                "uploaded_at": row.uploaded_at,
            }
            for row in attachments
        ],
    }


def subsidies_erase(*, user: User) -> None:
    """Drafts lose the bank details; submitted applications stay whole (legal retention)."""
    reason = _("Account deleted at the resident's request")
    drafts = Application.objects.filter(created_by=user, status=Status.CONCEPT)
    for application in drafts:
        application.account_holder = ""
        application.iban = ""
        save_anonymised(application, reason=reason)
    Application.history.model.objects.filter(
        id__in=[application.pk for application in drafts]
    ).update(account_holder="", iban="")

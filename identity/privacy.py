"""identity's part of a resident's data export and account deletion (core.privacy).

Registered in IdentityConfig.ready(). The export says how the person logged in (never the
BSN hash, which is a key, not information about them); deletion removes the DigiD or
eHerkenning link, so the same person logging in again starts a new account, and the login
records and organisation links.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext as _

from core.models import User
from core.privacy import delete_anonymised
from identity.models import LoginMethod, LoginRecord, OrganisationMember


def identity_export(*, user: User) -> dict[str, Any]:
    """Linked DigiD/eHerkenning, the logins with their level, the organisations acted for."""
    return {
        "linked_logins": sorted(
            SocialAccount.objects.filter(user=user, provider__in=LoginMethod.values).values_list(
                "provider", flat=True
            )
        ),
        "logins": [
            {
                "method": record.method,
                "level_of_assurance": record.level_of_assurance,
                "at": record.logged_in_at,
                "organisation": record.organisation.kvk_number if record.organisation else None,
            }
            for record in LoginRecord.objects.filter(user=user).select_related("organisation")
        ],
        "organisations": [
            {"name": link.organisation.name, "kvk_number": link.organisation.kvk_number}
            for link in OrganisationMember.objects.filter(user=user).select_related("organisation")
        ],
    }


def identity_erase(*, user: User) -> None:
    """Remove the DigiD/eHerkenning links, login records and organisation links."""
    SocialAccount.objects.filter(user=user).delete()
    LoginRecord.objects.filter(user=user).delete()
    for link in OrganisationMember.objects.filter(user=user):
        delete_anonymised(link, reason=_("Account deleted at the resident's request"))

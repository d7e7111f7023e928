"""Reads of identity: the organisation someone acts for in this session, their logins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from core.models import User
from identity.models import LoginRecord, Organisation

# Set at an authorised eHerkenning login, for that session only.
ACTING_ORGANISATION_SESSION_KEY = "identity_acting_organisation"


def acting_organisation(*, user: User, session: Mapping[str, Any]) -> Organisation | None:
    """The organisation `user` logged in for with eHerkenning in this session, if any."""
    organisation_id = session.get(ACTING_ORGANISATION_SESSION_KEY)
    if not organisation_id or not user.is_authenticated:
        return None
    return Organisation.objects.filter(pk=organisation_id, members__user=user).first()


def logins_of(*, user: User) -> QuerySet[LoginRecord]:
    """The DigiD and eHerkenning logins of `user`, newest first."""
    return LoginRecord.objects.filter(user=user).select_related("organisation")

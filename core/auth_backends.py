"""Authentication backends that load the person's profile and staff role with the account.

Nearly every logged-in page asks the rules about the profile (wijk, residency), and every
logged-in request asks whether the person is council staff (StaffTwoFactorMiddleware), so
the account, its profile and the staff role come in one query. Otherwise Django's and
allauth's backends.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from core.roles import COUNCIL_STAFF


def load_user(user_id):
    """The account with its profile (or none) and whether it is council staff
    (`in_council_staff`, what core.rules.is_council_staff reads); None if gone."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding something that is no user id
        return None
    staff = model.groups.through.objects.filter(user=OuterRef("pk"), group__name=COUNCIL_STAFF)
    users = model.objects.select_related("profile").annotate(in_council_staff=Exists(staff))
    try:
        return users.filter(pk=pk).first()
    except OverflowError:  # an id beyond 64 bits (SQLite's driver refuses it): no user
        return None


class _WithProfile:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ProfileModelBackend(_WithProfile, ModelBackend):
    """Django's ModelBackend (staff logins in tests, force_login)."""


class ProfileAccountBackend(_WithProfile, AuthenticationBackend):
    """allauth's backend (e-mail login), which residents log in with."""

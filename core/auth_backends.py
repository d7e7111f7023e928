"""Authentication backends that load the person's profile and staff role with the account.

Nearly every logged-in page asks the rules about the profile (wijk, residency), and every
logged-in request asks whether the person is council staff (StaffTwoFactorMiddleware);
loading both with the user saves two queries per request. Otherwise Django's and allauth's
backends.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from core.roles import COUNCIL_STAFF


class _WithProfile:
    def get_user(self, user_id):
        model = get_user_model()
        staff = Group.objects.filter(user=OuterRef("pk"), name=COUNCIL_STAFF)
        try:
            user = (
                model._default_manager.select_related("profile")
                .annotate(in_staff_group=Exists(staff))
                .get(pk=user_id)
            )
        except model.DoesNotExist:
            return None
        user._is_council_staff = user.in_staff_group  # what core.rules.is_council_staff reads
        return user if self.user_can_authenticate(user) else None


class ProfileModelBackend(_WithProfile, ModelBackend):
    """Django's ModelBackend (staff logins in tests, force_login)."""


class ProfileAccountBackend(_WithProfile, AuthenticationBackend):
    """allauth's backend (e-mail login), which residents log in with."""

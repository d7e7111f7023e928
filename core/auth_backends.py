"""Authentication backends that load the person's profile with the account.

Nearly every logged-in page asks the rules about the profile (wijk, residency); loading
it with the user saves a query per request. Otherwise Django's and allauth's backends.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class _WithProfile:
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ProfileModelBackend(_WithProfile, ModelBackend):
    """Django's ModelBackend (staff logins in tests, force_login)."""


class ProfileAccountBackend(_WithProfile, AuthenticationBackend):
    """allauth's backend (e-mail login), which residents log in with."""

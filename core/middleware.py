"""Request middleware of core."""

from __future__ import annotations

from urllib.parse import quote

from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse

from core.rules import is_council_staff

# Pages a staff member without two-factor may still reach: setting it up,
# logging out, and the assets those pages need.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")


class StaffTwoFactorMiddleware:
    """Council staff must set up TOTP before they can do anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and is_council_staff(user)
            and not is_mfa_enabled(user)
        ):
            return redirect(
                reverse("mfa_activate_totp") + "?next=" + quote(request.get_full_path())
            )
        return self.get_response(request)

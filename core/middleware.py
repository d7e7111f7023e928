"""Request middleware of core."""

from __future__ import annotations

from urllib.parse import quote

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

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


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose another language with the switch.

    Browsers often send English even for Dutch residents; the municipality's
    site speaks Dutch first, so Accept-Language is not followed.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

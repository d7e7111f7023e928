"""Request middleware of core."""

from __future__ import annotations

import functools
from urllib.parse import quote

from allauth.mfa.utils import is_mfa_enabled
from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from core.rules import is_council_staff

# Pages a staff member without two-factor may still reach: setting it up,
# logging out, and the assets those pages need.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")


# The back offices: whoever may enter them (superusers, CMS editors and approvers,
# functional administrators) needs the second factor there, like council staff everywhere.
def _back_office_prefixes() -> tuple[str, str]:
    """The CMS admin and the staff pages, by their URLs (not written out twice)."""
    return (_admin_prefix(), reverse("core:staff_home"))


def needs_second_factor(user, path: str) -> bool:
    """Whether this logged-in user must have two-factor set up to open `path`."""
    if is_council_staff(user):
        return True
    return path.startswith(_back_office_prefixes()) and (
        user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


class StaffTwoFactorMiddleware:
    """Council staff must set up TOTP before they can do anything else, and so must anyone
    else (superusers included) before they enter the CMS admin or the staff pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and needs_second_factor(user, request.path)
            and not is_mfa_enabled(user)
        ):
            return redirect(
                reverse("mfa_activate_totp") + "?next=" + quote(request.get_full_path())
            )
        return self.get_response(request)


class AdminAccessMiddleware:
    """A logged-in user without access to Wagtail's admin gets the 403 page there.

    Wagtail sends such a user to its login page, which is allauth's; allauth sends a user who
    is logged in on to `next`, the admin again: an endless redirect. Anonymous visitors still
    go to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(_admin_prefix())
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied
        return self.get_response(request)


@functools.cache
def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


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


class SiteCSPMiddleware(CSPMiddleware):
    """A strict Content-Security-Policy for the site; Wagtail's admin gets inline scripts.

    The public pages load only our own scripts and styles (no inline code),
    so an injected <script> cannot run. Wagtail's admin templates contain
    inline scripts and styles, and only logged-in staff with two-factor reach it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith("/cms-admin/"):
            parts.replace = {
                **(parts.replace or {}),
                "script-src": [SELF, UNSAFE_INLINE],
                "style-src": [SELF, UNSAFE_INLINE],
                "img-src": [SELF, "data:", "blob:"],
            }
        return parts

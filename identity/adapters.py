"""allauth adapters: DigiD/eHerkenning refusals, login records, and the password switch."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.base.constants import AuthError
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.adapters import AccountAdapter as CoreAccountAdapter
from core.rules import is_council_staff
from identity.models import LoginMethod
from identity.oidc import BRP_SESSION_KEY
from identity.refusals import LoginRefused, refusal_response
from identity.selectors import ACTING_ORGANISATION_SESSION_KEY
from identity.services import login_record, organisation_authorise, residency_verify_by_brp


def _broker_name(provider: Any) -> str:
    return getattr(provider, "name", None) or "DigiD"


def _refuse(request: HttpRequest, code: str, provider: Any) -> None:
    raise ImmediateHttpResponse(
        refusal_response(request, LoginRefused(code, broker=_broker_name(provider)))
    )


def password_login_allowed(user: Any) -> bool:
    """With PASSWORD_LOGIN_ENABLED off, only staff and editors still log in by password."""
    if settings.PASSWORD_LOGIN_ENABLED:
        return True
    return bool(
        user.is_superuser or is_council_staff(user) or user.has_perm("wagtailadmin.access_admin")
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Refuses what the municipality does not accept, before anything is created."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # DigiD and eHerkenning stay open when the password sign-up is switched off.
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        provider = sociallogin.account.get_provider()
        process = (sociallogin.state or {}).get("process")
        user = request.user
        if process == AuthProcess.CONNECT and user.is_authenticated:
            if sociallogin.is_existing and sociallogin.user.pk != user.pk:
                _refuse(request, "bsn_other_account", provider)
            if (
                not sociallogin.is_existing
                and SocialAccount.objects.filter(
                    user=user, provider=sociallogin.account.provider
                ).exists()
            ):
                _refuse(request, "account_has_other_digid", provider)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        extra_context = extra_context or {}
        if error == AuthError.CANCELLED:
            code = "cancelled"
        elif exception is not None:
            code = "failed"
        elif "state_id" in extra_context:
            # No state in this session for that id: expired, replayed, or from another browser.
            code = "expired"
        else:
            code = "denied"
        _refuse(request, code, provider)


class AccountAdapter(CoreAccountAdapter):
    """core's adapter, plus what a DigiD or eHerkenning login leaves behind."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.PASSWORD_LOGIN_ENABLED

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is None and not password_login_allowed(user):
            messages.error(
                request,
                _("Logging in with e-mail and password is switched off. Log in with DigiD."),
            )
            return HttpResponseRedirect(reverse("account_login"))
        return None

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        request.session.pop(ACTING_ORGANISATION_SESSION_KEY, None)
        if sociallogin is not None:
            self._record_identity_login(request, user, sociallogin)
        return super().post_login(request, user, **kwargs)

    def _record_identity_login(self, request: HttpRequest, user: Any, sociallogin: Any) -> None:
        data = sociallogin.account.extra_data or {}
        method = data.get("method")
        if method not in LoginMethod.values:
            return
        organisation = None
        if method == LoginMethod.EHERKENNING:
            organisation = organisation_authorise(
                user=user, kvk_number=data["kvk"], name=data.get("organisation_name", "")
            )
            request.session[ACTING_ORGANISATION_SESSION_KEY] = organisation.pk
        address = request.session.pop(BRP_SESSION_KEY, None)
        if method == LoginMethod.DIGID and address:
            residency_verify_by_brp(
                user=user, postcode=address["postcode"], house_number=address["house_number"]
            )
        login_record(
            user=user,
            method=method,
            level_of_assurance=data.get("level", ""),
            organisation=organisation,
        )

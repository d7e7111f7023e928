"""The form of a first DigiD or eHerkenning login: the details DigiD does not give."""

from __future__ import annotations

from typing import Any

from allauth.core import context as allauth_context
from allauth.socialaccount.forms import SignupForm

from identity.models import LoginMethod
from identity.oidc import BRP_SESSION_KEY

RESIDENT_FIELDS = ("display_name", "postcode", "house_number", "birth_year", "declares_residency")


class SocialSignupForm(SignupForm):
    """DigiD: e-mail address and the resident's details, the address from the BRP when it
    gave one. eHerkenning: an e-mail address and a name; someone acting for an organisation
    need not live in a wijk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = allauth_context.request
        self.method = (self.sociallogin.account.extra_data or {}).get("method")
        if self.method == LoginMethod.EHERKENNING:
            for name in RESIDENT_FIELDS[1:]:
                self.fields.pop(name, None)
        elif request is not None and (address := request.session.get(BRP_SESSION_KEY)):
            for name in ("postcode", "house_number"):
                self.fields[name].initial = address[name]
                self.fields[name].disabled = True
                self.fields[name].help_text = ""

    def custom_signup(self, request: Any, user: Any) -> None:
        if self.method == LoginMethod.EHERKENNING:
            name = self.cleaned_data.get("display_name", "").strip()
            if name:
                user.first_name = name[:150]
                user.save(update_fields=["first_name"])
            return
        super().custom_signup(request, user)

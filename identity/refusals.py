"""Why a DigiD or eHerkenning login is refused, in words the person understands.

Every refusal leaves nothing behind: no account, no link, no organisation.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "cancelled": _("You cancelled the login with %(broker)s. Nothing was changed."),
    "denied": _(
        "%(broker)s did not let you log in. Nothing was changed; try again, or log in another way."
    ),
    "expired": _(
        "This login has expired or was already used. Nothing was changed; start again "
        "from the login page."
    ),
    "failed": _(
        "The login with %(broker)s could not be completed: its answer was invalid or has "
        "expired. Nothing was changed; start again from the login page."
    ),
    "loa_too_low": _(
        "Your login with %(broker)s is not secure enough for Wijkplein. Log in again with a "
        "stronger method, for example the DigiD app with an ID check."
    ),
    "no_bsn": _("%(broker)s did not give your citizen service number (BSN). Nothing was changed."),
    "bsn_other_account": _(
        "This DigiD already belongs to another Wijkplein account. Log out, then log in with "
        "DigiD to use that account."
    ),
    "account_has_other_digid": _(
        "Your Wijkplein account is already linked to another DigiD. Nothing was changed."
    ),
    "no_kvk": _(
        "The eHerkenning login did not name an organisation (KVK number). Nothing was changed."
    ),
    "no_authorisation": _(
        "You are not authorised to act for this organisation on Wijkplein. Ask whoever "
        "manages eHerkenning in your organisation for the authorisation for Wijkplein."
    ),
}


class LoginRefused(Exception):
    """A login refused for a reason in MESSAGES."""

    def __init__(self, code: str, *, broker: str) -> None:
        super().__init__(code)
        self.code = code
        self.broker = broker

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"broker": self.broker}


def refusal_response(request: HttpRequest, refused: LoginRefused) -> HttpResponse:
    """The page that says why, with the way back to the login page (403)."""
    return render(
        request,
        "identity/login_refused.html",
        {"refusal_code": refused.code, "message": refused.message},
        status=403,
    )

"""Why someone may not take part as a resident of a wijk, and what they can do about it.

Pages that refuse an action (proposing an initiative, supporting one, voting) show the
reason and the next step instead of a bare "No access": log in, sign up, or have the
address verified (core's residency verification: the letter code, a letter on request,
or a visit to the wijkbedrijf).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.models import ResidencyStatus, User, Wijk


@dataclass(frozen=True)
class Action:
    """A next step: a link with its text."""

    label: str
    url: str


@dataclass(frozen=True)
class Refusal:
    """Why the person is refused (`reason`), what to do (`advice`) and where (`actions`).

    `code` names the case for templates and tests: "login", "not_a_resident", "no_wijk",
    "unverified" or "other_wijk".
    """

    code: str
    reason: str
    advice: str
    actions: tuple[Action, ...] = field(default=())


def residency_refusal(
    *, user: User, wijk: Wijk | None = None, next_url: str = ""
) -> Refusal | None:
    """Why `user` is not a verified resident (of `wijk`, when given), or None when they are.

    `next_url` is where logging in or signing up returns to.
    """
    if not user.is_authenticated:
        query = f"?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else ""
        return Refusal(
            code="login",
            reason=_("You are not logged in."),
            advice=_(
                "Log in to Wijkplein. No account yet? Sign up with your postcode and house "
                "number; the municipality then verifies that you live in the wijk."
            ),
            actions=(
                Action(_("Log in"), reverse("account_login") + query),
                Action(_("Sign up"), reverse("account_signup") + query),
            ),
        )
    profile = getattr(user, "profile", None)
    if profile is None:
        return Refusal(
            code="not_a_resident",
            reason=_("This account has no resident's details: it is not a resident's account."),
            advice=_(
                "Only residents take part in their wijk. If you live in a wijk of Wijkplein, "
                "log in with your own resident's account."
            ),
        )
    if profile.wijk_id is None:
        return Refusal(
            code="no_wijk",
            reason=_("Your postcode does not lie in a wijk of Wijkplein."),
            advice=_(
                "Check your postcode and house number. If they are right, Wijkplein is not "
                "used in your wijk yet."
            ),
            actions=(Action(_("Check my details"), reverse("core:profile_edit")),),
        )
    if profile.residency_status != ResidencyStatus.VERIFIED:
        return Refusal(
            code="unverified",
            reason=_("Your address has not been verified yet."),
            advice=_(
                "The municipality checks that you live in the wijk. Enter the code from the "
                "letter sent to your address on your details page; no letter? Ask for one "
                "there, or visit the wijkbedrijf with your ID."
            ),
            actions=(
                Action(_("Verify my address"), reverse("core:my_profile") + "#verify-heading"),
            ),
        )
    if wijk is not None and profile.wijk_id != wijk.pk:
        return Refusal(
            code="other_wijk",
            reason=_("You live in %(own)s, not in %(wijk)s.")
            % {"own": profile.wijk.name, "wijk": wijk.name},
            advice=_("Residents take part in their own wijk."),
        )
    return None

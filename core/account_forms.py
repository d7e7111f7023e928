"""allauth forms we adjust: the password-reset form never tells whether an address has an account.

Sign-up keeps saying that an address is taken (ACCOUNT_PREVENT_ENUMERATION stays off for it,
and sign-up is rate limited), but "forgotten password" is where an address book is tried
out, so there the page is the same for every address and only the mailbox learns the answer:
a known address gets the link, an unknown one allauth's unknown-account e-mail.
"""

from __future__ import annotations

from allauth.account.forms import ResetPasswordForm
from django.core.exceptions import ValidationError


class PasswordResetForm(ResetPasswordForm):
    """allauth's reset form without the "no account with this address" error."""

    def clean_email(self) -> str:
        try:
            return super().clean_email()
        except ValidationError as error:
            if error.code != "unknown_email":
                raise
            self.users = []  # the flow then sends the unknown-account e-mail
            return self.cleaned_data["email"]

"""Forms of core: sign-up details, profile, letter codes, staff actions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import NotificationKind, Wijk, normalize_postcode, validate_postcode
from core.selectors import wijk_for_postcode
from core.services import profile_create


class ResidentDetailsMixin(forms.Form):
    """The fields a resident gives about themselves, with their checks."""

    display_name = forms.CharField(
        label=_("Name shown to others"),
        max_length=80,
        help_text=_("Your first name, or first name and initial, as neighbours may see it."),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=7,
        help_text=_("Your postcode decides which wijk you belong to, for example 6441 AB."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    house_number = forms.CharField(
        label=_("House number"),
        max_length=10,
        help_text=_("With any addition, for example 12a."),
    )
    birth_year = forms.IntegerField(
        label=_("Birth year (optional)"),
        required=False,
        help_text=_("Only used when a vote has a minimum age."),
    )
    declares_residency = forms.BooleanField(
        label=_("I declare that I live at this address."),
        required=False,
    )

    def clean_postcode(self) -> str:
        postcode = normalize_postcode(self.cleaned_data["postcode"])
        validate_postcode(postcode)
        if wijk_for_postcode(postcode=postcode) is None:
            raise ValidationError(
                _(
                    "This postcode does not belong to a wijk that Wijkplein serves. "
                    "Check the postcode, or contact the municipality."
                ),
                code="unknown_postcode",
            )
        return postcode

    def clean_house_number(self) -> str:
        value = self.cleaned_data["house_number"].strip()
        if not value or not value[0].isdigit():
            raise ValidationError(_("A house number starts with a digit, for example 12a."))
        return value

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        current = timezone.now().year
        if year is not None and not (current - 120 <= year <= current):
            raise ValidationError(_("Enter a birth year such as 1984."))
        return year


class SignupForm(ResidentDetailsMixin):
    """Extra sign-up fields that allauth adds to its own e-mail and password fields."""

    field_order = [
        "email",
        "display_name",
        "postcode",
        "house_number",
        "birth_year",
        "declares_residency",
        "password1",
        "password2",
    ]

    def signup(self, request, user) -> None:
        profile_create(
            user=user,
            display_name=self.cleaned_data["display_name"],
            postcode=self.cleaned_data["postcode"],
            house_number=self.cleaned_data["house_number"],
            birth_year=self.cleaned_data.get("birth_year"),
            declares_residency=self.cleaned_data.get("declares_residency", False),
        )


class ProfileForm(ResidentDetailsMixin):
    """A resident changes their own details."""


class ResidencyCodeForm(forms.Form):
    """The code from the letter the municipality sent to the resident's address."""

    code = forms.CharField(
        label=_("Code from the letter"),
        max_length=20,
        help_text=_("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class StaffVerifyForm(forms.Form):
    """Staff state how they checked a resident's address."""

    reason = forms.CharField(
        label=_("How was the address checked?"),
        max_length=200,
        help_text=_("For example: ID and proof of address seen at the wijkbedrijf."),
    )


class CodeBatchForm(forms.Form):
    """Staff list the addresses that get a letter with a residency code."""

    wijk = forms.ModelChoiceField(label=_("Wijk"), queryset=Wijk.objects.all())
    addresses = forms.CharField(
        label=_("Addresses, one per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Write each line as 'Street 12a, 6441 AB'."),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class VoidBatchForm(forms.Form):
    """Why a batch of codes is voided."""

    reason = forms.CharField(label=_("Reason"), max_length=200)


class LetterRequestCloseForm(forms.Form):
    """How staff handled a resident's request for a letter without printing it here."""

    reason = forms.CharField(
        label=_("How was it handled?"),
        max_length=200,
        help_text=_("For example: verified at the desk, or the address does not exist."),
    )


class NotificationPreferencesForm(forms.Form):
    """Which kinds of e-mail a resident wants (all on by default)."""

    wanted = forms.MultipleChoiceField(
        label=_("E-mail me about"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AccountDeleteForm(forms.Form):
    """Deleting one's account: the password again, and a box that says what it means."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_("I understand that my account is deleted and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm that you want this.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This password is not correct."), code="wrong_password")
        return password

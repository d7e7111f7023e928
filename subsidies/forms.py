"""Forms of subsidies: schemes, the application with its budget, decisions and the report."""

from __future__ import annotations

import os

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plumbing.forms_fields import AmountField
from plumbing.uploads import clean_document, clean_image
from subsidies.models import Application, CostCategory, Scheme
from subsidies.services import LineInput
from subsidies.services.schemes import SCHEME_FIELDS
from subsidies.validators import normalize_iban, validate_iban, validate_no_markup

BLANK_LINES = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _money_field(label, **kwargs) -> AmountField:
    return AmountField(label=label, max_digits=10, decimal_places=2, **kwargs)


def _checked(upload, cleaner):
    """Run a plumbing.uploads check and keep the name the resident gave the file (for display)."""
    if not upload:
        return None
    original = os.path.basename(str(upload.name))[:200]
    checked = cleaner(upload)
    checked.original_name = original
    return checked


class SchemeForm(forms.ModelForm):
    """Staff define a scheme for a wijk (or the whole municipality) and a year."""

    reason = forms.CharField(
        label=_("Reason for the change (optional)"),
        max_length=200,
        required=False,
        validators=[validate_no_markup],
    )

    class Meta:
        model = Scheme
        fields = SCHEME_FIELDS
        # Amounts are typed as the page's language writes them: "1.250,50" in Dutch.
        field_classes = dict.fromkeys(("pot", "min_amount", "max_amount"), AmountField)
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "eligibility": forms.Textarea(attrs={"rows": 5}),
        }


class StartApplicationForm(forms.Form):
    """Which of the resident's initiatives applies."""

    initiative = forms.ModelChoiceField(label=_("For which initiative?"), queryset=None)

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = initiatives


class ApplicationForm(forms.ModelForm):
    """The application as the initiators write it; a draft may be incomplete."""

    quote = forms.FileField(
        label=_("Add a quote (optional)"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 10 MB. Choose the file again after an error."),
    )
    declaration = forms.BooleanField(
        label=_(
            "I declare that I filled in this application truthfully, that the money is spent "
            "on this initiative only, and that I will report on how it was spent."
        ),
        required=False,
    )

    class Meta:
        model = Application
        fields = [
            "purpose",
            "requested_amount",
            "other_funding",
            "other_funding_amount",
            "starts_on",
            "ends_on",
            "expected_participants",
            # The addressee of the decision letter (a person or an organisation).
            "applicant_name",
            "applicant_street",
            "applicant_house_number",
            "applicant_postcode",
            "applicant_town",
            "account_holder",
            "iban",
            "declaration",
        ]
        field_classes = dict.fromkeys(("requested_amount", "other_funding_amount"), AmountField)
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 6}),
            "other_funding": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "iban": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "applicant_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "applicant_street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "applicant_house_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "applicant_postcode": forms.TextInput(
                attrs={"autocomplete": "postal-code", "spellcheck": "false"}
            ),
            "applicant_town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        labels = {
            "applicant_name": _("Name of the applicant (person or organisation)"),
            "applicant_street": _("Street of the applicant"),
            "applicant_house_number": _("House number of the applicant"),
            "applicant_postcode": _("Postcode of the applicant"),
            "applicant_town": _("Town of the applicant"),
        }
        help_texts = {
            "iban": _("The account the subsidy is paid to, for example NL91 ABNA 0417 1643 00."),
            "applicant_name": _(
                "The decision letter is addressed to this name: your full name, or the "
                "registered name of your association or foundation."
            ),
            "applicant_street": _("The postal address the decision letter is sent to."),
            "applicant_postcode": _("For example 6441 AB."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_funding_amount"].required = False

    def clean_iban(self) -> str:
        value = normalize_iban(self.cleaned_data.get("iban", ""))
        validate_iban(value)
        return value

    def clean_quote(self):
        return _checked(self.cleaned_data.get("quote"), clean_document)


class LineForm(forms.Form):
    """One budget line (or line of actual costs); a completely empty row is skipped."""

    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, validators=[validate_no_markup]
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=CostCategory.choices, initial=CostCategory.OTHER
    )
    amount = _money_field(_("Amount (euro)"), required=False)

    def clean(self):
        data = super().clean()
        description = (data.get("description") or "").strip()
        amount = data.get("amount")
        if description and amount is None:
            self.add_error("amount", _("Fill in the amount of this line."))
        if amount is not None and not description:
            self.add_error("description", _("Describe what this amount is for."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or "").strip() and data.get("amount") is None


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[LineInput]:
        """The filled-in rows, in order."""
        return [
            LineInput(
                description=form.cleaned_data["description"].strip(),
                category=form.cleaned_data["category"],
                amount=form.cleaned_data["amount"],
            )
            for form in self.forms
            if form.is_valid() and not form.is_blank
        ]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, max_num=60, validate_max=True
)


def line_formset(*, data=None, lines=(), prefix="lines") -> BaseLineFormSet:
    """The stored lines plus a few empty rows to add more (no JavaScript needed)."""
    initial = [
        {"description": line.description, "category": line.category, "amount": line.amount}
        for line in lines
    ]
    formset = LineFormSet(data=data, initial=initial, prefix=prefix)
    if data is None:
        formset.extra = BLANK_LINES
    return formset


class DecisionForm(forms.Form):
    """Staff decide: grant, grant partly or reject, with grounds."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("grant", _("Grant the requested amount")),
            ("partly_grant", _("Grant partly")),
            ("reject", _("Reject")),
        ],
    )
    amount = _money_field(
        _("Amount granted (euro)"),
        required=False,
        help_text=_("Only for a partial grant; a full grant is the requested amount."),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_markup],
    )
    conditions = forms.CharField(
        label=_("Conditions (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
    )
    deviation_reasons = forms.CharField(
        label=_("Reasons for deviating from the wijkpanel's advice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
        help_text=_("Required when you grant against negative advice or reject against positive."),
    )

    def __init__(self, *args, other_funding: list[str] | tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if other_funding:
            # One initiative, one source of money: shown only when another source exists;
            # the service refuses a grant without it.
            self.fields["funding_overlap_reason"] = forms.CharField(
                label=_("Why grant a subsidy although the wijkbudget funds this initiative"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[validate_no_markup],
                help_text=_("Required for a grant. Also funded by: %(sources)s.")
                % {"sources": "; ".join(other_funding)},
            )


class StepForm(forms.Form):
    """A staff step with a reason or question for the applicants."""

    reason = forms.CharField(
        label=_("Reason or question for the applicants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
    )


class ReportForm(forms.Form):
    """The report (verantwoording): participants, a short story, receipts and photos."""

    participants = forms.IntegerField(
        label=_("Number of participants"), min_value=0, required=False
    )
    story = forms.CharField(
        label=_("How did it go?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_markup],
    )
    receipt = forms.FileField(
        label=_("Add a receipt or invoice (optional)"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
    )
    photo = forms.FileField(
        label=_("Add a photo (optional)"),
        required=False,
        help_text=_("JPG or PNG, at most 8 MB."),
    )

    def clean_receipt(self):
        return _checked(self.cleaned_data.get("receipt"), clean_document)

    def clean_photo(self):
        return _checked(self.cleaned_data.get("photo"), clean_image)


class SettleForm(forms.Form):
    """Staff fix the final amount after the report."""

    final_amount = _money_field(_("Final amount (euro)"))
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_markup],
    )


class ReissueForm(forms.Form):
    """Why a decision letter is issued again."""

    reason = forms.CharField(label=_("Why is the letter issued again?"), max_length=250)

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"]
        validate_no_markup(value)
        if not value.strip():
            raise ValidationError(_("Give a reason."))
        return value

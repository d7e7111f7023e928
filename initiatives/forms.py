"""Forms of resident initiatives: they validate input; the services do the rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import PUBLIC_STATUSES, Initiative, InitiativeStatus, Theme
from plumbing.forms_fields import AmountField
from plumbing.uploads import clean_image


class InitiativeForm(forms.ModelForm):
    """What a resident tells about their initiative."""

    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
        error_messages={"required": _("Choose at least one theme.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_(
            "A JPG or PNG of at most 8 MB. If the form shows an error, choose the photo again."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    estimated_cost = AmountField(
        label=_("Estimated cost in euros (optional)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=_("For example 250 or 1,250.50."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        localize=True,
        help_text=_("A point on the map, for example 50,946."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        localize=True,
        help_text=_("For example 5,971."),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "description",
            "themes",
            "place",
            "latitude",
            "longitude",
            "photo",
            "needs_volunteers",
            "needs_materials",
            "needs_money",
            "estimated_cost",
        ]
        labels = {
            "title": _("Title"),
            "summary": _("Short summary"),
            "description": _("Description"),
            "place": _("Place (optional)"),
            "needs_volunteers": _("We are looking for volunteers"),
            "needs_materials": _("We need materials"),
            "needs_money": _("We need money"),
        }
        help_texts = {
            "summary": _("One or two sentences; shown in the overview."),
            "description": _("What do you want to do, for whom, and why?"),
            "place": _("An address or a description, for example 'the playground on Kerkstraat'."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload or not hasattr(upload, "content_type"):
            # Nothing new chosen (or the stored photo on an edit).
            return None
        return clean_image(upload)

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned

    def service_data(self) -> dict:
        """The cleaned fields the services accept (the photo goes separately)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "photo"}


class TransitionForm(forms.Form):
    """Confirm a step, with a reason when one is needed.

    A decision's reasoning is public and kept in full; other reasons go into the
    audit trail, whose reason column holds 100 characters.
    """

    def __init__(self, *args, reason_required: bool = False, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        label = _("Reason") if reason_required else _("Reason (optional)")
        if public:
            self.fields["reason"] = forms.CharField(
                label=label,
                required=reason_required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("The reasoning of a decision is shown on the public page."),
            )
        else:
            self.fields["reason"] = forms.CharField(
                label=label,
                required=reason_required,
                max_length=100,
                help_text=_("At most 100 characters."),
            )


class VolunteerForm(forms.Form):
    """Sign up to help, with a short message for the initiators."""

    message = forms.CharField(
        label=_("Message to the initiators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example what you can do and when. Only the initiators read it."),
    )


class InvitationForm(forms.Form):
    """Invite a co-initiator by e-mail."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class ProgressUpdateForm(forms.Form):
    """Tell the wijk how the initiative is going."""

    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )


class ReportForm(forms.Form):
    """Report content to the moderators."""

    reason = forms.CharField(
        label=_("What is wrong with it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ModerationForm(forms.Form):
    """Why staff hide (or show again, or dismiss a report); told to the initiators."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The initiators receive this reason by e-mail."),
    )


class OverviewFilterForm(forms.Form):
    """Filters of the public overview (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))]
        + [(value, label) for value, label in InitiativeStatus.choices if value in PUBLIC_STATUSES],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"theme": "", "status": "", "text": ""}
        data = self.cleaned_data
        return {"theme": data["theme"], "status": data["status"], "text": data["q"]}

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if "\x00" in value:
            raise ValidationError(_("Enter a search text."))
        return value

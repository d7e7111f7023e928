"""Forms of the wijkbudget: rounds, proposals, decisions, the ballot, codes and imports."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from budget import selectors
from budget.models import (
    RULE_EXPLANATIONS,
    BallotStyle,
    CountingRule,
    Project,
    RealisationStage,
    Round,
)
from budget.services.rounds import subsidy_overlap
from core.models import Wijk
from initiatives.models import Initiative, InitiativeStatus
from plumbing.forms_fields import AmountField
from plumbing.uploads import clean_image

MAX_PB_BYTES = 25 * 1024 * 1024
NOT_ON_BALLOT = "Your ballot names a project that is not on this ballot. Please choose again."


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.ModelForm):
    """Staff set up a round: budget, phases, ballot, rule and eligibility."""

    class Meta:
        model = Round
        fields = [
            "name",
            "description",
            "budget",
            "proposals_start",
            "review_start",
            "voting_start",
            "voting_end",
            "realisation_start",
            "ballot_style",
            "min_choices",
            "max_choices",
            "min_budget_share",
            "points_total",
            "rule",
            "min_age",
            "allow_letter_codes",
            "electorate",
            "review_due_days",
        ]
        field_classes = {"budget": AmountField}
        widgets = {
            name: DateTimeLocalInput()
            for name in (
                "proposals_start",
                "review_start",
                "voting_start",
                "voting_end",
                "realisation_start",
            )
        } | {
            "description": forms.Textarea(attrs={"rows": 4}),
            "electorate": forms.RadioSelect,
            "rule": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a post (an older form, a script): the round keeps what it has.
        self.fields["electorate"].required = False
        # Staff choose a counting rule by what it does, not by its Pabulib name.
        self.fields["rule"].choices = [
            (value, format_lazy("{}: {}", label, RULE_EXPLANATIONS[value]))
            for value, label in CountingRule.choices
        ]

    def clean_electorate(self) -> str:
        return self.cleaned_data.get("electorate") or self.instance.electorate


class RoundCreateForm(RoundForm):
    """A new round also names its wijk."""

    wijk = forms.ModelChoiceField(label=_("Wijk"), queryset=Wijk.objects.all())

    class Meta(RoundForm.Meta):
        fields = ["wijk", *RoundForm.Meta.fields]


class ProjectProposalForm(forms.Form):
    """A resident's project idea, or an existing initiative put forward."""

    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Short summary"),
        max_length=280,
        help_text=_("One or two sentences: what will there be, and for whom?"),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)
    initiative = forms.ModelChoiceField(
        label=_("Existing initiative (optional)"),
        queryset=Initiative.objects.none(),
        required=False,
        help_text=_(
            "Put forward an initiative that is already running in your wijk. An initiative "
            "that already received a subsidy goes on the ballot only if the municipality "
            "states why: one initiative, one source of money."
        ),
    )

    def __init__(self, *args, budget_round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(
            wijk=budget_round.wijk,
            status__in=[InitiativeStatus.PUBLISHED, InitiativeStatus.IN_PROGRESS],
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return clean_image(photo) if photo else None


class ProjectDecisionForm(forms.Form):
    """Staff decide on feasibility: the cost estimate and a public reason."""

    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("mark_eligible", _("Eligible: put it on the ballot")),
            ("mark_ineligible", _("Not eligible")),
        ],
        widget=forms.RadioSelect,
    )
    cost = AmountField(
        label=_("Cost estimate (euro)"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Residents see this reason with the project."),
    )

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        overlap = subsidy_overlap(project) if project is not None else []
        if overlap:
            # One initiative, one source of money: shown only when the initiative already has
            # a granted subsidy; the service refuses to put it on the ballot without it.
            self.fields["funding_overlap_reason"] = forms.CharField(
                label=_("Why put it on the ballot although its initiative has a subsidy"),
                required=False,
                max_length=1000,
                initial=project.funding_overlap_reason if project else "",
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Required to put it on the ballot. Already granted: %(sources)s. "
                    "Kept with your name in the project's history."
                )
                % {"sources": "; ".join(overlap)},
            )


class ReasonForm(forms.Form):
    """A short reason for a staff step."""

    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class StepForm(forms.Form):
    """A staff step on a round or its result that is confirmed on a page of its own, with a
    reason for the history (required where the step takes something back)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history of the round, with your name."),
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            self.fields["reason"].label = _("Reason (optional)")


class ProgressForm(forms.Form):
    """A progress update on a funded project."""

    stage = forms.ChoiceField(label=_("Stage"), choices=RealisationStage.choices)
    text = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}))


class BallotForm(forms.Form):
    """The ballot: tick projects, or give points; the service checks the round's rules."""

    def __init__(self, *args, budget_round: Round, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_round = budget_round
        self.projects = list(projects)
        self.uses_points = budget_round.ballot_style == BallotStyle.POINTS
        if self.uses_points:
            for project in self.projects:
                self.fields[f"points_{project.pk}"] = forms.IntegerField(
                    label=project.title,
                    min_value=0,
                    max_value=budget_round.points_total,
                    required=False,
                    error_messages={
                        "invalid": _("Enter a whole number of points."),
                        "min_value": _("Points cannot be negative."),
                        "max_value": _("You have %(limit_value)s points to distribute."),
                    },
                )
        else:
            self.fields["projects"] = forms.TypedMultipleChoiceField(
                label=_("Projects"),
                choices=[(project.pk, project.title) for project in self.projects],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _(NOT_ON_BALLOT),
                    "invalid_list": _("The ballot could not be read. Please fill it in again."),
                },
            )

    def clean(self):
        data = super().clean()
        if self.uses_points:
            unknown = [
                key
                for key in self.data
                if key.startswith("points_") and key not in self.fields and self.data.get(key)
            ]
            if unknown:
                raise ValidationError(_(NOT_ON_BALLOT))
        return data

    def choices(self) -> dict[int, int]:
        """The cleaned ballot as {project pk: points}."""
        if self.uses_points:
            return {
                project.pk: self.cleaned_data.get(f"points_{project.pk}") or 0
                for project in self.projects
                if self.cleaned_data.get(f"points_{project.pk}")
            }
        return dict.fromkeys(self.cleaned_data.get("projects") or [], 1)


class PaperBallotForm(BallotForm):
    """A paper form typed in by staff, against the voter register: the resident's account
    (their e-mail address) or the letter code handed in with the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident_email"] = forms.EmailField(
            label=_("Resident with an account: e-mail address"),
            required=False,
            help_text=_("Ask the resident for the e-mail address of their Wijkplein account."),
        )
        self.fields["code"] = forms.CharField(
            label=_("Or: the voting code from the letter handed in"),
            max_length=20,
            required=False,
            help_text=_("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )

    def clean(self):
        data = super().clean()
        email = (data.get("resident_email") or "").strip()
        code = (data.get("code") or "").strip()
        if bool(email) == bool(code):
            raise ValidationError(
                _(
                    "Enter either the resident's e-mail address or the voting code from the "
                    "letter handed in with the form (one of the two)."
                )
            )
        data["resident"] = None
        if email:
            data["resident"] = selectors.resident_by_email(email=email)
            if data["resident"] is None:
                self.add_error(
                    "resident_email", _("There is no Wijkplein account with this e-mail address.")
                )
        return data


class PaperReceivedForm(forms.Form):
    """How many paper forms the round received (counted by hand at the wijkbedrijf)."""

    received = forms.IntegerField(
        label=_("Paper forms received"),
        min_value=0,
        max_value=1_000_000,
        help_text=_(
            "All forms handed in or posted, valid or not. Counting waits until the forms "
            "entered and set aside add up to this number."
        ),
    )


class PaperDiscardForm(forms.Form):
    """Why a colleague's paper entry is discarded, and what happens with the paper form."""

    outcome = forms.ChoiceField(
        label=_("The paper form"),
        choices=[
            ("retype", _("was typed in wrongly: it will be entered again")),
            ("set_aside", _("is not valid: it is set aside and does not count")),
        ],
        initial="retype",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for discarding"),
        max_length=500,
        help_text=_("For example: typed in wrongly, or the form is not valid."),
    )


class VotingCodeForm(forms.Form):
    """The voting code from the letter."""

    code = forms.CharField(
        label=_("Voting code from the letter"),
        max_length=20,
        help_text=_("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class ReceiptForm(forms.Form):
    """A receipt code to check that a ballot is counted."""

    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        help_text=_("The code on your receipt, for example ABCD-EFGH-JKMN."),
    )


class VotingCodeBatchForm(forms.Form):
    """Addresses that get a letter with a voting code."""

    addresses = forms.CharField(
        label=_("Addresses, one per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Write each line as 'Street 12a, 6441 AB'."),
    )


class PbImportForm(forms.Form):
    """Staff load a Pabulib .pb file as a rehearsal round."""

    wijk = forms.ModelChoiceField(label=_("Wijk"), queryset=Wijk.objects.all())
    name = forms.CharField(label=_("Name of the rehearsal round"), max_length=120)
    file = forms.FileField(label=_("Pabulib file (.pb)"))
    rule = forms.ChoiceField(
        label=_("Counting rule"),
        choices=[("", _("As in the file")), *CountingRule.choices],
        required=False,
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PB_BYTES:
            raise ValidationError(_("The file is too large; the maximum is 25 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The file is not UTF-8 text.")) from error

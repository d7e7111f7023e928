"""Forms of the wijkpanel review: declaration, a member's review, the advice, proceeding,
the assignment to members and a substitute chair."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import User
from review.models import SCORE_MAX, SCORE_MIN, Advice, Review
from review.selectors import ReviewPanel

# Radio groups are rendered as a fieldset with a legend (templates/review/forms/radio_field.html).
RADIO_TEMPLATE = "review/forms/radio_field.html"


def _radios() -> forms.RadioSelect:
    css = "utrecht-radio-button utrecht-radio-button--html-input"
    return forms.RadioSelect(attrs={"class": css})


YES_NO = [("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I have one"))]
SCORE_CHOICES = [(value, str(value)) for value in range(SCORE_MIN, SCORE_MAX + 1)]


class DeclarationForm(forms.Form):
    """Whether the member has a conflict of interest, and what it is."""

    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this submission?"),
        help_text=_(
            "For instance: you or someone close to you is involved, or you gain or lose by it. "
            "With a conflict you are recused: you do not review and do not see the other "
            "reviews or the advice before it is published."
        ),
        choices=YES_NO,
        widget=_radios(),
        template_name=RADIO_TEMPLATE,
        error_messages={"required": _("Choose yes or no.")},
    )
    conflict_explanation = forms.CharField(
        label=_("Explain your conflict of interest"),
        help_text=_("Only if you answered yes."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") == "yes" and not data.get("conflict_explanation", "").strip():
            self.add_error("conflict_explanation", _("Explain what your conflict of interest is."))
        return data


class MemberReviewForm(forms.Form):
    """A score from 1 to 5 per criterion of the review, an advice and the reasons."""

    advice = forms.ChoiceField(
        label=_("Your advice"),
        choices=Advice.choices,
        widget=_radios(),
        template_name=RADIO_TEMPLATE,
        error_messages={"required": _("Choose your advice.")},
    )
    reasoning = forms.CharField(
        label=_("Your reasoning"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Explain your advice.")},
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(review.criteria)
        score_fields = {}
        for index, (_key, label) in enumerate(review.criteria_labelled):
            score_fields[f"score_{index}"] = forms.TypedChoiceField(
                label=label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=_radios(),
                template_name=RADIO_TEMPLATE,
                help_text=_("1 is very weak, 5 is very strong."),
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
        # Scores first, as the page asks them first.
        self.fields = {**score_fields, **self.fields}

    @property
    def score_fields(self):
        return [self[name] for name in self.fields if name.startswith("score_")]

    @property
    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"score_{index}"] for index, key in enumerate(self.criteria)}

    @staticmethod
    def initial_for(*, review: Review, scores: dict, advice: str, reasoning: str) -> dict:
        initial = {"advice": advice, "reasoning": reasoning}
        for index, key in enumerate(review.criteria):
            if key in scores:
                initial[f"score_{index}"] = scores[key]
        return initial


class AdviceForm(forms.Form):
    """The panel's advice, written by the chair."""

    advice = forms.ChoiceField(
        label=_("Advice of the panel"),
        choices=Advice.choices,
        widget=_radios(),
        template_name=RADIO_TEMPLATE,
        error_messages={"required": _("Choose the panel's advice.")},
    )
    text = forms.CharField(
        label=_("Reasoning of the panel"),
        help_text=_("Published with the decision; do not name individual members."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        error_messages={"required": _("Give the reasoning of the panel.")},
    )


class ProceedWithoutAdviceForm(forms.Form):
    """Why staff go on without the panel's advice."""

    reason = forms.CharField(
        label=_("Why do you proceed without advice?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("State why you proceed without advice.")},
    )


class AssignForm(forms.Form):
    """The members a review is assigned to; none ticked: the whole panel."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members who review this submission"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick none to leave the review to the whole panel. Whoever chairs the review "
            "always reviews too; recused members do not count."
        ),
    )

    def __init__(self, *args, panel: ReviewPanel, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        field.queryset = User.objects.filter(pk__in=[seat.member.pk for seat in panel.seats])
        recused = {seat.member.pk for seat in panel.recusals}
        labels = {seat.member.pk: str(seat.member) for seat in panel.seats}
        field.label_from_instance = lambda user: (
            _("%(name)s (recused)") % {"name": labels.get(user.pk, str(user))}
            if user.pk in recused
            else labels.get(user.pk, str(user))
        )


class SubstituteForm(forms.Form):
    """The member who chairs one review instead of a recused or absent chair and vice-chair."""

    member = forms.ModelChoiceField(
        label=_("Substitute chair"),
        queryset=None,
        required=False,
        empty_label=_("Nobody (the chair or vice-chair chairs)"),
        help_text=_("Only members who are not recused from this review."),
    )
    reason = forms.CharField(
        label=_("Why does a substitute chair this review?"),
        help_text=_("For instance: the chair and the vice-chair are recused or absent."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, panel: ReviewPanel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = User.objects.filter(
            pk__in=[seat.member.pk for seat in panel.seats if not seat.recused]
        )

"""Staff pages of the wijkbudget: rounds, projects, codes, paper ballots, counting, import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from budget import selectors, services
from budget.forms import (
    PaperBallotForm,
    PaperDiscardForm,
    PaperReceivedForm,
    PbImportForm,
    ProgressForm,
    ProjectDecisionForm,
    RoundCreateForm,
    RoundForm,
    StepForm,
    VotingCodeBatchForm,
)
from budget.models import PaperEntry, ProjectStatus, VotingCodeBatch
from budget.services.rounds import (
    round_delete_refusal,
    round_has_proposals_or_votes,
    round_is_locked,
)
from budget.views.common import project_by_pk, round_by_pk
from core.selectors import history_timeline
from core.services import parse_address_lines
from plumbing.pdf import render_pdf
from plumbing.permissions import object_permission_required
from plumbing.views import apply_errors, form_view
from review.selectors import review_for


def _no_object(request, **kwargs):
    return None


def _round_url(budget_round) -> str:
    return reverse("budget:staff_round", kwargs={"pk": budget_round.pk})


def _error_message(request, error: Exception) -> None:
    messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))


@object_permission_required("budget.manage_round", _no_object)
def round_list(request, obj=None):
    """The rounds of the officer's wijken, with the number of projects and voters."""
    return render(
        request,
        "budget/round_staff_list.html",
        {"rounds": selectors.rounds_for_staff(user=request.user)},
    )


def _only_own_wijken(request, form):
    """Offer only the wijken the budget officer runs rounds in (the service checks too)."""
    form.fields["wijk"].queryset = selectors.wijken_of_budget_officer(user=request.user)
    return form


@object_permission_required("budget.manage_round", _no_object)
def round_create(request, obj=None):
    """Open a new round."""

    def create(form):
        data = dict(form.cleaned_data)
        return services.round_create(actor=request.user, wijk=data.pop("wijk"), **data)

    return form_view(
        request,
        _only_own_wijken(request, RoundCreateForm(request.POST or None)),
        service=create,
        template="budget/round_form.html",
        context={"round": None},
        success_url=_round_url,
        success_message=_(
            "The round has been created as a draft: only staff see it until you publish it."
        ),
    )


@object_permission_required("budget.manage_round", round_by_pk)
def round_edit(request, obj):
    """Change a round; what decides the outcome is locked once a ballot exists."""
    # The form writes into a copy of the row; the service re-reads it under a lock.
    return form_view(
        request,
        RoundForm(request.POST or None, instance=obj),
        service=lambda form: services.round_update(
            actor=request.user,
            budget_round=obj,
            **{name: form.cleaned_data[name] for name in RoundForm.Meta.fields},
        ),
        template="budget/round_form.html",
        context=lambda: {"round": obj, "locked": round_is_locked(obj)},
        success_url=_round_url(obj),
        success_message=_("The round has been saved."),
    )


@object_permission_required("budget.manage_round", round_by_pk)
def round_detail(request, obj):
    """A round for staff: phase, projects, turnout, paper ballots, count and publish."""
    return render(
        request,
        "budget/round_staff_detail.html",
        {
            "round": obj,
            "projects": selectors.projects_for_staff(budget_round=obj),
            "summary": selectors.participation_summary(budget_round=obj),
            "channels": selectors.ballots_by_channel(budget_round=obj),
            "eligible": selectors.eligible_voter_count(budget_round=obj),
            "locked": round_is_locked(obj),
            "result": getattr(obj, "result", None),
            "timeline": history_timeline(obj=obj),
            "can_publish": obj.is_draft and request.user.has_perm("budget.publish_round", obj),
            "can_unpublish": not obj.is_draft
            and request.user.has_perm("budget.publish_round", obj)
            and not round_has_proposals_or_votes(obj),
            "delete_refusal": round_delete_refusal(obj),
        },
    )


# Publishing a draft round, and taking it back: the page that asks to confirm each step.
ROUND_STEPS = {
    "publish": {
        "title": gettext_lazy("Publish this round"),
        "warning": gettext_lazy(
            "Are you sure? Once published, everyone sees the round, its dates and its "
            "projects, and residents are told when voting opens."
        ),
        "button": gettext_lazy("Publish the round"),
        "done": gettext_lazy("The round has been published: residents see it now."),
    },
    "back_to_draft": {
        "title": gettext_lazy("Back to draft"),
        "warning": gettext_lazy(
            "Residents no longer see the round. This is possible only while it has no "
            "proposals and no ballots. Say why."
        ),
        "button": gettext_lazy("Make it a draft again"),
        "done": gettext_lazy("The round is a draft again: only staff see it."),
    },
}


def _round_step(request, obj, action: str):
    """Staff confirm a step of the round's publication (budget/workflow.py) on its own page."""
    step = ROUND_STEPS[action]
    return form_view(
        request,
        StepForm(
            request.POST if request.method == "POST" else None,
            reason_required=action == "back_to_draft",
        ),
        service=lambda form: services.round_transition(
            actor=request.user,
            budget_round=obj,
            action=action,
            reason=form.cleaned_data["reason"],
        ),
        template="budget/round_step_confirm.html",
        context={
            "round": obj,
            "step": step,
            "cancel_url": _round_url(obj),
        },
        invalid_status=400,
        success_url=_round_url,
        success_message=step["done"],
    )


@object_permission_required("budget.manage_round", round_by_pk)
def round_publish(request, obj):
    """Publish a draft round: residents see it from then on."""
    return _round_step(request, obj, "publish")


@object_permission_required("budget.manage_round", round_by_pk)
def round_back_to_draft(request, obj):
    """Take a published round back to draft, while nobody has taken part in it."""
    return _round_step(request, obj, "back_to_draft")


@object_permission_required("budget.manage_round", round_by_pk)
def round_delete(request, obj):
    """Staff delete a round nobody has voted in yet, after confirming it on this page."""
    return form_view(
        request,
        StepForm(request.POST if request.method == "POST" else None),
        service=lambda form: services.round_delete(
            actor=request.user, budget_round=obj, reason=form.cleaned_data["reason"]
        ),
        template="budget/round_step_confirm.html",
        context=lambda: {
            "round": obj,
            "step": {
                "title": _("Delete this round"),
                "warning": _(
                    "Are you sure? The round and its projects are deleted; this cannot be "
                    "undone. The history keeps that you deleted it."
                ),
                "button": _("Delete the round"),
            },
            "refusal": round_delete_refusal(obj),
            "cancel_url": _round_url(obj),
        },
        invalid_status=400,
        success_url=reverse("budget:staff_rounds"),
        success_message=_("The round has been deleted."),
    )


@object_permission_required("budget.manage_round", project_by_pk)
def project_detail(request, obj):
    """One project for staff: send to the wijkpanel, decide, post progress; its history."""
    decision = ProjectDecisionForm(
        request.POST if request.POST.get("form") == "decision" else None,
        initial={"cost": obj.cost},
        project=obj,
    )
    progress = ProgressForm(request.POST if request.POST.get("form") == "progress" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "review":
                services.project_transition(
                    actor=request.user, project=obj, action="send_to_review"
                )
                messages.success(request, _("The project has been sent to the wijkpanel."))
                return redirect("budget:staff_project", pk=obj.pk)
            if request.POST.get("form") == "decision" and decision.is_valid():
                services.project_transition(
                    actor=request.user,
                    project=obj,
                    action=decision.cleaned_data["action"],
                    reason=decision.cleaned_data["reason"],
                    cost=decision.cleaned_data["cost"],
                    funding_overlap_reason=decision.cleaned_data.get("funding_overlap_reason", ""),
                )
                messages.success(request, _("The decision has been saved."))
                return redirect("budget:staff_project", pk=obj.pk)
            if request.POST.get("form") == "progress" and progress.is_valid():
                services.project_progress_add(
                    actor=request.user, project=obj, **progress.cleaned_data
                )
                messages.success(request, _("The update has been published."))
                return redirect("budget:staff_project", pk=obj.pk)
        except ValidationError as error:
            target = progress if request.POST.get("form") == "progress" else decision
            if request.POST.get("form") == "review":
                _error_message(request, error)
            else:
                apply_errors(target, error)
        except PermissionDenied as error:
            _error_message(request, error)
    return render(
        request,
        "budget/project_staff_detail.html",
        {
            "project": obj,
            "round": obj.round,
            "decision_form": decision,
            "progress_form": progress,
            "review": review_for(subject=obj),
            "can_decide": obj.status
            in (ProjectStatus.REVIEWED, ProjectStatus.ELIGIBLE, ProjectStatus.INELIGIBLE),
            "timeline": history_timeline(obj=obj),
        },
    )


@object_permission_required("budget.manage_round", round_by_pk)
def code_batches(request, obj):
    """Letter voting codes: generate a batch (its letters download once), void a batch."""
    form = VotingCodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            addresses = parse_address_lines(text=form.cleaned_data["addresses"], wijk=obj.wijk)
            batch, letters = services.voting_code_batch_create(
                actor=request.user, budget_round=obj, addresses=addresses
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            pdf = render_pdf(
                template="pdf/budget_voting_letters.html",
                context={"round": obj, "letters": letters, "today": timezone.localdate()},
            )
            response = HttpResponse(pdf, content_type="application/pdf")
            filename = f"wijkbudget-stemcodes-{obj.pk}-{batch.pk}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "budget/votingcodebatch_list.html",
        {
            "round": obj,
            "form": form,
            "batches": selectors.code_batches(budget_round=obj),
            "used": selectors.codes_used_count(budget_round=obj),
        },
    )


@require_POST
def code_batch_void(request, pk: int):
    """Void a batch of voting codes."""
    batch = get_object_or_404(VotingCodeBatch.objects.select_related("round"), pk=pk)
    _require_staff(request, batch.round)
    try:
        services.voting_code_batch_void(actor=request.user, batch=batch)
    except (ValidationError, PermissionDenied) as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The codes of this batch no longer work."))
    return redirect("budget:staff_codes", pk=batch.round_id)


def _titles(budget_round) -> dict[str, str]:
    return {str(pk): title for pk, title in budget_round.projects.values_list("pk", "title")}


def _register_label(entry: PaperEntry) -> str:
    """The voter register entry a paper form was entered against, for the colleague's check."""
    participation = entry.participation
    if participation is None:
        return _("Not recorded (entered before paper forms named their voter)")
    if participation.user is not None:
        profile = getattr(participation.user, "profile", None)
        name = profile.display_name if profile else participation.user.email
        address = f", {profile.address_label}" if profile else ""
        return f"{name} ({participation.user.email}{address})"
    code = participation.code
    return _("Letter code %(selector)s…, %(address)s") % {
        "selector": code.selector,
        "address": str(code),
    }


@object_permission_required("budget.enter_paper_ballot", round_by_pk)
def paper_ballots(request, obj):
    """Paper forms: the number received, typing one in against the voter register, and the
    colleague's check (confirm, or discard with a reason)."""
    projects = list(selectors.projects_on_ballot(budget_round=obj))
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "enter")
    received_form = PaperReceivedForm(
        posted if which == "received" else None,
        initial={"received": obj.paper_forms_received},
    )
    entry_form = PaperBallotForm(
        posted if which == "enter" else None, budget_round=obj, projects=projects
    )
    forms = {"received_form": received_form, "entry_form": entry_form}
    page = {
        "template": "budget/paperballot_list.html",
        "context": lambda: _paper_context(request, obj, projects) | forms,
        "invalid_status": 400,
        "success_url": reverse("budget:staff_paper", kwargs={"pk": obj.pk}),
    }
    if which == "received":
        return form_view(
            request,
            received_form,
            service=lambda form: services.paper_forms_received_set(
                actor=request.user, budget_round=obj, received=form.cleaned_data["received"]
            ),
            success_message=_("The number of paper forms received has been saved."),
            **page,
        )
    return form_view(
        request,
        entry_form,
        service=lambda form: services.paper_ballot_enter(
            actor=request.user,
            budget_round=obj,
            choices=form.choices(),
            resident=form.cleaned_data["resident"],
            code=form.cleaned_data["code"],
        ),
        success_message=_("The paper ballot has been entered; a colleague must confirm it."),
        **page,
    )


def _paper_context(request, budget_round, projects) -> dict:
    titles = _titles(budget_round)
    pending = [
        {
            "entry": entry,
            "register": _register_label(entry),
            "lines": [(titles.get(pk, pk), points) for pk, points in entry.choices.items()],
            "mine": entry.entered_by_id == request.user.pk,
            "discard_form": PaperDiscardForm(prefix=f"discard-{entry.pk}"),
        }
        for entry in selectors.pending_paper_entries(budget_round=budget_round)
    ]
    return {
        "round": budget_round,
        "projects": projects,
        "pending": pending,
        "decided": selectors.decided_paper_entries(budget_round=budget_round),
        "paper": selectors.paper_reconciliation(budget_round=budget_round),
    }


def _require_staff(request, budget_round) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.has_perm("budget.manage_round", budget_round):
        raise PermissionDenied


def _paper_entry(request, pk) -> PaperEntry:
    entry = get_object_or_404(PaperEntry.objects.select_related("round__wijk"), pk=pk)
    _require_staff(request, entry.round)
    return entry


@require_POST
def paper_ballot_confirm(request, pk):
    """A second staff member confirms a paper form."""
    entry = _paper_entry(request, pk)
    try:
        services.paper_ballot_confirm(actor=request.user, entry=entry)
    except (ValidationError, PermissionDenied) as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The paper ballot has been confirmed and counts."))
    return redirect("budget:staff_paper", pk=entry.round_id)


@require_POST
def paper_ballot_discard(request, pk):
    """A second staff member discards a wrongly entered (or invalid) paper form, saying why."""
    entry = _paper_entry(request, pk)
    form = PaperDiscardForm(request.POST, prefix=f"discard-{entry.pk}")
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why this paper ballot is discarded."))
        services.paper_ballot_discard(
            actor=request.user,
            entry=entry,
            reason=form.cleaned_data["reason"],
            set_aside=form.cleaned_data["outcome"] == "set_aside",
        )
    except (ValidationError, PermissionDenied) as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The paper ballot has been discarded."))
    return redirect("budget:staff_paper", pk=entry.round_id)


@require_POST
@object_permission_required("budget.manage_round", round_by_pk)
def round_count(request, obj):
    """Count the votes (again, until published)."""
    try:
        services.round_count(actor=request.user, budget_round=obj)
    except (ValidationError, PermissionDenied) as error:
        _error_message(request, error)
        return redirect("budget:staff_round", pk=obj.pk)
    messages.success(request, _("The votes have been counted. Check the outcome, then publish."))
    return redirect("budget:staff_result", pk=obj.pk)


@object_permission_required("budget.manage_round", round_by_pk)
def result_detail(request, obj):
    """The counted outcome and what the other rules would have given."""
    result = getattr(obj, "result", None)
    if result is None:
        messages.error(request, _("Count the votes before you publish."))
        return redirect("budget:staff_round", pk=obj.pk)
    return render(
        request,
        "budget/result_staff_detail.html",
        {
            "round": obj,
            "result": result,
            "rows": selectors.result_rows(result=result),
            "comparison": selectors.result_comparison(result=result),
            "timeline": history_timeline(obj=result),
            # Four eyes: only a colleague of whoever asked confirms or sends back.
            "can_confirm": request.user.has_perm("budget.confirm_result_publication", obj),
        },
    )


def _result_step(request, budget_round, *, step: dict, service, reason_required=False):
    """The page that asks staff to confirm one step of the four-eyes publication."""
    result = getattr(budget_round, "result", None)
    if result is None:
        messages.error(request, _("Count the votes before you publish."))
        return redirect("budget:staff_round", pk=budget_round.pk)
    return form_view(
        request,
        StepForm(
            request.POST if request.method == "POST" else None, reason_required=reason_required
        ),
        service=service,
        template="budget/round_step_confirm.html",
        context={
            "round": budget_round,
            "result": result,
            "step": step,
            "cancel_url": reverse("budget:staff_result", kwargs={"pk": budget_round.pk}),
        },
        invalid_status=400,
        success_url=step["next"],
        success_message=step["done"],
    )


@object_permission_required("budget.manage_round", round_by_pk)
def result_publish(request, obj):
    """Ask to publish the counted result; a colleague confirms it (four eyes)."""
    return _result_step(
        request,
        obj,
        step={
            "title": _("Ask to publish the result"),
            "warning": _(
                "Are you sure? After publication everyone sees the result. A colleague checks "
                "the outcome and confirms the publication; until then nothing is public."
            ),
            "button": _("Ask to publish"),
            "done": _("Publication asked for: a colleague must now confirm it."),
            "next": reverse("budget:staff_result", kwargs={"pk": obj.pk}),
        },
        service=lambda form: services.result_publication_request(
            actor=request.user, budget_round=obj
        ),
    )


@object_permission_required("budget.manage_round", round_by_pk)
def result_publish_confirm(request, obj):
    """A second staff member confirms the publication: the result is public from then on."""
    return _result_step(
        request,
        obj,
        step={
            "title": _("Confirm the publication"),
            "warning": _(
                "Are you sure? After publication everyone sees the result, the residents of "
                "the wijk are told, and it can no longer be counted again."
            ),
            "button": _("Publish the result"),
            "done": _("The result has been published."),
            "next": reverse("budget:result", kwargs={"pk": obj.pk}),
        },
        service=lambda form: services.result_publication_confirm(
            actor=request.user, budget_round=obj
        ),
    )


@object_permission_required("budget.manage_round", round_by_pk)
def result_publish_send_back(request, obj):
    """A second staff member sends the request back, with a reason; nothing is published."""
    return _result_step(
        request,
        obj,
        step={
            "title": _("Send the publication back"),
            "warning": _(
                "The result is not published. Say why, so your colleague knows what to check "
                "or count again."
            ),
            "button": _("Send back"),
            "done": _("The publication has been sent back."),
            "next": reverse("budget:staff_result", kwargs={"pk": obj.pk}),
        },
        service=lambda form: services.result_publication_send_back(
            actor=request.user, budget_round=obj, reason=form.cleaned_data["reason"]
        ),
        reason_required=True,
    )


@object_permission_required("budget.import_pb", _no_object)
def pb_import(request, obj=None):
    """Load a Pabulib .pb file as a rehearsal round."""
    return form_view(
        request,
        _only_own_wijken(request, PbImportForm(request.POST or None, request.FILES or None)),
        service=lambda form: services.round_import_pb(
            actor=request.user,
            wijk=form.cleaned_data["wijk"],
            name=form.cleaned_data["name"],
            text=form.cleaned_data["file"],
            rule=form.cleaned_data["rule"] or None,
        ),
        template="budget/round_import.html",
        success_url=_round_url,
        success_message=_(
            "The file has been loaded as a rehearsal round. Count it to see the outcome."
        ),
    )

"""Reporting content, and the staff pages: initiatives awaiting a decision, open reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import apply_errors
from initiatives import selectors, services
from initiatives.forms import ModerationForm, ReportForm
from initiatives.models import ContentReport, Initiative, InitiativeStatus, ProgressUpdate
from plumbing.permissions import object_permission_required


def _initiative(request, pk: int, **kwargs) -> Initiative:
    return get_object_or_404(Initiative.objects.select_related("wijk"), pk=pk)


def _update(request, pk: int, update_pk: int, **kwargs) -> ProgressUpdate:
    return get_object_or_404(
        ProgressUpdate.objects.select_related("initiative__wijk"), pk=update_pk, initiative_id=pk
    )


def _update_initiative(request, pk: int, update_pk: int, **kwargs) -> Initiative:
    return _update(request, pk, update_pk).initiative


def _staff_area(request, **kwargs):
    return None


def _detail(initiative: Initiative) -> str:
    return reverse("initiatives:detail", kwargs={"pk": initiative.pk})


def _report(request, *, initiative: Initiative, update: ProgressUpdate | None):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                actor=request.user,
                initiative=initiative,
                update=update,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(_detail(initiative))
    return render(
        request,
        "initiatives/contentreport_form.html",
        {"initiative": initiative, "update": update, "form": form},
    )


@object_permission_required("initiatives.report_content", _initiative)
def report_initiative(request, obj: Initiative):
    """Report an initiative to the moderators."""
    return _report(request, initiative=obj, update=None)


@object_permission_required("initiatives.report_content", _update_initiative)
def report_update(request, obj: Initiative, **kwargs):
    """Report a progress update to the moderators."""
    update = get_object_or_404(ProgressUpdate, pk=request.resolver_match.kwargs["update_pk"])
    return _report(request, initiative=obj, update=update)


def _moderate(request, *, back: Initiative, service, done: str, **target):
    """Run a moderation service with the reason from the form; a redirect when done."""
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, reason=form.cleaned_data["reason"], **target)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_detail(back))
    return form


@object_permission_required("initiatives.moderate", _initiative)
def hide_initiative(request, obj: Initiative):
    """Staff hide an initiative, with a reason the initiators receive."""
    result = _moderate(
        request,
        back=obj,
        service=services.initiative_hide,
        done=_("The initiative is hidden; the initiators have been told why."),
        initiative=obj,
    )
    if not isinstance(result, ModerationForm):
        return result
    return render(
        request,
        "initiatives/moderation_form.html",
        {"initiative": obj, "form": result, "heading": _("Hide initiative")},
    )


@object_permission_required("initiatives.moderate", _initiative)
def unhide_initiative(request, obj: Initiative):
    """Staff show a hidden initiative again."""
    result = _moderate(
        request,
        back=obj,
        service=services.initiative_unhide,
        done=_("The initiative is shown again."),
        initiative=obj,
    )
    if not isinstance(result, ModerationForm):
        return result
    return render(
        request,
        "initiatives/moderation_form.html",
        {"initiative": obj, "form": result, "heading": _("Show initiative again")},
    )


@object_permission_required("initiatives.moderate", _update_initiative)
def hide_update(request, obj: Initiative, **kwargs):
    """Staff hide a progress update, with a reason the initiators receive."""
    update = get_object_or_404(
        ProgressUpdate, pk=request.resolver_match.kwargs["update_pk"], initiative=obj
    )
    result = _moderate(
        request,
        back=obj,
        service=services.update_hide,
        done=_("The update is hidden; the initiators have been told why."),
        update=update,
    )
    if not isinstance(result, ModerationForm):
        return result
    return render(
        request,
        "initiatives/moderation_form.html",
        {
            "initiative": obj,
            "update": update,
            "form": result,
            "heading": _("Hide update"),
        },
    )


@object_permission_required("initiatives.moderate", _staff_area)
def staff_list(request, obj=None):
    """Initiatives awaiting staff, and open reports."""
    status = request.GET.get("status") or ""
    if status not in InitiativeStatus.values:
        status = ""
    return render(
        request,
        "initiatives/initiative_staff_list.html",
        {
            "initiatives": selectors.initiatives_for_staff(status=status),
            "reports": selectors.reports_open(),
            "statuses": InitiativeStatus.choices,
            "selected_status": status,
        },
    )


def _report_by_pk(request, pk: int, **kwargs) -> Initiative:
    return get_object_or_404(ContentReport.objects.select_related("initiative"), pk=pk).initiative


@require_POST
@object_permission_required("initiatives.moderate", _report_by_pk)
def report_dismiss(request, obj: Initiative, **kwargs):
    """Staff close a report without hiding anything."""
    report = get_object_or_404(ContentReport, pk=request.resolver_match.kwargs["pk"])
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("State why no action is needed."))
    else:
        try:
            services.report_dismiss(
                actor=request.user, report=report, note=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report is closed."))
    return redirect("initiatives:staff_list")

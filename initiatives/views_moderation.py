"""Reporting content, and the staff pages: initiatives awaiting a decision, open reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from initiatives import selectors, services
from initiatives.forms import ModerationForm, ReportForm
from initiatives.models import ContentReport, Initiative, InitiativeStatus, ProgressUpdate
from plumbing.permissions import object_permission_required
from plumbing.views import form_view


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
    return form_view(
        request,
        ReportForm(request.POST or None),
        service=lambda form: services.report_create(
            actor=request.user,
            initiative=initiative,
            update=update,
            reason=form.cleaned_data["reason"],
        ),
        template="initiatives/contentreport_form.html",
        context={"initiative": initiative, "update": update},
        success_url=_detail(initiative),
        success_message=_("Thank you. The moderators will look at your report."),
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


def _moderate(request, *, back: Initiative, service, done: str, heading: str, **target):
    """Run a moderation service with the reason from the form; back to the initiative."""
    return form_view(
        request,
        ModerationForm(request.POST or None),
        service=lambda form: service(
            actor=request.user, reason=form.cleaned_data["reason"], **target
        ),
        template="initiatives/moderation_form.html",
        context={"initiative": back, "heading": heading, **target},
        success_url=_detail(back),
        success_message=done,
    )


@object_permission_required("initiatives.moderate", _initiative)
def hide_initiative(request, obj: Initiative):
    """Staff hide an initiative, with a reason the initiators receive."""
    return _moderate(
        request,
        back=obj,
        service=services.initiative_hide,
        done=_("The initiative is hidden; the initiators have been told why."),
        heading=_("Hide initiative"),
        initiative=obj,
    )


@object_permission_required("initiatives.moderate", _initiative)
def unhide_initiative(request, obj: Initiative):
    """Staff show a hidden initiative again."""
    return _moderate(
        request,
        back=obj,
        service=services.initiative_unhide,
        done=_("The initiative is shown again."),
        heading=_("Show initiative again"),
        initiative=obj,
    )


@object_permission_required("initiatives.moderate", _update_initiative)
def hide_update(request, obj: Initiative, **kwargs):
    """Staff hide a progress update, with a reason the initiators receive."""
    update = get_object_or_404(
        ProgressUpdate, pk=request.resolver_match.kwargs["update_pk"], initiative=obj
    )
    return _moderate(
        request,
        back=obj,
        service=services.update_hide,
        done=_("The update is hidden; the initiators have been told why."),
        heading=_("Hide update"),
        update=update,
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
            "initiatives": selectors.initiatives_for_staff(user=request.user, status=status),
            "reports": selectors.reports_open(user=request.user),
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

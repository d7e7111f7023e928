"""Staff pages: schemes, the overview with its CSV export, steps, decisions and settlement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Wijk
from core.selectors import history_timeline, wijken_all
from core.views import apply_errors
from plumbing.permissions import object_permission_required
from subsidies import letters, selectors, services
from subsidies.csv_export import applications_csv
from subsidies.forms import (
    DecisionForm,
    ReissueForm,
    SchemeForm,
    SettleForm,
    StepForm,
)
from subsidies.models import Application, Scheme, Status
from subsidies.services.schemes import SCHEME_FIELDS
from subsidies.views.common import detail_context, get_application
from subsidies.workflow import SIMPLE_STAFF_ACTIONS


def _nothing(request, **kwargs):
    return None


def _scheme(request, pk: int, **kwargs) -> Scheme:
    return get_object_or_404(Scheme, pk=pk)


def _filters(request) -> dict:
    wijk = None
    if request.GET.get("wijk"):
        wijk = Wijk.objects.filter(slug=request.GET["wijk"]).first()
    status = request.GET.get("status") or ""
    if status not in Status.values:
        status = ""
    return {"wijk": wijk, "status": status or None}


@object_permission_required("subsidies.view_overview", _nothing)
def staff_overview(request, obj=None):
    """Applications by status and wijk, with the days left; overdue ones first."""
    filters = _filters(request)
    applications = selectors.applications_for_staff(**filters)
    return render(
        request,
        "subsidies/application_staff_list.html",
        {
            "applications": applications,
            "counts": selectors.overview_counts(applications=applications),
            "wijken": wijken_all(),
            "statuses": Status.choices,
            "selected_wijk": filters["wijk"],
            "selected_status": filters["status"] or "",
            "query": request.GET.urlencode(),
        },
    )


@object_permission_required("subsidies.view_overview", _nothing)
def staff_export(request, obj=None):
    """The overview (with the same filters) as CSV; formula-like cells are neutralised."""
    applications = selectors.applications_for_staff(**_filters(request))
    response = HttpResponse(applications_csv(applications), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="subsidieaanvragen-{stamp}.csv"'
    return response


@object_permission_required("subsidies.manage_schemes", _nothing)
def staff_scheme_list(request, obj=None):
    """Every scheme with its pot and what is left."""
    schemes = selectors.schemes_with_remaining(schemes=selectors.schemes_all())
    return render(request, "subsidies/scheme_staff_list.html", {"schemes": schemes})


def _scheme_data(form: SchemeForm) -> dict:
    return {name: form.cleaned_data[name] for name in SCHEME_FIELDS}


@object_permission_required("subsidies.manage_schemes", _nothing)
def staff_scheme_create(request, obj=None):
    """Set up a new scheme."""
    form = SchemeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.scheme_create(actor=request.user, data=_scheme_data(form))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The scheme has been saved."))
                return redirect("subsidies:staff_scheme_list")
        status = 400
    return render(request, "subsidies/scheme_form.html", {"form": form}, status=status)


@object_permission_required("subsidies.manage_schemes", _scheme)
def staff_scheme_edit(request, obj: Scheme):
    """Change a scheme; the change and its reason are in the scheme's history."""
    form = SchemeForm(request.POST or None, instance=obj)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.scheme_update(
                    actor=request.user,
                    scheme=obj,
                    data=_scheme_data(form),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The scheme has been saved."))
                return redirect("subsidies:staff_scheme_list")
        status = 400
    obj.refresh_from_db()
    return render(
        request,
        "subsidies/scheme_form.html",
        {"form": form, "scheme": obj, "timeline": history_timeline(obj=obj)},
        status=status,
    )


@require_POST
@object_permission_required("subsidies.manage_application", get_application)
def staff_step(request, obj: Application):
    """One of the simple staff steps (take into review, ask for information, ...)."""
    action = request.resolver_match.kwargs.get("action")
    if action not in SIMPLE_STAFF_ACTIONS:
        raise Http404
    form = StepForm(request.POST, prefix=action)
    if form.is_valid():
        try:
            services.application_staff_step(
                actor=request.user,
                application=obj,
                action=action,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The application has been updated."))
            return redirect("subsidies:application_detail", pk=obj.pk)
    obj = get_application(request, pk=obj.pk)
    return render(
        request,
        "subsidies/application_detail.html",
        detail_context(request, obj, step_forms={action: form}),
        status=400,
    )


def _decision_context(request, application: Application, form) -> dict:
    return {
        "application": application,
        "scheme": application.scheme,
        "form": form,
        "review": selectors.advice_of(application=application),
        "remaining": selectors.scheme_remaining(scheme=application.scheme),
        "lines": selectors.cost_lines(application=application),
        "lines_total": selectors.cost_total(application=application),
    }


@object_permission_required("subsidies.manage_application", get_application)
def staff_decide(request, obj: Application):
    """Decide: amount, grounds, conditions and (when deviating from the advice) why."""
    form = DecisionForm(
        request.POST or None, initial={"amount": obj.requested_amount, "decision": "grant"}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_decide(
                    actor=request.user,
                    application=obj,
                    action=form.cleaned_data["decision"],
                    amount=form.cleaned_data["amount"]
                    if form.cleaned_data["decision"] == "partly_grant"
                    else None,
                    grounds=form.cleaned_data["grounds"],
                    conditions=form.cleaned_data["conditions"],
                    deviation_reasons=form.cleaned_data["deviation_reasons"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The decision has been recorded."))
                return redirect("subsidies:application_detail", pk=obj.pk)
        status = 400
    return render(
        request,
        "subsidies/application_decide.html",
        _decision_context(request, obj, form),
        status=status,
    )


@object_permission_required("subsidies.manage_application", get_application)
def staff_settle(request, obj: Application):
    """Fix the final amount after the report; the page shows what is paid or paid back."""
    form = SettleForm(request.POST or None, initial={"final_amount": obj.granted_amount})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_settle(
                    actor=request.user,
                    application=obj,
                    final_amount=form.cleaned_data["final_amount"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The final amount has been fixed."))
                return redirect("subsidies:application_detail", pk=obj.pk)
        status = 400
    return render(
        request,
        "subsidies/application_settle.html",
        {
            "application": obj,
            "form": form,
            "actual_lines": selectors.cost_lines(application=obj, kind="actual"),
            "actual_total": selectors.cost_total(application=obj, kind="actual"),
        },
        status=status,
    )


@object_permission_required("subsidies.manage_application", get_application)
def staff_letter_reissue(request, obj: Application):
    """Issue a corrected decision letter (the earlier one is kept), with a reason."""
    form = ReissueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                letters.decision_letter_reissue(
                    actor=request.user, application=obj, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("A new decision letter has been issued."))
                return redirect("subsidies:application_detail", pk=obj.pk)
        status = 400
    return render(
        request,
        "subsidies/letter_reissue.html",
        {"application": obj, "form": form},
        status=status,
    )

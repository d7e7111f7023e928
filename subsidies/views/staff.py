"""Staff pages: schemes, the overview with its CSV export, steps, decisions and settlement."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Wijk
from core.selectors import history_timeline, wijken_all
from plumbing.permissions import object_permission_required
from plumbing.views import form_view
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
from subsidies.services.funding import other_funding
from subsidies.services.schemes import SCHEME_FIELDS
from subsidies.views.common import detail_context, get_application
from subsidies.workflow import SIMPLE_STAFF_ACTIONS


def _nothing(request, **kwargs):
    return None


def _scheme(request, pk: int, **kwargs) -> Scheme:
    return get_object_or_404(Scheme, pk=pk)


def _detail_url(application: Application) -> str:
    return reverse("subsidies:application_detail", kwargs={"pk": application.pk})


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
    applications = selectors.applications_for_staff(user=request.user, **filters)
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
    applications = selectors.applications_for_staff(user=request.user, **_filters(request))
    response = HttpResponse(applications_csv(applications), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="subsidieaanvragen-{stamp}.csv"'
    return response


@object_permission_required("subsidies.manage_schemes", _nothing)
def staff_scheme_list(request, obj=None):
    """The officer's schemes with their pot and what is left."""
    schemes = selectors.schemes_with_remaining(
        schemes=selectors.schemes_for_staff(user=request.user)
    )
    return render(request, "subsidies/scheme_staff_list.html", {"schemes": schemes})


def _scheme_data(form: SchemeForm) -> dict:
    return {name: form.cleaned_data[name] for name in SCHEME_FIELDS}


@object_permission_required("subsidies.manage_schemes", _nothing)
def staff_scheme_create(request, obj=None):
    """Set up a new scheme."""
    return form_view(
        request,
        SchemeForm(request.POST or None),
        service=lambda form: services.scheme_create(actor=request.user, data=_scheme_data(form)),
        template="subsidies/scheme_form.html",
        invalid_status=400,
        success_url="subsidies:staff_scheme_list",
        success_message=_("The scheme has been saved."),
    )


@object_permission_required("subsidies.manage_schemes", _scheme)
def staff_scheme_edit(request, obj: Scheme):
    """Change a scheme; the change and its reason are in the scheme's history."""

    def context() -> dict:
        obj.refresh_from_db()  # the form wrote its unsaved values into obj
        return {"scheme": obj, "timeline": history_timeline(obj=obj)}

    return form_view(
        request,
        SchemeForm(request.POST or None, instance=obj),
        service=lambda form: services.scheme_update(
            actor=request.user,
            scheme=obj,
            data=_scheme_data(form),
            reason=form.cleaned_data["reason"],
        ),
        template="subsidies/scheme_form.html",
        context=context,
        invalid_status=400,
        success_url="subsidies:staff_scheme_list",
        success_message=_("The scheme has been saved."),
    )


@require_POST
@object_permission_required("subsidies.manage_application", get_application)
def staff_step(request, obj: Application):
    """One of the simple staff steps (take into review, ask for information, ...)."""
    action = request.resolver_match.kwargs.get("action")
    if action not in SIMPLE_STAFF_ACTIONS:
        raise Http404
    form = StepForm(request.POST, prefix=action)
    # A refused step shows the application page again, read afresh, with this form's errors.
    return form_view(
        request,
        form,
        service=lambda form: services.application_staff_step(
            actor=request.user, application=obj, action=action, reason=form.cleaned_data["reason"]
        ),
        template="subsidies/application_detail.html",
        context=lambda: detail_context(
            request, get_application(request, pk=obj.pk), step_forms={action: form}
        ),
        invalid_status=400,
        success_url=_detail_url(obj),
        success_message=_("The application has been updated."),
    )


def _decision_context(application: Application) -> dict:
    return {
        "application": application,
        "scheme": application.scheme,
        "review": selectors.advice_of(application=application),
        "remaining": selectors.scheme_remaining(scheme=application.scheme),
        "lines": selectors.cost_lines(application=application),
        "lines_total": selectors.cost_total(application=application),
        "other_funding": other_funding(initiative=application.initiative),
    }


@object_permission_required("subsidies.manage_application", get_application)
def staff_decide(request, obj: Application):
    """Decide: amount, grounds, conditions and (when deviating from the advice) why."""

    def decide(form):
        data = form.cleaned_data
        return services.application_decide(
            actor=request.user,
            application=obj,
            action=data["decision"],
            amount=data["amount"] if data["decision"] == "partly_grant" else None,
            grounds=data["grounds"],
            conditions=data["conditions"],
            deviation_reasons=data["deviation_reasons"],
            funding_overlap_reason=data.get("funding_overlap_reason", ""),
        )

    return form_view(
        request,
        DecisionForm(
            request.POST or None,
            initial={"amount": obj.requested_amount, "decision": "grant"},
            other_funding=other_funding(initiative=obj.initiative),
        ),
        service=decide,
        template="subsidies/application_decide.html",
        context=lambda: _decision_context(obj),
        invalid_status=400,
        success_url=_detail_url(obj),
        success_message=_("The decision has been recorded."),
    )


@object_permission_required("subsidies.manage_application", get_application)
def staff_settle(request, obj: Application):
    """Fix the final amount after the report; the page shows what is paid or paid back."""
    return form_view(
        request,
        SettleForm(request.POST or None, initial={"final_amount": obj.granted_amount}),
        service=lambda form: services.application_settle(
            actor=request.user,
            application=obj,
            final_amount=form.cleaned_data["final_amount"],
            note=form.cleaned_data["note"],
        ),
        template="subsidies/application_settle.html",
        context=lambda: {
            "application": obj,
            "actual_lines": selectors.cost_lines(application=obj, kind="actual"),
            "actual_total": selectors.cost_total(application=obj, kind="actual"),
        },
        invalid_status=400,
        success_url=_detail_url(obj),
        success_message=_("The final amount has been fixed."),
    )


@object_permission_required("subsidies.manage_application", get_application)
def staff_letter_reissue(request, obj: Application):
    """Issue a corrected decision letter (the earlier one is kept), with a reason."""
    return form_view(
        request,
        ReissueForm(request.POST or None),
        service=lambda form: letters.decision_letter_reissue(
            actor=request.user, application=obj, reason=form.cleaned_data["reason"]
        ),
        template="subsidies/letter_reissue.html",
        context={"application": obj},
        invalid_status=400,
        success_url=_detail_url(obj),
        success_message=_("A new decision letter has been issued."),
    )

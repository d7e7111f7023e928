"""Pages for residents: open schemes, applying, the application page, the report, files."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from identity.selectors import acting_organisation
from plumbing.permissions import object_permission_required
from plumbing.views import apply_errors, form_view
from subsidies import letters, selectors, services
from subsidies.forms import (
    ApplicationForm,
    ReportForm,
    StartApplicationForm,
    line_formset,
)
from subsidies.models import Application, Attachment, AttachmentKind, LineKind, Scheme
from subsidies.views.common import detail_context, get_application


def scheme_list(request):
    """The schemes residents can apply to now."""
    schemes = selectors.schemes_with_remaining(schemes=selectors.schemes_open())
    return render(request, "subsidies/scheme_list.html", {"schemes": schemes})


def _scheme_context(scheme: Scheme) -> dict:
    return {
        "scheme": scheme,
        "remaining": selectors.scheme_remaining(scheme=scheme),
        "is_open": scheme.is_open_on(),
    }


def scheme_detail(request, pk: int):
    """A scheme's conditions and, for initiators, where to start an application."""
    scheme = get_object_or_404(Scheme.objects.select_related("wijk"), pk=pk)
    form = None
    if request.user.is_authenticated:
        initiatives = selectors.initiatives_of(user=request.user)
        if scheme.wijk_id:
            initiatives = initiatives.filter(wijk=scheme.wijk_id)
        if initiatives.exists():
            form = StartApplicationForm(initiatives=initiatives)
    return render(
        request, "subsidies/scheme_detail.html", {**_scheme_context(scheme), "form": form}
    )


@login_required
@require_POST
def application_start(request, pk: int):
    """Start a draft for one of the resident's initiatives."""
    scheme = get_object_or_404(Scheme, pk=pk)
    initiatives = selectors.initiatives_of(user=request.user)
    return form_view(
        request,
        StartApplicationForm(request.POST, initiatives=initiatives),
        service=lambda form: services.application_create(
            actor=request.user,
            initiative=form.cleaned_data["initiative"],
            scheme=scheme,
            organisation=acting_organisation(user=request.user, session=request.session),
        ),
        template="subsidies/scheme_detail.html",
        context=lambda: _scheme_context(scheme),
        invalid_status=400,
        success_url=lambda application: reverse(
            "subsidies:application_edit", kwargs={"pk": application.pk}
        ),
        success_message=_("Your draft application has been started."),
    )


@login_required
def my_applications(request):
    """The applications of the initiatives the resident runs."""
    return render(
        request,
        "subsidies/application_list.html",
        {"applications": selectors.applications_of(user=request.user)},
    )


@object_permission_required("subsidies.view_application", get_application)
def application_detail(request, obj: Application):
    """The application with its budget, advice, decision, report and history."""
    return render(request, "subsidies/application_detail.html", detail_context(request, obj))


@object_permission_required("subsidies.edit_application", get_application)
def application_edit(request, obj: Application):
    """Write the draft; 'Save' keeps it as a draft, 'Submit' also hands it in."""
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, request.FILES or None, instance=obj)
    formset = line_formset(data=data, lines=selectors.cost_lines(application=obj))
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if form.is_valid() & formset.is_valid():
            try:
                # The draft and its file are saved together or not at all.
                with transaction.atomic():
                    services.application_update(
                        actor=request.user,
                        application=obj,
                        data={
                            name: form.cleaned_data[name] for name in ApplicationForm.Meta.fields
                        },
                        lines=formset.lines(),
                    )
                    if form.cleaned_data.get("quote"):
                        services.attachment_add(
                            actor=request.user,
                            application=obj,
                            kind=AttachmentKind.QUOTE,
                            upload=form.cleaned_data["quote"],
                        )
                if submit:
                    services.application_submit(actor=request.user, application=obj)
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                if submit:
                    messages.success(request, _("Your application has been submitted."))
                    return redirect("subsidies:application_detail", pk=obj.pk)
                messages.success(request, _("Your draft has been saved."))
                return redirect("subsidies:application_edit", pk=obj.pk)
        else:
            status = 400
    return render(
        request,
        "subsidies/application_form.html",
        {
            "application": obj,
            "scheme": obj.scheme,
            "form": form,
            "formset": formset,
            "quotes": selectors.attachments_of(application=obj, kinds=[AttachmentKind.QUOTE]),
            "lines_total": selectors.cost_total(application=obj),
        },
        status=status,
    )


@object_permission_required("subsidies.edit_report", get_application)
def report_edit(request, obj: Application):
    """Write the report: actual costs, receipts, photos, participants and a short story."""
    data = request.POST if request.method == "POST" else None
    form = ReportForm(
        data,
        request.FILES or None,
        initial={"participants": obj.report_participants, "story": obj.report_story},
    )
    formset = line_formset(
        data=data,
        lines=selectors.cost_lines(application=obj, kind=LineKind.ACTUAL),
        prefix="costs",
    )
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if form.is_valid() & formset.is_valid():
            try:
                with transaction.atomic():
                    services.report_update(
                        actor=request.user,
                        application=obj,
                        participants=form.cleaned_data["participants"],
                        story=form.cleaned_data["story"],
                        lines=formset.lines(),
                    )
                    for field, kind in (
                        ("receipt", AttachmentKind.RECEIPT),
                        ("photo", AttachmentKind.PHOTO),
                    ):
                        if form.cleaned_data.get(field):
                            services.attachment_add(
                                actor=request.user,
                                application=obj,
                                kind=kind,
                                upload=form.cleaned_data[field],
                            )
                if submit:
                    services.report_submit(actor=request.user, application=obj)
            except ValidationError as error:
                apply_errors(form, error)
                status = 400
            else:
                if submit:
                    messages.success(request, _("Your report has been submitted."))
                    return redirect("subsidies:application_detail", pk=obj.pk)
                messages.success(request, _("Your report has been saved."))
                return redirect("subsidies:report_edit", pk=obj.pk)
        else:
            status = 400
    return render(
        request,
        "subsidies/report_form.html",
        {
            "application": obj,
            "form": form,
            "formset": formset,
            "files": selectors.attachments_of(
                application=obj, kinds=[AttachmentKind.RECEIPT, AttachmentKind.PHOTO]
            ),
            "actual_total": selectors.cost_total(application=obj, kind=LineKind.ACTUAL),
        },
        status=status,
    )


def _attachment(request, pk: int, attachment_pk: int, **kwargs) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("application__initiative"),
        pk=attachment_pk,
        application_id=pk,
    )


@object_permission_required("subsidies.view_attachment", _attachment)
def attachment_download(request, obj: Attachment):
    """Stream a quote, receipt or photo to the applicants and staff (never a public URL)."""
    response = FileResponse(
        obj.file.open("rb"),
        as_attachment=True,
        filename=obj.original_name,
        content_type=obj.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@object_permission_required("subsidies.view_attachment", _attachment)
def attachment_delete(request, obj: Attachment):
    """Remove a file from the draft or from the report."""
    application_pk = obj.application_id
    kind = obj.kind
    services.attachment_remove(actor=request.user, attachment=obj)
    messages.success(request, _("The file has been removed."))
    if kind == AttachmentKind.QUOTE:
        return redirect("subsidies:application_edit", pk=application_pk)
    return redirect("subsidies:report_edit", pk=application_pk)


@object_permission_required("subsidies.view_application_private", get_application)
def letter_download(request, obj: Application):
    """The decision letter as issued (rendered the first time it is needed, then kept)."""
    try:
        letter = letters.decision_letter_issue(application=obj, actor=obj.decided_by)
    except ValidationError as error:
        raise Http404 from error
    content = letters.letter_bytes(letter)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"beschikking-{obj.reference or obj.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response

"""Subsidy schemes and applications in the Wagtail admin, for council staff (per the rules).

Schemes are saved through services.scheme_create / scheme_update (so the pot can
never drop below what is granted). Applications are listed and inspected; their
status changes only through the workflow's staff steps (services.application_staff_step),
never through a status field. Decisions and settlements need amounts and a decision
letter: those stay on the staff pages (/beheer/subsidie/), linked from the admin.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from plumbing.wagtail_admin import (
    RulesPermissionPolicy,
    ServiceForm,
    ServiceFormViewMixin,
    error_into_form,
)
from subsidies import selectors, services
from subsidies.forms import SchemeForm, StepForm
from subsidies.models import Application, Scheme, SchemeOfficer
from subsidies.services.schemes import SCHEME_FIELDS
from subsidies.workflow import SIMPLE_STAFF_ACTIONS, TRANSITIONS

MANAGE_SCHEMES = "subsidies.manage_schemes"
MANAGE_APPLICATIONS = "subsidies.manage_application"

# Schemes with applications are never deleted; applications are never added, edited
# or deleted in the admin (residents write them; staff take workflow steps).
register_permission_policy(
    Scheme,
    RulesPermissionPolicy(
        Scheme, perms={"add": MANAGE_SCHEMES, "change": MANAGE_SCHEMES, "view": MANAGE_SCHEMES}
    ),
    exact_class=True,
)
register_permission_policy(
    Application,
    RulesPermissionPolicy(Application, perms={"view": MANAGE_APPLICATIONS}),
    exact_class=True,
)

# The staff steps the admin offers, with the labels of the staff pages.
STEP_LABELS = {
    "start_review": _("Take into review"),
    "request_info": _("Ask the applicants for more information"),
    "pay_advance": _("Record the advance payment"),
    "request_report_info": _("Ask for more information on the report"),
    "reclaim": _("Reclaim the advance"),
}


class SchemeAdminForm(ServiceForm):
    """A scheme in the admin; saved by scheme_create / scheme_update with the staff member."""

    reason = SchemeForm.base_fields["reason"]

    class Meta:
        model = Scheme
        fields = list(SCHEME_FIELDS)
        widgets = {"eligibility": forms.Textarea(attrs={"rows": 5})}

    def save_through_service(self, *, actor) -> Scheme:
        data = {name: self.cleaned_data[name] for name in SCHEME_FIELDS}
        if self.instance.pk:
            return services.scheme_update(
                actor=actor, scheme=self.instance, data=data, reason=self.cleaned_data["reason"]
            )
        return services.scheme_create(actor=actor, data=data)


class OwnSchemesOnlyMixin:
    """Opens only what the subsidy officer may act on (their own schemes); the rest is 404."""

    permission = MANAGE_SCHEMES

    def get_object(self, *args, **kwargs):
        if not self.request.user.has_perm(self.permission):
            raise PermissionDenied
        obj = super().get_object(*args, **kwargs)
        if not self.request.user.has_perm(self.permission, obj):
            raise Http404
        return obj


class SchemeIndexView(generic.IndexView):
    """The subsidy officer's own schemes."""

    def get_base_queryset(self):
        own = selectors.schemes_for_staff(user=self.request.user)
        return super().get_base_queryset().filter(pk__in=own)


class SchemeCreateView(ServiceFormViewMixin, generic.CreateView):
    pass


class SchemeEditView(OwnSchemesOnlyMixin, ServiceFormViewMixin, generic.EditView):
    pass


class SchemeInspectView(OwnSchemesOnlyMixin, generic.InspectView):
    pass


class SchemeViewSet(ModelViewSet):
    """Council staff set up and change subsidy schemes."""

    model = Scheme
    index_view_class = SchemeIndexView
    add_view_class = SchemeCreateView
    edit_view_class = SchemeEditView
    inspect_view_class = SchemeInspectView
    copy_view_enabled = False
    inspect_view_enabled = True
    icon = "form"
    menu_label = _("Subsidy schemes")
    list_display = ["name", "year", "wijk", "opens_on", "closes_on", "pot"]
    list_filter = ["year", "wijk"]
    search_fields = ["name"]

    def get_form_class(self, for_update=False):
        return SchemeAdminForm


def steps_open(application: Application, user) -> list[str]:
    """The staff steps this user may take on the application now."""
    return [
        action
        for action in SIMPLE_STAFF_ACTIONS
        if (transition := TRANSITIONS.get((application.status, action))) is not None
        and user.has_perm(transition.permission, application)
    ]


class ApplicationIndexView(generic.IndexView):
    """The applications of the subsidy officer's own schemes."""

    def get_base_queryset(self):
        own = selectors.schemes_for_staff(user=self.request.user)
        return super().get_base_queryset().filter(scheme__in=own)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for action in steps_open(instance, self.request.user):
            buttons.append(
                Button(
                    STEP_LABELS[action],
                    url=reverse("subsidy_application:step", args=[instance.pk, action]),
                    icon_name="tasks",
                    priority=40,
                )
            )
        return buttons


class ApplicationInspectView(OwnSchemesOnlyMixin, generic.InspectView):
    permission = MANAGE_APPLICATIONS

    @property
    def header_more_buttons(self):
        buttons = [
            Button(
                STEP_LABELS[action],
                url=reverse("subsidy_application:step", args=[self.object.pk, action]),
                icon_name="tasks",
                priority=10 + n,
            )
            for n, action in enumerate(steps_open(self.object, self.request.user))
        ]
        buttons.append(
            Button(
                _("Decide and settle on the staff pages"),
                url=reverse("subsidies:application_detail", args=[self.object.pk]),
                icon_name="link-external",
                priority=50,
            )
        )
        return buttons


class ApplicationStepView(WagtailAdminTemplateMixin, FormView):
    """One staff step on an application, run by the workflow's service."""

    form_class = StepForm
    template_name = "subsidies/admin/application_step.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, pk, action, **kwargs):
        self.object = get_object_or_404(Application, pk=pk)
        self.action = action
        if action not in STEP_LABELS:
            raise Http404
        if not request.user.has_perm(MANAGE_APPLICATIONS, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return STEP_LABELS[self.action]

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            application=self.object,
            action=self.action,
            open=self.action in steps_open(self.object, self.request.user),
            inspect_url=reverse("subsidy_application:inspect", args=[self.object.pk]),
        )

    def form_valid(self, form):
        try:
            services.application_staff_step(
                actor=self.request.user,
                application=self.object,
                action=self.action,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            # Refused by the workflow (wrong status, reason missing): nothing changed.
            error_into_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The application has been updated."))
        return redirect("subsidy_application:inspect", self.object.pk)


class ApplicationViewSet(ModelViewSet):
    """Council staff follow applications and take the workflow's staff steps."""

    model = Application
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    icon = "doc-full"
    menu_label = _("Subsidy applications")
    list_display = [
        "__str__",
        "scheme",
        Column("status", label=_("status"), accessor="get_status_display"),
        "submitted_at",
    ]
    list_filter = ["status", "scheme"]
    search_fields = ["reference"]
    inspect_view_fields = [
        "reference",
        "scheme",
        "initiative",
        "status",
        "requested_amount",
        "granted_amount",
        "purpose",
        "submitted_at",
        "decided_at",
    ]
    form_fields = []  # never edited here: see ApplicationStepView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/step/<slug:action>/", ApplicationStepView.as_view(), name="step"),
        ]


class SchemeOfficerViewSet(ModelViewSet):
    """The functional administrator names the officers of each scheme (core/roles.py)."""

    model = SchemeOfficer
    form_fields = ["scheme", "user"]
    list_display = ["user", "scheme"]
    list_filter = ["scheme"]
    icon = "user"
    menu_label = _("Subsidy officers")
    copy_view_enabled = False


class SubsidyGroup(ViewSetGroup):
    menu_label = _("Subsidies")
    menu_icon = "form"
    menu_order = 320
    items = (
        SchemeViewSet("subsidy_scheme"),
        ApplicationViewSet("subsidy_application"),
        SchemeOfficerViewSet("subsidy_scheme_officer"),
    )


@hooks.register("register_admin_viewset")
def register_subsidy_viewsets():
    return SubsidyGroup()

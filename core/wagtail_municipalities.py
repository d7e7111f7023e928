"""Municipalities in the CMS admin (Instellingen > Gemeenten).

Only the platform administrator (a superuser) adds a municipality and chooses its site (the
host name and page tree, made under Instellingen > Sites); the coordinators of its wijken
keep its name, logo, contact and letter details. Saved through the services in
core/municipalities.py, with the person in the history.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core import municipalities
from core.models import Municipality
from plumbing.wagtail_admin import RulesPermissionPolicy, ServiceForm, ServiceFormViewMixin

register_permission_policy(
    Municipality,
    RulesPermissionPolicy(
        Municipality,
        perms={
            "add": "core.add_municipality",
            "change": "core.change_municipality",
            "view": "core.view_municipality",
        },
    ),
    exact_class=True,
)


class MunicipalityForm(ServiceForm):
    """A municipality; the slug and the site only for the platform administrator."""

    # A web address typed without a scheme is an https one.
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Municipality
        fields = [*municipalities.PLATFORM_FIELDS, *municipalities.MUNICIPALITY_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not getattr(self.for_user, "is_superuser", False):
            for name in municipalities.PLATFORM_FIELDS:
                self.fields.pop(name, None)

    def save_through_service(self, *, actor) -> Municipality:
        data = {name: self.cleaned_data[name] for name in self.fields}
        if self.instance.pk:
            return municipalities.municipality_update(
                actor=actor, municipality=self.instance, data=data
            )
        return municipalities.municipality_create(actor=actor, data=data)


class MunicipalityCreateView(ServiceFormViewMixin, generic.CreateView):
    pass


class MunicipalityEditView(ServiceFormViewMixin, generic.EditView):
    pass


class MunicipalityViewSet(ModelViewSet):
    model = Municipality
    add_view_class = MunicipalityCreateView
    edit_view_class = MunicipalityEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "site"]
    search_fields = ["name"]
    icon = "site"
    add_to_settings_menu = True
    menu_label = _("Municipalities")

    def get_form_class(self, for_update=False):
        return MunicipalityForm


# Registered here; core/wagtail_hooks.py imports this module so Wagtail finds the hook.
@hooks.register("register_admin_viewset")
def register_municipality_viewset():
    return MunicipalityViewSet("municipalities")

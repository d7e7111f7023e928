"""Staff manage wijken, their postcodes, wijkpanel memberships and coordinators in Wagtail.

The viewsets' permission checks ask `user.has_perm("core.add_wijk")` etc., which the rules
in core/rules.py answer: a wijkcoördinator for the wijken they coordinate (postcodes, panel
seats, the wijk's name), the functional administrator for new wijken and for who coordinates
where. Every listing shows, and every edit, history or delete screen opens, only what the
person may act on (`core.selectors.wijken_managed_by`); anything else answers 404. Wijkpanel
seats are saved through core.services (one chair and one seat per person at a time, with the
staff member and a reason in the history) and are ended, never deleted.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core import services, wagtail_municipalities  # noqa: F401 (registers its viewset)
from core.models import PanelMembership, Wijk, WijkCoordinator, WijkPostcode
from core.rules import wijk_of
from core.selectors import wijken_managed_by
from plumbing.wagtail_admin import RulesPermissionPolicy, ServiceForm, ServiceFormViewMixin


def _in_scope(user, obj) -> bool:
    """The object's wijk is one the user manages in the admin."""
    wijk = wijk_of(obj)
    return wijk is not None and wijken_managed_by(user=user).filter(pk=wijk.pk).exists()


class ScopedIndexView(generic.IndexView):
    """Lists only the rows of the wijken the user manages."""

    wijk_field = "wijk"

    def get_base_queryset(self):
        wijken = wijken_managed_by(user=self.request.user)
        if self.model is Wijk:
            return super().get_base_queryset().filter(pk__in=wijken)
        return super().get_base_queryset().filter(**{f"{self.wijk_field}__in": wijken})


class ScopedObjectMixin:
    """Opens a row of another wijk as if it did not exist."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not _in_scope(self.request.user, obj):
            raise Http404
        return obj


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedCreateView(generic.CreateView):
    """A new row may name only a wijk the user manages."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "wijk" in form.fields:
            form.fields["wijk"].queryset = wijken_managed_by(user=self.request.user)
        return form


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose screens keep to the wijken the user manages."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    inspect_view_class = ScopedInspectView
    copy_view_enabled = False


# No "delete": a seat is ended by its term, so past reviews keep their panel.
register_permission_policy(
    PanelMembership,
    RulesPermissionPolicy(
        PanelMembership,
        perms={
            "add": "core.add_panelmembership",
            "change": "core.change_panelmembership",
            "view": "core.view_panelmembership",
        },
    ),
    exact_class=True,
)


class WijkViewSet(ScopedModelViewSet):
    model = Wijk
    form_fields = ["name", "slug", "municipality"]
    list_display = ["name", "municipality"]
    search_fields = ["name", "municipality__name"]
    icon = "home"
    add_to_admin_menu = False


class WijkPostcodeViewSet(ScopedModelViewSet):
    model = WijkPostcode
    form_fields = ["wijk", "code"]
    list_display = ["code", "wijk"]
    list_filter = ["wijk"]
    search_fields = ["code"]
    icon = "site"


class PanelMembershipForm(ServiceForm):
    """A wijkpanel seat; saved by panel_membership_create / _update with the staff member."""

    class Meta:
        model = PanelMembership
        fields = ["wijk", "member", "term_start", "term_end", "is_chair", "is_vice_chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A seat belongs to one person in one wijk; a new seat is a new row.
            del self.fields["wijk"]
            del self.fields["member"]

    def save_through_service(self, *, actor) -> PanelMembership:
        fields = {name: self.cleaned_data[name] for name in services.PANEL_MEMBERSHIP_FIELDS}
        if self.instance.pk:
            return services.panel_membership_update(actor=actor, membership=self.instance, **fields)
        return services.panel_membership_create(
            actor=actor,
            wijk=self.cleaned_data["wijk"],
            member=self.cleaned_data["member"],
            **fields,
        )


class PanelMembershipCreateView(ServiceFormViewMixin, ScopedCreateView):
    pass


class PanelMembershipEditView(ServiceFormViewMixin, ScopedEditView):
    pass


class PanelMembershipViewSet(ScopedModelViewSet):
    model = PanelMembership
    add_view_class = PanelMembershipCreateView
    edit_view_class = PanelMembershipEditView
    copy_view_enabled = False
    list_display = ["member", "wijk", "term_start", "term_end", "is_chair", "is_vice_chair"]
    list_filter = ["wijk", "is_chair", "is_vice_chair"]
    icon = "group"

    def get_form_class(self, for_update=False):
        return PanelMembershipForm


class WijkCoordinatorViewSet(ScopedModelViewSet):
    model = WijkCoordinator
    form_fields = ["wijk", "user"]
    list_display = ["user", "wijk"]
    list_filter = ["wijk"]
    icon = "user"


class WijkenGroup(ViewSetGroup):
    menu_label = _("Wijken")
    menu_icon = "home"
    menu_order = 200
    items = (WijkViewSet, WijkPostcodeViewSet, PanelMembershipViewSet, WijkCoordinatorViewSet)


@hooks.register("register_admin_viewset")
def register_wijken_viewsets():
    return WijkenGroup()

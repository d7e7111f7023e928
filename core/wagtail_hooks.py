"""Staff manage wijken, their postcodes, wijkpanel memberships and coordinators in Wagtail.

The viewsets' permission checks ask `user.has_perm("core.add_wijk")` etc.,
which the rules in core/rules.py answer: council staff only. Wijkpanel seats are
saved through core.services (one chair and one seat per person at a time, with
the staff member and a reason in the history) and are ended, never deleted.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core import services, wagtail_municipalities  # noqa: F401 (registers its viewset)
from core.models import PanelMembership, Wijk, WijkCoordinator, WijkPostcode
from plumbing.wagtail_admin import RulesPermissionPolicy, ServiceForm, ServiceFormViewMixin

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


class WijkViewSet(ModelViewSet):
    model = Wijk
    form_fields = ["name", "slug", "municipality"]
    list_display = ["name", "municipality"]
    search_fields = ["name", "municipality"]
    icon = "home"
    add_to_admin_menu = False


class WijkPostcodeViewSet(ModelViewSet):
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


class PanelMembershipCreateView(ServiceFormViewMixin, generic.CreateView):
    pass


class PanelMembershipEditView(ServiceFormViewMixin, generic.EditView):
    pass


class PanelMembershipViewSet(ModelViewSet):
    model = PanelMembership
    add_view_class = PanelMembershipCreateView
    edit_view_class = PanelMembershipEditView
    copy_view_enabled = False
    list_display = ["member", "wijk", "term_start", "term_end", "is_chair", "is_vice_chair"]
    list_filter = ["wijk", "is_chair", "is_vice_chair"]
    icon = "group"

    def get_form_class(self, for_update=False):
        return PanelMembershipForm


class WijkCoordinatorViewSet(ModelViewSet):
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

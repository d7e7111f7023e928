"""Staff manage wijken, their postcodes, wijkpanel memberships and coordinators in Wagtail.

The viewsets' permission checks ask `user.has_perm("core.add_wijk")` etc.,
which the rules in core/rules.py answer: council staff only.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from core.models import PanelMembership, Wijk, WijkCoordinator, WijkPostcode


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


class PanelMembershipViewSet(ModelViewSet):
    model = PanelMembership
    form_fields = ["wijk", "member", "term_start", "term_end", "is_chair"]
    list_display = ["member", "wijk", "term_start", "term_end", "is_chair"]
    list_filter = ["wijk", "is_chair"]
    icon = "group"


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

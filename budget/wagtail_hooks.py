"""A link from the Wagtail admin menu to the wijkbudget staff pages (for council staff only)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class StaffOnlyMenuItem(MenuItem):
    """Shown to those who may manage rounds (council staff), per the rules, not is_staff."""

    def is_shown(self, request):
        return request.user.has_perm("budget.manage_round")


@hooks.register("register_admin_menu_item")
def register_budget_menu_item():
    return StaffOnlyMenuItem(
        _("Wijkbudget"), reverse_lazy("budget:staff_rounds"), icon_name="list-ul", order=300
    )

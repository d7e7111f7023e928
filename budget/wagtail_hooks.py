"""Wijkbudget in the Wagtail admin: the staff pages' menu link and a viewset for rounds.

Both are for those who may manage rounds (council staff) per the rules, not is_staff.
The round forms save through budget.services (round_create / round_update), so the
admin keeps the domain's rules: once a ballot exists, the budget, dates of voting,
ballot and counting rule can no longer change.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from budget import selectors, services
from budget.forms import RoundForm
from budget.models import BudgetOfficer, Round
from budget.services.rounds import ROUND_FIELDS
from plumbing.wagtail_admin import RulesPermissionPolicy, ServiceForm, ServiceFormViewMixin

MANAGE = "budget.manage_round"

# Rounds are never deleted (ballots and results hang on them): no "delete" perm.
register_permission_policy(
    Round,
    RulesPermissionPolicy(Round, perms={"add": MANAGE, "change": MANAGE, "view": MANAGE}),
    exact_class=True,
)


class StaffOnlyMenuItem(MenuItem):
    """Shown to those who may manage rounds (council staff), per the rules, not is_staff."""

    def is_shown(self, request):
        return request.user.has_perm(MANAGE)


@hooks.register("register_admin_menu_item")
def register_budget_menu_item():
    return StaffOnlyMenuItem(
        _("Wijkbudget"), reverse_lazy("budget:staff_rounds"), icon_name="list-ul", order=300
    )


class RoundAdminForm(ServiceForm):
    """A round in the admin; saved by round_create / round_update with the staff member."""

    class Meta:
        model = Round
        fields = ["wijk", *RoundForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A round stays in its wijk: its residents' ballots and codes belong there.
            del self.fields["wijk"]

    def save_through_service(self, *, actor) -> Round:
        fields = {name: self.cleaned_data[name] for name in ROUND_FIELDS if name in self.fields}
        if self.instance.pk:
            # Only what the staff member changed: the service decides what is locked.
            changed = {name: fields[name] for name in self.changed_data if name in fields}
            return services.round_update(actor=actor, budget_round=self.instance, **changed)
        return services.round_create(actor=actor, wijk=self.cleaned_data["wijk"], **fields)


class OwnRoundsOnlyMixin:
    """Opens only the rounds of the budget officer's own wijken; the rest is 404."""

    def get_object(self, *args, **kwargs):
        if not self.request.user.has_perm(MANAGE):
            raise PermissionDenied
        obj = super().get_object(*args, **kwargs)
        if not self.request.user.has_perm(MANAGE, obj):
            raise Http404
        return obj


class RoundIndexView(generic.IndexView):
    """The rounds of the budget officer's own wijken."""

    def get_base_queryset(self):
        own = selectors.wijken_of_budget_officer(user=self.request.user)
        return super().get_base_queryset().filter(wijk__in=own)


class RoundCreateView(ServiceFormViewMixin, generic.CreateView):
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        form.fields["wijk"].queryset = selectors.wijken_of_budget_officer(user=self.request.user)
        return form


class RoundEditView(OwnRoundsOnlyMixin, ServiceFormViewMixin, generic.EditView):
    pass


class RoundInspectView(OwnRoundsOnlyMixin, generic.InspectView):
    pass


class RoundViewSet(ModelViewSet):
    """Council staff create and change wijkbudget rounds in the Wagtail admin."""

    model = Round
    form_class = RoundAdminForm
    index_view_class = RoundIndexView
    inspect_view_class = RoundInspectView
    add_view_class = RoundCreateView
    edit_view_class = RoundEditView
    icon = "list-ul"
    menu_label = _("Wijkbudget rounds")
    menu_order = 310
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ["name", "wijk", "get_phase_display", "voting_start", "voting_end"]
    list_filter = ["wijk", "is_rehearsal"]
    search_fields = ["name"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return RoundAdminForm


class BudgetOfficerViewSet(ModelViewSet):
    """The functional administrator names the budget officers of each wijk (core/roles.py)."""

    model = BudgetOfficer
    form_fields = ["wijk", "user"]
    list_display = ["user", "wijk"]
    list_filter = ["wijk"]
    icon = "user"
    menu_label = _("Budget officers")
    menu_order = 315
    add_to_admin_menu = True
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_round_viewset():
    return RoundViewSet("budget_round")


@hooks.register("register_admin_viewset")
def register_budget_officer_viewset():
    return BudgetOfficerViewSet("budget_officer")

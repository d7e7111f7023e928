"""Wagtail admin: a dashboard panel with the decision pages waiting to be checked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from cms.models import DecisionPage

DRAFTS_SHOWN = 10


class DecisionDraftsPanel(Component):
    """Draft decision pages prepared after a decision, for staff to check and publish."""

    name = "decision_drafts"
    order = 50
    template_name = "cms/admin/decision_drafts_panel.html"

    def __init__(self, drafts):
        self.drafts = drafts

    def get_context_data(self, parent_context):
        return {"drafts": self.drafts, "heading": _("Decisions to check and publish")}


@hooks.register("construct_homepage_panels")
def add_decision_drafts_panel(request, panels):
    # Only for those who may edit these pages; the panel hides itself when empty.
    drafts = [
        page
        for page in DecisionPage.objects.filter(live=False).order_by("-decided_on")[:DRAFTS_SHOWN]
        if page.permissions_for_user(request.user).can_edit()
    ]
    if drafts:
        panels.append(DecisionDraftsPanel(drafts))

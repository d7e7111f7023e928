"""Navigation built from the page tree, and the decision page of a decided object."""

from django import template
from wagtail.models import Site

from cms import selectors

register = template.Library()


@register.inclusion_tag("cms/partials/_menu_items.html", takes_context=True)
def main_menu(context):
    """The live pages directly under the home page that editors marked 'show in menus'."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    pages = []
    if site is not None:
        pages = site.root_page.get_children().live().in_menu().specific(defer=True)
    current = getattr(context.get("page"), "url_path", "")
    return {"pages": pages, "current_path": current}


@register.simple_tag
def decision_page_for(obj):
    """The published decision page about `obj`: `{% decision_page_for obj as decision %}`."""
    return selectors.decision_page_for(obj)

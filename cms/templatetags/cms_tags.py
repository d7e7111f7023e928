"""Navigation built from the page tree, and the decision page of a decided object."""

from django import template
from wagtail.models import Site

from cms import selectors
from core import pagecache

register = template.Library()


@register.inclusion_tag("cms/partials/_menu_items.html", takes_context=True)
def main_menu(context):
    """The live pages directly under the home page that editors marked 'show in menus'
    (kept with the page cache's generation: every page published or moved renews it)."""
    request = context.get("request")
    current = getattr(context.get("page"), "url_path", "")
    if request is None:
        return {"pages": [], "current_path": current}
    pages = pagecache.fragment(request, pagecache.menu_key(request), lambda: _menu_items(request))
    return {"pages": pages, "current_path": current}


def _menu_items(request) -> list[dict]:
    site = Site.find_for_request(request)
    if site is None:
        return []
    pages = site.root_page.get_children().live().in_menu().specific(defer=True)
    return [
        {"title": page.title, "url": page.get_url(request), "url_path": page.url_path}
        for page in pages
    ]


@register.simple_tag
def decision_page_for(obj):
    """The published decision page about `obj`: `{% decision_page_for obj as decision %}`."""
    return selectors.decision_page_for(obj)

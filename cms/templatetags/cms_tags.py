"""Navigation built from the page tree, and the decision page of a decided object."""

from django import template
from wagtail.models import Site

from cms import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu_items(context) -> list[dict]:
    """The live pages directly under the home page that editors marked 'show in menus'
    (title, url, url_path): `{% main_menu_items as menu %}` in the site header."""
    request = context.get("request")
    if request is None:
        return []
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

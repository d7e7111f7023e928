"""RSS 2.0 feed per wijk: its published news and decisions, newest first."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.translation import gettext as _

from cms.models import DecisionPage
from cms.selectors import wijk_feed_items
from core.models import Wijk


class WijkFeed(Feed):
    """News and decisions about one wijk."""

    # One instance serves every request: nothing request-bound is kept on it, and
    # links come from page.url (Feed makes them absolute with the request's host).

    def get_object(self, request, slug):
        return get_object_or_404(Wijk, slug=slug)

    def title(self, wijk):
        return _("News and decisions for %(wijk)s") % {"wijk": wijk.name}

    # Feed readers decode a description and then render it as HTML: plain text must be
    # escaped once more, or a "<" typed in a wijk name or a decision summary becomes markup.
    def description(self, wijk):
        return escape(
            _("What the council and the wijkbedrijf publish about %(wijk)s.") % {"wijk": wijk.name}
        )

    def link(self, wijk):
        page = getattr(wijk, "page", None)
        return page.url if page is not None and page.live else "/"

    def items(self, wijk):
        return wijk_feed_items(wijk=wijk)

    def item_title(self, item):
        _date, page = item
        if isinstance(page, DecisionPage):
            return _("Decision: %(title)s") % {"title": page.title}
        return page.title

    def item_description(self, item):
        _date, page = item
        return escape(page.summary if isinstance(page, DecisionPage) else page.intro)

    def item_link(self, item):
        return item[1].url

    def item_pubdate(self, item):
        return item[0]

    def item_updateddate(self, item):
        return item[1].last_published_at

    def item_categories(self, item):
        return [wijk.name for wijk in item[1].wijken.all()]

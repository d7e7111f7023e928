"""Reads of pages worth a name: used by cms views, feeds and other apps' templates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from budget.models import PROJECT_SEARCH_FIELDS, Project, ProjectStatus
from budget.selectors import rounds_public
from cms.models import DecisionPage, EventPage, NewsPage, StandardPage, WijkPage
from core.models import Wijk
from initiatives.models import INITIATIVE_SEARCH_FIELDS
from initiatives.selectors import initiatives_overview
from plumbing.search import text_matches
from subsidies.models import SCHEME_SEARCH_FIELDS
from subsidies.selectors import schemes_all

FEED_SIZE = 20


def decision_page_for(obj: models.Model) -> DecisionPage | None:
    """The newest published decision page about `obj`, or None while there is none."""
    return (
        DecisionPage.objects.live()
        .public()
        .filter(
            decided_content_type=ContentType.objects.get_for_model(obj),
            decided_object_id=str(obj.pk),
        )
        .order_by("-decided_on", "-first_published_at")
        .first()
    )


def _as_datetime(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def wijk_feed_items(*, wijk: Wijk, limit: int = FEED_SIZE) -> list[tuple[datetime.datetime, Page]]:
    """The newest published news and decisions about `wijk`, newest first, with their date."""
    private = Page.objects.private_q()  # once for both listings
    news = (
        NewsPage.objects.listed(private=private)
        .for_wijk(wijk)
        .order_by("-date", "-first_published_at")
    )
    decisions = (
        DecisionPage.objects.listed(private=private)
        .for_wijk(wijk)
        .order_by("-decided_on", "-first_published_at")
    )
    items = [(_as_datetime(page.date), page) for page in news[:limit]]
    items += [(_as_datetime(page.decided_on), page) for page in decisions[:limit]]
    items.sort(key=lambda item: (item[0], item[1].first_published_at), reverse=True)
    return items[:limit]


# The most results of one kind the search page lists; the heading gives the full count.
SEARCH_GROUP_SIZE = 20


@dataclass(frozen=True)
class SearchGroup:
    """The results of one kind: how many match, and the first SEARCH_GROUP_SIZE of them."""

    kind: str
    heading: str
    count: int
    items: list


def _group(kind: str, heading: str, results) -> SearchGroup | None:
    count = results.count()
    if not count:
        return None
    return SearchGroup(
        kind=kind, heading=heading, count=count, items=list(results[:SEARCH_GROUP_SIZE])
    )


def _pages(model: type[Page], text: str):
    """Live pages of `model` outside private sections, through Wagtail's search index."""
    return model.objects.live().public().search(text, operator="and")


def site_search(*, query: str) -> list[SearchGroup]:
    """What anyone may see that matches `query`, grouped by kind, kinds without a match left out.

    Published initiatives, projects on the ballot of public rounds, subsidy schemes (through
    the apps' own selectors, so their visibility rules hold here too), then live public news,
    decisions, events and other pages from Wagtail's search index.
    """
    text = " ".join(query.split())
    if not text:
        return []
    initiatives = text_matches(initiatives_overview(), text, INITIATIVE_SEARCH_FIELDS)
    projects = text_matches(
        Project.objects.filter(round__in=rounds_public(), status=ProjectStatus.ELIGIBLE)
        .select_related("round__wijk")
        .order_by("-round__voting_start", "title", "pk"),
        text,
        PROJECT_SEARCH_FIELDS,
    )
    schemes = text_matches(
        schemes_all().order_by("-year", "name", "pk"), text, SCHEME_SEARCH_FIELDS
    )
    groups = [
        _group("initiatives", _("Initiatives"), initiatives),
        _group("projects", _("Wijkbudget projects"), projects),
        _group("schemes", _("Subsidy schemes"), schemes),
        _group("news", _("News"), _pages(NewsPage, text)),
        _group("decisions", _("Decisions"), _pages(DecisionPage, text)),
        _group("events", _("Events"), _pages(EventPage, text)),
        _group(
            "pages",
            _("Other pages"),
            Page.objects.live()
            .public()
            .type(StandardPage, WijkPage)
            .specific()
            .search(text, operator="and"),
        ),
    ]
    return [group for group in groups if group is not None]

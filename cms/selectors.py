"""Reads of pages worth a name: used by cms views, feeds and other apps' templates."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from wagtail.models import Page

from cms.models import DecisionPage, NewsPage
from core.models import Wijk

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


def site_search(*, query: str):
    """Live, public pages matching `query` (PostgreSQL full-text search in production)."""
    if not query.strip():
        return Page.objects.none()
    return Page.objects.live().public().specific().search(query)

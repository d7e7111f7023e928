"""Page querysets for the listings of news, decisions and events."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from wagtail.images.models import Rendition
from wagtail.query import PageQuerySet

from core.models import Wijk

# The size of the picture on news cards; prefetched so a listing costs one query for all.
CARD_IMAGE = "fill-480x270"


class ListedPageQuerySet(PageQuerySet):
    """Queries for the listings of news, decisions and events."""

    def listed(self, *, private: models.Q | None = None):
        """Live pages anyone may see, with their wijken loaded for the cards.

        Finding the private sections costs a query each time; a request that lists several
        kinds of pages passes them in, as `private=Page.objects.private_q()`.
        """
        live = self.live()
        visible = live.public() if private is None else live.exclude(private)
        return visible.prefetch_related("wijken")

    def for_wijk(self, wijk: Wijk | None):
        """The pages about `wijk` (all pages when no wijk is given)."""
        return self if wijk is None else self.filter(wijken=wijk)

    def with_card_images(self):
        """Load the card picture and its rendition with the pages, not one query per card."""
        return self.select_related("image").prefetch_related(
            models.Prefetch(
                "image__renditions", queryset=Rendition.objects.filter(filter_spec=CARD_IMAGE)
            )
        )


class EventQuerySet(ListedPageQuerySet):
    """Queries for events."""

    def upcoming(self):
        """Events from today on, soonest first (the id breaks ties, so pages never overlap)."""
        return self.filter(date__gte=timezone.localdate()).order_by("date", "start_time", "pk")

"""Reads of wijkpanel reviews used by the other apps."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from initiatives.review.models import Review


def review_for(*, subject: models.Model) -> Review | None:
    """The latest review of a submission (open or concluded), if any."""
    return (
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
        .order_by("-opened_at", "-pk")
        .first()
    )

"""Hooks of drf-spectacular for the API's OpenAPI document."""

from __future__ import annotations


def only_the_api(endpoints):
    """The API's own paths only (Wagtail's admin API is DRF too, and not ours to publish)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1")]

"""Template context every page needs."""

from django.conf import settings


def site(request) -> dict:
    """Site-wide names; cheap, no queries."""
    return {
        "SITE_NAME": "Wijkplein",
        "MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME,
    }

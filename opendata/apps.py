from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from plumbing import pagecache

# What each endpoint shows, for the anonymous page cache (plumbing/pagecache.py): a write in
# one of these areas makes the cached answers of that endpoint stale, and only those.
_STATISTICS = ("people", "initiatives", "supports", "subsidies", "budget")


class OpendataConfig(AppConfig):
    """The public read-only API under /api/v1/ (issue #21): what anonymous visitors see, as JSON.

    No models of its own: it reads the other apps through their public selectors.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Open data")
    page_cache = pagecache.Rules(
        pages={
            # Every endpoint not named below (the index, the OpenAPI document, the docs).
            "opendata": (),
            "opendata:initiatives": ("initiatives", "supports"),
            "opendata:initiative": ("initiatives", "supports"),
            "opendata:schemes": ("subsidies",),
            "opendata:scheme": ("subsidies",),
            "opendata:subsidies": ("subsidies", "initiatives"),
            "opendata:subsidy": ("subsidies", "initiatives"),
            "opendata:rounds": ("budget",),
            "opendata:round": ("budget", "initiatives"),
            "opendata:news": ("pages",),
            "opendata:decisions": ("pages",),
            "opendata:events": ("pages",),
            "opendata:statistics": _STATISTICS,
        }
    )

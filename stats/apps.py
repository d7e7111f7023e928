from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from plumbing import pagecache


class StatsConfig(AppConfig):
    """Statistics per wijk and overall: residents, initiatives, subsidies and the wijkbudget.

    Named `stats`, not `statistics`: a top-level package of that name would hide
    Python's own `statistics` module, which Django's SQLite backend imports.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "stats"
    verbose_name = _("Statistics")
    # The figures count residents, initiatives, supports, applications and budget results.
    page_cache = pagecache.Rules(
        pages={"stats": ("people", "initiatives", "supports", "subsidies", "budget")}
    )

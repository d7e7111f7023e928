from django.apps import AppConfig

from plumbing import pagecache


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    # Page writes touch every page (the menu is made of pages). Wagtail's pages (its serve
    # view): the home and wijk pages list initiatives seeking help and the open budget
    # rounds - not supports. Search, feeds and the sitemap show pages only.
    page_cache = pagecache.Rules(pages={"wagtail_serve": ("initiatives", "budget"), "cms": ()})

    def ready(self):
        # Connects the decision_taken receiver.
        from cms import receivers  # noqa: F401

from django.apps import AppConfig

from plumbing import pagecache


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    # A page's writes touch the pages area; those of a page the menu may show (a child of
    # the home page) every page. Wagtail's pages (its serve view): the home and wijk pages
    # also list initiatives seeking help and the open budget rounds - not supports. Search,
    # feeds and the sitemap show pages only.
    page_cache = pagecache.Rules(
        writes={"*": pagecache.page_tree_areas},
        pages={"wagtail_serve": ("pages", "initiatives", "budget"), "cms": ("pages",)},
    )

    def ready(self):
        # Connects the decision_taken receiver.
        from cms import receivers  # noqa: F401

from django.apps import AppConfig

from plumbing import pagecache


class ReviewConfig(AppConfig):
    """Wijkpanel review: one mechanism for initiatives, applications and budget projects."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    label = "review"
    # The panel's advice shows on the initiative's page once the review is concluded.
    page_cache = pagecache.Rules(writes={"*": ("review",)}, ignored=("ReviewReminder",))

    def ready(self) -> None:
        from core import privacy
        from review import privacy as review_privacy

        privacy.register("review", export=review_privacy.review_export)

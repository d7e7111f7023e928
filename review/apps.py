from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Wijkpanel review: one mechanism for initiatives, applications and budget projects."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    label = "review"

    def ready(self) -> None:
        from core import privacy
        from review import privacy as review_privacy

        privacy.register("review", export=review_privacy.review_export)

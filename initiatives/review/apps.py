from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Wijkpanel review: one mechanism for initiatives, applications and budget projects."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives.review"
    label = "review"

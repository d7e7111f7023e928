from django.apps import AppConfig


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"

    def ready(self):
        # Connects the decision_taken receiver.
        from cms import receivers  # noqa: F401

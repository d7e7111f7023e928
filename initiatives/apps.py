from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    """Resident initiatives (bewonersinitiatieven)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives"

    def ready(self) -> None:
        # The wijkpanel reviews initiatives; when it ends, staff are told to decide.
        from initiatives.models import Initiative
        from initiatives.review import registry
        from initiatives.services import initiative_is_decided, initiative_review_concluded

        registry.register(
            Initiative,
            registry.SubjectKind(
                on_concluded=initiative_review_concluded, is_decided=initiative_is_decided
            ),
        )

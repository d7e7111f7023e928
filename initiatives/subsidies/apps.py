from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    """The stimulus subsidy (stimuleringsregeling): schemes, applications, decisions, reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives.subsidies"
    label = "subsidies"

    def ready(self) -> None:
        # Models and services can only be imported once the app registry is ready.
        from core import privacy
        from initiatives.review import registry
        from initiatives.subsidies import privacy as subsidies_privacy
        from initiatives.subsidies.models import Application
        from initiatives.subsidies.services import on_review_concluded

        registry.register(
            Application,
            registry.SubjectKind(
                on_concluded=on_review_concluded,
                is_decided=lambda application: application.decided_at is not None,
            ),
        )
        privacy.register(
            "subsidies",
            export=subsidies_privacy.subsidies_export,
            erase=subsidies_privacy.subsidies_erase,
        )

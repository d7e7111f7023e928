from django.apps import AppConfig

from plumbing import pagecache


class SubsidiesConfig(AppConfig):
    """The stimulus subsidy (stimuleringsregeling): schemes, applications, decisions, reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "subsidies"
    label = "subsidies"
    page_cache = pagecache.Rules(writes={"*": ("subsidies",)}, pages={"subsidies": ("subsidies",)})

    def ready(self) -> None:
        # Models and services can only be imported once the app registry is ready.
        from core import privacy
        from initiatives.selectors import initiative_interests
        from review import registry
        from subsidies import privacy as subsidies_privacy
        from subsidies.models import Application
        from subsidies.selectors import application_review_summary
        from subsidies.services import on_review_concluded

        # The applicant, the initiative's (co-)initiators, supporters and volunteers on the
        # panel are recused from the application's review automatically. The panel reads the
        # purpose, amount, budget and quotes on the review (never the applicant's address).
        registry.register(
            Application,
            registry.SubjectKind(
                on_concluded=on_review_concluded,
                is_decided=lambda application: application.decided_at is not None,
                interests=lambda applications, user_ids: initiative_interests(
                    initiative_ids={a.pk: a.initiative_id for a in applications},
                    user_ids=user_ids,
                    others=[
                        (a.pk, a.created_by_id, registry.Interest.APPLICANT) for a in applications
                    ],
                ),
                describe=application_review_summary,
            ),
        )
        privacy.register(
            "subsidies",
            export=subsidies_privacy.subsidies_export,
            erase=subsidies_privacy.subsidies_erase,
        )

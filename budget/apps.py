from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from plumbing import pagecache


class BudgetConfig(AppConfig):
    """Wijkbudget: rounds, projects, secret ballots, counting and results."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "budget"
    verbose_name = _("Wijkbudget")
    # Ballots are secret and who voted shows only to the voter; voting codes are secret.
    # A project's page names the initiative it comes from.
    page_cache = pagecache.Rules(
        writes={"*": ("budget",)},
        ignored=("Ballot", "Participation", "VotingCode", "VotingCodeBatch"),
        pages={"budget": ("budget", "initiatives")},
    )

    def ready(self) -> None:
        from budget import privacy as budget_privacy
        from budget.models import Project
        from budget.selectors import project_review_summary
        from budget.services import project_review_concluded
        from core import privacy
        from initiatives.selectors import initiative_interests
        from review import registry

        # Project proposals are reviewed by the wijkpanel; when it concludes,
        # the project moves on to the feasibility check by staff. Its proposer, and the
        # initiators, supporters and volunteers of its initiative, are recused automatically.
        registry.register(
            Project,
            registry.SubjectKind(
                on_concluded=project_review_concluded,
                interests=lambda projects, user_ids: initiative_interests(
                    initiative_ids={p.pk: p.initiative_id for p in projects},
                    user_ids=user_ids,
                    others=[(p.pk, p.proposed_by_id, registry.Interest.PROPOSER) for p in projects],
                ),
                describe=project_review_summary,
            ),
        )
        privacy.register(
            "budget",
            export=budget_privacy.budget_export,
            erase=budget_privacy.budget_erase,
            retention=budget_privacy.budget_retention,
        )

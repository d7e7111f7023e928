from django.apps import AppConfig

from plumbing import pagecache


class InitiativesConfig(AppConfig):
    """Resident initiatives (bewonersinitiatieven)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives"
    # Supports (and volunteers) are the frequent writes: they show on the initiatives' own
    # pages and in the statistics, not on the home and wijk pages (which list initiatives
    # without their support). An invitation is for the person invited.
    page_cache = pagecache.Rules(
        writes={"*": ("initiatives",), "Support": ("supports",), "Volunteer": ("supports",)},
        ignored=("CoInitiatorInvitation",),
        pages={"initiatives": ("initiatives", "supports", "review", "people")},
    )

    def ready(self) -> None:
        from core import privacy
        from initiatives import privacy as initiatives_privacy
        from initiatives.models import Initiative
        from initiatives.rules import is_initiator
        from initiatives.selectors import initiative_interests, initiative_review_summary
        from initiatives.services import initiative_is_decided, initiative_review_concluded
        from review import registry

        # The wijkpanel reviews initiatives; when it ends, staff are told to decide. The
        # initiators may cancel the review: their withdrawal does so (initiative_transition).
        # Its initiators, supporters and volunteers on the panel are recused automatically.
        # The panel reads its summary, description, estimated cost and photo on the review.
        registry.register(
            Initiative,
            registry.SubjectKind(
                on_concluded=initiative_review_concluded,
                is_decided=initiative_is_decided,
                may_cancel=is_initiator,
                interests=lambda initiatives, user_ids: initiative_interests(
                    initiative_ids={i.pk: i.pk for i in initiatives}, user_ids=user_ids
                ),
                describe=initiative_review_summary,
            ),
        )
        # What initiatives add to a resident's data export, deletion and retention.
        privacy.register(
            "initiatives",
            export=initiatives_privacy.initiatives_export,
            erase=initiatives_privacy.initiatives_erase,
            retention=initiatives_privacy.initiatives_retention,
        )

from django.apps import AppConfig

from plumbing import pagecache


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    # Wijken show on every page; residents' names on initiatives, their numbers in the
    # statistics. Notifications, letter codes and their batches are for the person or staff.
    page_cache = pagecache.Rules(
        writes={"User": ("people",), "Profile": ("people",)},
        ignored=(
            "Notification",
            "MutedNotification",
            "ResidencyCode",
            "ResidencyCodeBatch",
            "ResidencyLetterRequest",
            "LetterSettings",
        ),
    )

    def ready(self) -> None:
        pagecache.connect_signals()

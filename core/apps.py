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
        ),
    )

    def ready(self) -> None:
        # Registers the municipality rules (core.add_municipality...) before any check.
        from core import municipalities  # noqa: F401

        pagecache.connect_signals()

from django.apps import AppConfig

from plumbing import pagecache


class IdentityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "identity"
    verbose_name = "DigiD en eHerkenning"
    # Login records and who acts for an organisation never show on a public page.
    page_cache = pagecache.Rules(ignored=("LoginRecord", "OrganisationMember"))

    def ready(self) -> None:
        # Models can only be imported once the app registry is ready.
        from core import privacy
        from identity import checks  # noqa: F401  (registers the system checks)
        from identity.privacy import identity_erase, identity_export

        privacy.register("identity", export=identity_export, erase=identity_erase)

from django.apps import AppConfig

from plumbing import pagecache


class IdentityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "identity"
    verbose_name = "DigiD en eHerkenning"
    # Login records and who acts for an organisation never show on a public page.
    page_cache = pagecache.Rules(ignored=("LoginRecord", "OrganisationMember"))

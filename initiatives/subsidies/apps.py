from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    """The stimulus subsidy (stimuleringsregeling): schemes, applications, decisions, reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "initiatives.subsidies"
    label = "subsidies"

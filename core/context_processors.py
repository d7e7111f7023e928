"""Template context every page needs."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from rules.permissions import has_perm as rule_allows


def site(request) -> dict:
    """Site-wide names; cheap, no queries."""
    return {
        "SITE_NAME": "Wijkplein",
        "MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME,
    }


def navigation(request) -> dict:
    """Which personal links the header shows (`nav.review`, `nav.staff`), from our rules
    alone - Django's model permissions grant neither, so asking them cost two queries per
    page. The pages behind the links check the permission themselves."""

    def flags() -> dict:
        user = request.user
        if not user.is_authenticated:
            return {"review": False, "staff": False}
        # A superuser passes every has_perm through Django's ModelBackend.
        return {
            "review": user.is_superuser or rule_allows("review.view_dashboard", user),
            "staff": user.is_superuser or rule_allows("core.access_staff_area", user),
        }

    return {"nav": SimpleLazyObject(flags)}

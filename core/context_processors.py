"""Template context every page needs."""

from django.utils.functional import SimpleLazyObject
from rules.permissions import has_perm as rule_allows

from core.municipalities import municipality_for_request


def site(request) -> dict:
    """The platform's name, and the municipality whose site this is (`municipality`: its
    name, logo and theme), looked up once per request and only when a template asks."""
    return {
        "SITE_NAME": "Wijkplein",
        "municipality": SimpleLazyObject(lambda: municipality_for_request(request)),
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

"""Municipalities: which one a request, a wijk or a scheme is for; who may change one.

Kept apart from selectors.py and services.py (both long already), as core/letters.py is.

A municipality is served on its own Wagtail Site (host name and page tree): a request is for
the municipality of the site Wagtail finds for it, which falls back to the default site for
an unknown host. E-mails and letters have no request: they are for the municipality of the
object's wijk, and an object without a wijk (a municipality-wide scheme) is the default's.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Site

from core.models import Municipality, User, Wijk, WijkCoordinator
from core.rules import is_council_staff
from core.services import save_audited

_CACHE_ATTRIBUTE = "_wijkplein_municipality"


def municipality_default() -> Municipality:
    """The municipality of the default site; the first one, or the installation's name unsaved."""
    found = (
        Municipality.objects.select_related("site", "logo")
        .filter(site__is_default_site=True)
        .first()
        or Municipality.objects.select_related("site", "logo").order_by("pk").first()
    )
    if found is not None:
        return found
    # Only before the migrations ran (or after a test flushed the tables).
    name = str(settings.MUNICIPALITY_NAME or "")
    return Municipality(name=name, slug=slugify(name))


def municipality_for_request(request: HttpRequest) -> Municipality:
    """The municipality of the site this request is for; looked up once per request."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    found = None
    if site is not None:
        found = Municipality.objects.select_related("site", "logo").filter(site=site).first()
    municipality = found or municipality_default()
    setattr(request, _CACHE_ATTRIBUTE, municipality)
    return municipality


def municipality_of_wijk(wijk: Wijk | None) -> Municipality:
    """The municipality a wijk belongs to; without a wijk (municipality-wide), the default."""
    if wijk is None:
        return municipality_default()
    return wijk.municipality


def municipality_of(obj: object) -> Municipality:
    """The municipality of anything with a `wijk` (a round, a review, an application, a
    scheme); a municipality-wide scheme, or its application, is the default's."""
    wijk = getattr(obj, "wijk", None)
    if wijk is None:
        scheme = getattr(obj, "scheme", None)
        wijk = getattr(scheme, "wijk", None) if scheme is not None else None
    return municipality_of_wijk(wijk)


# --- Who may change a municipality (named rules) -----------------------------------------


@rules.predicate
def coordinates_a_wijk_of(user, municipality: Municipality | None = None) -> bool:
    """Council staff who coordinate a wijk of this municipality (of any, without one): they
    keep its letter details up to date, as they kept the letter settings before."""
    if not is_council_staff(user):
        return False
    rows = WijkCoordinator.objects.filter(user=user)
    if municipality is not None:
        rows = rows.filter(wijk__municipality=municipality)
    return rows.exists()


# Only the platform administrator (a superuser) creates and removes municipalities and
# chooses their site.
rules.add_perm("core.add_municipality", rules.is_superuser)
rules.add_perm("core.delete_municipality", rules.is_superuser)
rules.add_perm("core.change_municipality", rules.is_superuser | coordinates_a_wijk_of)
rules.add_perm("core.view_municipality", rules.is_superuser | coordinates_a_wijk_of)

# What a coordinator may change; the slug and the site are the platform administrator's.
MUNICIPALITY_FIELDS = (
    "name",
    "logo",
    "postal_address",
    "email",
    "phone",
    "website",
    "email_sender",
    "signatory_name",
    "signatory_role",
    "objection_address",
    "objection_email",
    "theme_stylesheet",
)
PLATFORM_FIELDS = ("slug", "site")


# --- Services ----------------------------------------------------------------------------


@transaction.atomic
def municipality_create(*, actor: User, data: dict[str, Any]) -> Municipality:
    """The platform administrator adds a municipality, usually with its own site."""
    if not actor.has_perm("core.add_municipality"):
        raise PermissionDenied(_("Only the platform administrator adds municipalities."))
    municipality = Municipality(
        **{name: data[name] for name in (*PLATFORM_FIELDS, *MUNICIPALITY_FIELDS) if name in data}
    )
    save_audited(municipality, actor=actor, reason=_("Municipality added"))
    return municipality


@transaction.atomic
def municipality_update(
    *, actor: User, municipality: Municipality, data: dict[str, Any]
) -> Municipality:
    """Change a municipality's details; its slug and site only by the platform administrator."""
    if not actor.has_perm("core.change_municipality", municipality):
        raise PermissionDenied(_("You cannot change this municipality."))
    allowed = MUNICIPALITY_FIELDS + (PLATFORM_FIELDS if actor.is_superuser else ())
    if set(data) - set(allowed):
        raise PermissionDenied(_("Only the platform administrator changes the site and slug."))
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    for name, value in data.items():
        setattr(municipality, name, value)
    save_audited(municipality, actor=actor, reason=_("Municipality details changed"))
    return municipality

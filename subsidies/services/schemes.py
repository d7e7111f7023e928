"""Staff set up and change subsidy schemes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.services import save_audited
from plumbing.formatting import euro
from subsidies.models import Scheme, SchemeOfficer
from subsidies.selectors import scheme_committed
from subsidies.services._common import _save

SCHEME_FIELDS = (
    "wijk",
    "year",
    "name",
    "pot",
    "min_amount",
    "max_amount",
    "opens_on",
    "closes_on",
    "eligibility",
    "decision_weeks",
    "advice_required",
    "review_due_days",
    "advance_percentage",
)


@transaction.atomic
def scheme_create(*, actor: User, data: dict) -> Scheme:
    """A subsidy officer sets up a scheme for a wijk (or the whole municipality) and a year,
    and becomes its officer (the functional administrator may add others)."""
    if not actor.has_perm("subsidies.manage_schemes"):
        raise PermissionDenied(_("Only council staff can manage subsidy schemes."))
    scheme = Scheme(**{name: data[name] for name in SCHEME_FIELDS if name in data})
    _save(scheme, actor=actor, reason=_("Scheme created"))
    officer = SchemeOfficer(scheme=scheme, user=actor)
    if not SchemeOfficer.objects.filter(scheme=scheme, user=actor).exists():
        save_audited(officer, actor=actor, reason=_("Officer of the scheme they set up"))
    return scheme


@transaction.atomic
def scheme_update(*, actor: User, scheme: Scheme, data: dict, reason: str = "") -> Scheme:
    """Its officer changes a scheme; the pot can never drop below what is already granted."""
    if not actor.has_perm("subsidies.manage_schemes", scheme):
        raise PermissionDenied(_("Only council staff can manage subsidy schemes."))
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    for name in SCHEME_FIELDS:
        if name in data:
            setattr(scheme, name, data[name])
    committed = scheme_committed(scheme=scheme)
    if scheme.pot is not None and scheme.pot < committed:
        raise ValidationError(
            {
                "pot": _("%(amount)s has already been granted; the pot cannot be lower.")
                % {"amount": euro(committed)}
            }
        )
    _save(scheme, actor=actor, reason=reason.strip() or _("Scheme changed"))
    return scheme

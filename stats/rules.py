"""Who sees which statistics (django-rules).

Everyone sees the aggregate figures with small numbers suppressed; the wijkcoördinatoren of a
wijk see every figure of that wijk, including the money paid and the count per status. The
figures over all wijken in detail are for a coordinator of every wijk, so no one reads the
detail of a wijk outside their own through the total.
"""

from __future__ import annotations

import rules

from core.models import Wijk
from core.rules import is_wijk_coordinator


@rules.predicate
def coordinates_wijk_or_all(user, wijk: Wijk | None = None) -> bool:
    """A coordinator of this wijk or, for the figures over all wijken, of every wijk."""
    if wijk is not None:
        return is_wijk_coordinator(user, wijk)
    if not is_wijk_coordinator(user):
        return False
    return not Wijk.objects.exclude(coordinators__user=user).exists()


rules.add_perm("stats.view_statistics", rules.always_allow)
rules.add_perm("stats.view_detailed", coordinates_wijk_or_all)

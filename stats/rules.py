"""Who sees which statistics (django-rules).

Everyone sees the aggregate figures with small numbers suppressed; council staff
see every figure, including the money paid and the count per status.
"""

from __future__ import annotations

import rules

from core.rules import is_council_staff

rules.add_perm("stats.view_statistics", rules.always_allow)
rules.add_perm("stats.view_detailed", is_council_staff)

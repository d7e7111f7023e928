"""Permissions of wijkpanel reviews (extended by the review issue)."""

import rules

from core.rules import is_council_staff

rules.add_perm("review.proceed_without_advice", is_council_staff)

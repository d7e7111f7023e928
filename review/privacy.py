"""What the wijkpanel review adds to a person's data export.

Reviews a panel member wrote are part of the advice on a decision and stay after
the account is deleted (shown as by a former resident); see docs/privacy.md.
"""

from __future__ import annotations

from typing import Any

from core.models import User
from review.models import MemberReview


def review_export(*, user: User) -> dict[str, Any]:
    """The reviews the person wrote as a wijkpanel member, with their scores and reasons."""
    return {
        "reviews_written": [
            {
                "subject": str(row.review.subject),
                "wijk": row.review.wijk.name,
                "conflict_of_interest": row.has_conflict,
                "conflict_explanation": row.conflict_explanation,
                "scores": row.scores,
                "advice": row.advice,
                "reasoning": row.reasoning,
                "submitted_at": row.submitted_at,
            }
            for row in MemberReview.objects.filter(member=user).select_related("review__wijk")
        ]
    }

"""The life of a wijkbudget project proposal, as data.

::

    submitted --send_to_review (staff)--> in_review --conclude (chair/staff)--> reviewed
    submitted --withdraw (proposer)--> withdrawn
    reviewed --mark_eligible (staff, reason)--> eligible <--mark_eligible-- ineligible
    reviewed --mark_ineligible (staff, reason)--> ineligible <--mark_ineligible-- eligible

`conclude` is taken by the review app's handler when the wijkpanel's advice is
written (or staff proceed without it). Eligibility decisions change the ballot,
so the services refuse them once a ballot has been cast.

Whether residents see a round at all::

    draft --publish (staff)--> published
    published --back_to_draft (staff, reason)--> draft   (only while it has no
                                                          proposals and no ballots)

A new round is a draft: only staff see it, and it can be deleted while nobody has
voted (`round_delete`). Rehearsals (imported .pb files) are never public and take
neither step. Dated phases are apart from this: they follow from the dates.
"""

from __future__ import annotations

from budget.models import ProjectStatus as S
from budget.models import RoundStatus as R
from plumbing.workflow import Transition

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.SUBMITTED, "send_to_review"): Transition(S.IN_REVIEW, "budget.review_project"),
    (S.SUBMITTED, "withdraw"): Transition(S.WITHDRAWN, "budget.withdraw_project"),
    (S.IN_REVIEW, "conclude"): Transition(S.REVIEWED, "budget.conclude_project_review"),
    (S.REVIEWED, "mark_eligible"): Transition(S.ELIGIBLE, "budget.decide_project", True),
    (S.REVIEWED, "mark_ineligible"): Transition(S.INELIGIBLE, "budget.decide_project", True),
    (S.INELIGIBLE, "mark_eligible"): Transition(S.ELIGIBLE, "budget.decide_project", True),
    (S.ELIGIBLE, "mark_ineligible"): Transition(S.INELIGIBLE, "budget.decide_project", True),
}

# Actions whose outcome changes what is on the ballot.
BALLOT_CHANGING = frozenset({"mark_eligible", "mark_ineligible"})

ROUND_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (R.DRAFT, "publish"): Transition(R.PUBLISHED, "budget.publish_round"),
    (R.PUBLISHED, "back_to_draft"): Transition(R.DRAFT, "budget.publish_round", True),
}

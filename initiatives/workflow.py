"""The life of an initiative, as data.

::

    concept --submit--> submitted --start_review--> in_review --publish--> published
                            |                           |                     |
                            +--publish--> published     +--reject--> rejected |
                            +--reject---> rejected                            |
                                                                           start
                                                                              v
                                              completed <--complete-- in_progress

    withdraw: concept, submitted, in_review, published, in_progress --> withdrawn

- The initiators (InitiativeMember rows) submit, start, complete and withdraw.
- Council staff send a submitted initiative to the wijkpanel (`start_review`, which opens a
  review through review), and publish or reject it.
- Staff may publish or reject straight from `submitted`, without the panel: for small,
  uncontroversial initiatives. From `in_review` they decide only after the panel's advice
  is in (or after they proceeded without it, which the review records); a decision that
  goes against the advice (publishing after a negative advice, rejecting after a positive
  one) needs a reason, and a rejection always does. The reason of a decision is public.
- Withdrawal is possible at any point before completion, not after a rejection (the
  decision stands). Rejected, completed and withdrawn are final. Withdrawing from
  `in_review` cancels the panel's open review in the same transaction (the initiator
  is recorded as its actor; the panel is told and can no longer advise).
- Everyone sees published, rejected (with the reasoning), in-progress and completed
  initiatives; concepts and withdrawn ones only their initiators and staff; the wijkpanel
  also sees submitted and in-review ones. Moderation can hide any of them (`hidden`).
- Every step is recorded in the audit trail with its reason and e-mails those concerned
  (initiators; staff on submit and withdraw; the panel on start_review; supporters and
  volunteers on start, complete and withdraw).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from initiatives.models import InitiativeStatus as S
from plumbing.workflow import Transition

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.CONCEPT, "submit"): Transition(S.SUBMITTED, "initiatives.submit_initiative"),
    (S.SUBMITTED, "start_review"): Transition(S.IN_REVIEW, "initiatives.decide_initiative"),
    (S.SUBMITTED, "publish"): Transition(S.PUBLISHED, "initiatives.decide_initiative"),
    (S.SUBMITTED, "reject"): Transition(
        S.REJECTED, "initiatives.decide_initiative", reason_required=True
    ),
    (S.IN_REVIEW, "publish"): Transition(S.PUBLISHED, "initiatives.decide_initiative"),
    (S.IN_REVIEW, "reject"): Transition(
        S.REJECTED, "initiatives.decide_initiative", reason_required=True
    ),
    (S.PUBLISHED, "start"): Transition(S.IN_PROGRESS, "initiatives.run_initiative"),
    (S.IN_PROGRESS, "complete"): Transition(S.COMPLETED, "initiatives.run_initiative"),
}
for _source in (S.CONCEPT, S.SUBMITTED, S.IN_REVIEW, S.PUBLISHED, S.IN_PROGRESS):
    TRANSITIONS[(_source, "withdraw")] = Transition(S.WITHDRAWN, "initiatives.withdraw_initiative")

# Steps whose outcome is a decision by staff: its reason is shown to everyone.
DECISIONS = frozenset({"publish", "reject"})

# What the button says, and the default reason in the audit trail when none is given.
ACTION_LABELS = {
    "submit": _("Submit"),
    "start_review": _("Send to the wijkpanel"),
    "publish": _("Publish"),
    "reject": _("Reject"),
    "start": _("Start carrying it out"),
    "complete": _("Mark as completed"),
    "withdraw": _("Withdraw"),
}
DEFAULT_REASONS = {
    "submit": _("Submitted by the initiators"),
    "start_review": _("Sent to the wijkpanel for advice"),
    "publish": _("Published"),
    "reject": _("Rejected"),
    "start": _("Work on the initiative started"),
    "complete": _("Initiative completed"),
    "withdraw": _("Withdrawn by the initiators"),
}

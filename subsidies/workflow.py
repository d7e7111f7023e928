"""The status machine of a subsidy application.

::

    concept --submit--> submitted --start_review--> in_review --advise--> advised
       ^                   |                          |                      |
       +---request_info----+                          |                      |
       +---request_info-------------------------------------------------------+
                                                      |                      |
             (no advice required: decide from in_review)   decide: grant / partly_grant / reject
                                                      v                      v
                                   granted | partly_granted | rejected
                                        |
                                   pay_advance
                                        v
       advance_paid <--request_report_info-- report_submitted --settle--> settled
            |  --submit_report-->                    |  --settle_reclaim--> reclaimed
            +--reclaim (no report; reason)--> reclaimed

- `start_review` opens the wijkpanel review when the scheme requires advice; the
  review's conclusion (advice, or staff proceeding without it) runs `advise`.
- Deciding from `in_review` is only possible for schemes without required advice
  (checked in services.application_decide).
- `settle` fixes the final amount; when it is below the advance the difference is
  reclaimed and the action is `settle_reclaim`.
"""

from __future__ import annotations

from plumbing.workflow import Transition
from subsidies.models import Status

MANAGE = "subsidies.manage_application"

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.CONCEPT, "submit"): Transition(Status.SUBMITTED, "subsidies.submit_application"),
    (Status.SUBMITTED, "request_info"): Transition(Status.CONCEPT, MANAGE, reason_required=True),
    (Status.ADVISED, "request_info"): Transition(Status.CONCEPT, MANAGE, reason_required=True),
    (Status.SUBMITTED, "start_review"): Transition(Status.IN_REVIEW, MANAGE),
    (Status.IN_REVIEW, "advise"): Transition(Status.ADVISED, "subsidies.conclude_review"),
    (Status.IN_REVIEW, "grant"): Transition(Status.GRANTED, MANAGE, reason_required=True),
    (Status.IN_REVIEW, "partly_grant"): Transition(
        Status.PARTLY_GRANTED, MANAGE, reason_required=True
    ),
    (Status.IN_REVIEW, "reject"): Transition(Status.REJECTED, MANAGE, reason_required=True),
    (Status.ADVISED, "grant"): Transition(Status.GRANTED, MANAGE, reason_required=True),
    (Status.ADVISED, "partly_grant"): Transition(
        Status.PARTLY_GRANTED, MANAGE, reason_required=True
    ),
    (Status.ADVISED, "reject"): Transition(Status.REJECTED, MANAGE, reason_required=True),
    (Status.GRANTED, "pay_advance"): Transition(Status.ADVANCE_PAID, MANAGE),
    (Status.PARTLY_GRANTED, "pay_advance"): Transition(Status.ADVANCE_PAID, MANAGE),
    (Status.ADVANCE_PAID, "submit_report"): Transition(
        Status.REPORT_SUBMITTED, "subsidies.submit_report"
    ),
    (Status.ADVANCE_PAID, "reclaim"): Transition(Status.RECLAIMED, MANAGE, reason_required=True),
    (Status.REPORT_SUBMITTED, "request_report_info"): Transition(
        Status.ADVANCE_PAID, MANAGE, reason_required=True
    ),
    (Status.REPORT_SUBMITTED, "settle"): Transition(Status.SETTLED, MANAGE),
    (Status.REPORT_SUBMITTED, "settle_reclaim"): Transition(Status.RECLAIMED, MANAGE),
}

DECISION_ACTIONS = ("grant", "partly_grant", "reject")
# Staff steps that need nothing but a confirmation (and for some a reason): one form each.
SIMPLE_STAFF_ACTIONS = (
    "start_review",
    "request_info",
    "pay_advance",
    "request_report_info",
    "reclaim",
)

"""Every state change of the wijkbudget: rounds and projects, voting, counting and results.

Services take the acting user (never the request), check the permission
themselves, validate and save with a change reason for the audit trail.
"""

from budget.services.mixing import ballots_mix, ballots_mix_due
from budget.services.notices import round_notices_send, round_results_announce
from budget.services.results import (
    result_publication_confirm,
    result_publication_request,
    result_publication_send_back,
    round_count,
    round_import_pb,
)
from budget.services.rounds import (
    project_progress_add,
    project_propose,
    project_review_concluded,
    project_transition,
    round_create,
    round_delete,
    round_transition,
    round_update,
)
from budget.services.voting import (
    CodeRejected,
    ballot_cast,
    ballot_cast_with_code,
    ballot_validate,
    paper_ballot_confirm,
    paper_ballot_discard,
    paper_ballot_enter,
    paper_forms_received_set,
    receipt_check,
    voting_code_batch_create,
    voting_code_batch_void,
    voting_code_check,
)

__all__ = [
    "CodeRejected",
    "ballot_cast",
    "ballot_cast_with_code",
    "ballot_validate",
    "ballots_mix",
    "ballots_mix_due",
    "paper_ballot_confirm",
    "paper_ballot_discard",
    "paper_ballot_enter",
    "paper_forms_received_set",
    "project_progress_add",
    "project_propose",
    "project_review_concluded",
    "project_transition",
    "receipt_check",
    "result_publication_confirm",
    "result_publication_request",
    "result_publication_send_back",
    "round_count",
    "round_create",
    "round_delete",
    "round_import_pb",
    "round_notices_send",
    "round_results_announce",
    "round_transition",
    "round_update",
    "voting_code_batch_create",
    "voting_code_batch_void",
    "voting_code_check",
]

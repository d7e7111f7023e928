"""Run after a restore (test_backup_restore.py), in a process of its own with the restored
database and bucket as its only ones: prints what an operator checks (docs/operations.md,
Restore, step 5) as one JSON line."""

from __future__ import annotations

import hashlib
import json

import django

django.setup()

from budget.models import Ballot, Result  # noqa: E402
from budget.services.results import election_for  # noqa: E402
from budget.tally import tally  # noqa: E402
from subsidies.letters import letter_bytes  # noqa: E402
from subsidies.models import Attachment, DecisionLetter  # noqa: E402

results = {}
for result in Result.objects.select_related("round"):
    recount = tally(election=election_for(budget_round=result.round), rule=result.round.rule)
    results[str(result.round_id)] = {
        "funded": result.funded,
        "votes": result.votes,
        "pb_sha256": result.pb_sha256,
        "pb_matches": hashlib.sha256(result.pb_text.encode()).hexdigest() == result.pb_sha256,
        "recount": [int(pk) for pk in recount],
        "ballots": Ballot.objects.filter(round=result.round).count(),
    }
letters = {
    letter.file.name: hashlib.sha256(letter_bytes(letter)).hexdigest()
    for letter in DecisionLetter.objects.all()
}
documents = {}
for attachment in Attachment.objects.all():
    with attachment.file.open("rb") as handle:
        documents[attachment.file.name] = hashlib.sha256(handle.read()).hexdigest()
print("RESTORED " + json.dumps({"results": results, "letters": letters, "documents": documents}))

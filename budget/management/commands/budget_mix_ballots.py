"""Mix the ballots of rounds in voting (or just closed); safe to run as often as needed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from budget.services import ballots_mix_due


class Command(BaseCommand):
    help = (
        "Re-insert the ballots of every round whose voting is open or closed less than two "
        "days ago in a random order, so the database no longer shows which participation "
        "wrote which ballot (see docs/privacy.md). Rounds with no ballot cast since their "
        "last mix are skipped."
    )

    def handle(self, *args, **options):
        for mix in ballots_mix_due():
            if mix.skipped:
                self.stdout.write(f"{mix.budget_round}: nothing new since the last mix.")
            else:
                self.stdout.write(f"{mix.budget_round}: {mix.mixed} ballot(s) mixed.")

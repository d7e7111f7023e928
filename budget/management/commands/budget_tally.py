"""`manage.py budget_tally FILE.pb [--rule RULE]`: count a Pabulib file with our rules."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budget.tally.counting import RULES, tally
from budget.tally.election import ElectionError
from budget.tally.pabulib import read_pb


class Command(BaseCommand):
    """Print the funded project ids of a .pb file, one per line, in the order they were chosen."""

    help = (
        "Count a Pabulib .pb file (approval or cumulative ballots) and print the funded project "
        "ids, one per line, in selection order. The rule defaults to the file's META rule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .pb file")
        parser.add_argument("--rule", help=f"one of: {', '.join(RULES)}")

    def handle(self, *args: object, file: str, rule: str | None, **options: object) -> None:
        try:
            election = read_pb(path=file)
        except (OSError, UnicodeDecodeError, ElectionError) as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        rule = rule or election.meta.get("rule")
        if rule not in RULES:
            found = (
                f"unknown rule {rule!r}" if rule else "no rule given and none in the file's META"
            )
            raise CommandError(f"{found}; choose one of: {', '.join(RULES)}")
        for project_id in tally(election=election, rule=rule):
            self.stdout.write(project_id)

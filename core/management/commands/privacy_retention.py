"""Anonymise what is past its retention period (run as a scheduled task, e.g. daily)."""

from django.core.management.base import BaseCommand

from core.privacy import retention_run


class Command(BaseCommand):
    help = (
        "Remove personal data past its retention period (settings.WIJKPLEIN_RETENTION_DAYS): "
        "voter registries of closed rounds, addresses on used letter codes, old notifications, "
        "unconfirmed accounts. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be done; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        for line in retention_run(dry_run=dry_run):
            self.stdout.write(line)

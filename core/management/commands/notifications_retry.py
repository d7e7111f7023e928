"""Queue failed notifications again (run as a scheduled task, e.g. every 15 minutes)."""

from django.core.management.base import BaseCommand

from core.notifications import notifications_retry_failed


class Command(BaseCommand):
    help = "Queue every failed notification that has attempts left."

    def handle(self, *args, **options):
        count = notifications_retry_failed()
        self.stdout.write(f"{count} notification(s) queued again.")

"""Remind panel members of reviews due soon; safe to run as often as a scheduler likes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from review.services import DEFAULT_REMINDER_DAYS, review_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail panel members who have not reviewed yet, a few days before the due date. "
        "Each member is reminded once per review; reruns send nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_REMINDER_DAYS,
            help=f"Remind this many days before the due date (default {DEFAULT_REMINDER_DAYS}).",
        )

    def handle(self, *args, days: int, **options):
        sent = review_reminders_send(days=days)
        self.stdout.write(f"{sent} reminder(s) sent.")

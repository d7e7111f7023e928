"""Tell residents that voting opens or closes tomorrow; safe to run as often as needed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from budget.services import round_notices_send


class Command(BaseCommand):
    help = (
        "E-mail the residents of each wijk whose wijkbudget voting has opened, and remind "
        "those who have not voted a day before it closes. Each message goes out once per "
        "round; reruns send nothing new."
    )

    def handle(self, *args, **options):
        count = round_notices_send()
        self.stdout.write(
            f"Voting opens: {count.opens_sent} message(s) for {count.opens_rounds} round(s). "
            f"Voting closes: {count.closes_sent} message(s) for {count.closes_rounds} round(s)."
        )

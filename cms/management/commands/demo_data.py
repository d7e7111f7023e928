"""Load the idempotent demo (wijken, pages, accounts). Refused in production."""

import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from cms.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load demo wijken, pages and accounts (dev and test only)."

    def handle(self, *args, **options):
        if settings.WIJKPLEIN_ENV == "production":
            raise CommandError("Demo data and demo passwords are refused in production.")
        # The demo's own steps (a published initiative, ...) would e-mail the demo
        # accounts; nobody reads those, so they go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            accounts = load_demo()
            call_command(
                "budget_demo", stdout=self.stdout if options["verbosity"] > 1 else io.StringIO()
            )
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {len(accounts)} accounts."))
        if settings.WIJKPLEIN_ENV == "dev":
            self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
            self.stdout.write("Staff log in with two-factor; on the dev server use code 123456.")
            for account in accounts:
                self.stdout.write(f"  {account.email:42} {account.role} ({account.wijk})")

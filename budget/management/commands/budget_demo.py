"""`manage.py budget_demo`: one wijkbudget round in its voting phase per wijk (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from budget.models import Project, ProjectStatus, Round
from core.models import Wijk

PROJECTS = [
    ("Speeltuin opknappen", "Nieuwe toestellen en een zandbak bij het plein.", "12000"),
    ("Bankjes langs het wandelpad", "Tien bankjes, zodat ouderen onderweg kunnen rusten.", "4500"),
    ("Buurtmoestuin", "Een moestuin met bakken op hoogte, voor en door buren.", "6000"),
    ("Extra straatverlichting", "Verlichting op het donkere stuk bij de school.", "9000"),
    ("Geveltuintjes", "Tegels eruit, planten erin: vijftig geveltuintjes.", "3000"),
]


class Command(BaseCommand):
    """Create demo rounds so the ballot can be tried out right after `make run`."""

    help = "Create (once) a wijkbudget round in its voting phase, with five projects, per wijk."

    def handle(self, *args, **options) -> None:
        if settings.WIJKPLEIN_ENV == "production":
            raise CommandError("Demo data is not created in production.")
        now = timezone.now()
        for wijk in Wijk.objects.all():
            name = f"Wijkbudget {now.year} {wijk.name}"
            if Round.objects.filter(wijk=wijk, name=name).exists():
                continue
            budget_round = Round(
                wijk=wijk,
                name=name,
                description="Bewoners beslissen samen over € 25.000 voor hun wijk.",
                budget=Decimal("25000"),
                proposals_start=now - datetime.timedelta(days=60),
                review_start=now - datetime.timedelta(days=30),
                voting_start=now - datetime.timedelta(days=1),
                voting_end=now + datetime.timedelta(days=14),
                realisation_start=now + datetime.timedelta(days=30),
                ballot_style="knapsack",
                rule="equalshares/add1",
                allow_letter_codes=True,
            )
            budget_round.full_clean()
            budget_round._change_reason = "Demo data"
            budget_round.save()
            for title, summary, cost in PROJECTS:
                project = Project(
                    round=budget_round,
                    title=title,
                    summary=summary,
                    cost=Decimal(cost),
                    status=ProjectStatus.ELIGIBLE,
                    decision_reason="Haalbaar binnen het budget.",
                )
                project.full_clean()
                project._change_reason = "Demo data"
                project.save()
            self.stdout.write(f"created {name}")

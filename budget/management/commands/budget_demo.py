"""`manage.py budget_demo`: a wijkbudget round in its voting phase per wijk, and one round
whose voting has closed, with paper ballots, ready to count (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from budget.models import CountingRule, Project, ProjectStatus, Round
from budget.services import paper_ballot_confirm, paper_ballot_enter
from core.models import User, Wijk
from core.roles import COUNCIL_STAFF

PROJECTS = [
    ("Speeltuin opknappen", "Nieuwe toestellen en een zandbak bij het plein.", "12000"),
    ("Bankjes langs het wandelpad", "Tien bankjes, zodat ouderen onderweg kunnen rusten.", "4500"),
    ("Buurtmoestuin", "Een moestuin met bakken op hoogte, voor en door buren.", "6000"),
    ("Extra straatverlichting", "Verlichting op het donkere stuk bij de school.", "9000"),
    ("Geveltuintjes", "Tegels eruit, planten erin: vijftig geveltuintjes.", "3000"),
]

# The round whose voting has closed: projects, and the paper ballots handed in at the
# wijkbedrijf (project indexes chosen, how many forms), so staff can count and publish.
CLOSED_PROJECTS = [
    ("Bomen in de straat", "Twaalf nieuwe bomen, met boomspiegels die buren onderhouden.", "8000"),
    ("Bloemenweide bij de sporthal", "Een strook gras wordt een bloemenweide voor bijen.", "5000"),
    ("Regentonnen", "Veertig regentonnen voor tuinen en geveltuinen.", "2000"),
    ("Groene schoolpleinen", "Tegels eruit en bomen erin op twee schoolpleinen.", "9000"),
]
CLOSED_BALLOTS = [((0, 2), 6), ((0, 1, 2), 1), ((3, 1), 5)]


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
                rule=CountingRule.EQUAL_SHARES_ADD1,
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
        wijk = Wijk.objects.order_by("pk").first()
        if wijk is not None:
            self._closed_round(wijk=wijk, now=now)

    def _closed_round(self, *, wijk: Wijk, now: datetime.datetime) -> None:
        """A round whose voting closed yesterday, with confirmed paper ballots, not counted.

        The ballots go through the paper-ballot services (a coordinator enters them, a
        colleague confirms), as they would at the wijkbedrijf; this needs two staff accounts.
        """
        name = f"Groenbudget {now.year} {wijk.name}"
        if Round.objects.filter(wijk=wijk, name=name).exists():
            return
        staff = list(User.objects.filter(groups__name=COUNCIL_STAFF).order_by("email"))
        coordinator = next(
            (user for user in staff if user.coordinated_wijken.filter(wijk=wijk).exists()), None
        )
        colleague = next((user for user in staff if user != coordinator), None)
        if coordinator is None or colleague is None:
            self.stdout.write(f"skipped {name}: it needs two staff members (run demo_data)")
            return
        budget_round = Round(
            wijk=wijk,
            name=name,
            description="Bewoners kozen hoe € 15.000 aan meer groen in de wijk wordt besteed.",
            budget=Decimal("15000"),
            proposals_start=now - datetime.timedelta(days=90),
            review_start=now - datetime.timedelta(days=60),
            voting_start=now - datetime.timedelta(days=21),
            voting_end=now - datetime.timedelta(days=1),
            realisation_start=now + datetime.timedelta(days=60),
            ballot_style="knapsack",
            rule=CountingRule.EQUAL_SHARES_ADD1,
        )
        budget_round.full_clean()
        budget_round._change_reason = "Demo data"
        budget_round.save()
        projects = []
        for title, summary, cost in CLOSED_PROJECTS:
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
            projects.append(project)
        for chosen, forms in CLOSED_BALLOTS:
            for _form in range(forms):
                ballot = paper_ballot_enter(
                    actor=coordinator,
                    budget_round=budget_round,
                    choices={projects[index].pk: 1 for index in chosen},
                )
                paper_ballot_confirm(actor=colleague, ballot=ballot)
        self.stdout.write(f"created {name} (voting closed, not counted)")

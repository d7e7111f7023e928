"""`manage.py budget_demo`: a wijkbudget round in its voting phase per wijk, and one round
whose voting has closed, with paper ballots, ready to count (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from budget.models import (
    CountingRule,
    Project,
    ProjectStatus,
    Round,
    RoundStatus,
    VotingCode,
    VotingCodeBatch,
)
from budget.services import (
    paper_ballot_confirm,
    paper_ballot_discard,
    paper_ballot_enter,
    paper_forms_received_set,
)
from core.models import User, Wijk
from core.roles import BUDGET_OFFICERS, COUNCIL_STAFF
from core.services import LetterAddress, letter_codes_issue

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
# Each paper form was handed in with its letter code (the voter register); one was typed in
# wrongly at first, discarded by the colleague and entered again.


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
                # Published, so residents can try the ballot at once (new rounds are drafts).
                status=RoundStatus.PUBLISHED,
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

        The ballots go through the paper-ballot services (a coordinator records the forms
        received and enters each against the letter code handed in with it, a colleague
        confirms, or discards one typed in wrongly), as they would at the wijkbedrijf; this
        needs two staff accounts. Received, entered and discarded add up, so it can be counted.
        """
        name = f"Groenbudget {now.year} {wijk.name}"
        if Round.objects.filter(wijk=wijk, name=name).exists():
            return
        # Two budget officers of this wijk (core/roles.py): one enters, the other confirms.
        staff = list(
            User.objects.filter(groups__name=COUNCIL_STAFF)
            .filter(groups__name=BUDGET_OFFICERS, budget_wijken_officered__wijk=wijk)
            .distinct()
            .order_by("email")
        )
        coordinator = next(
            (user for user in staff if user.coordinated_wijken.filter(wijk=wijk).exists()),
            staff[0] if staff else None,
        )
        colleague = next((user for user in staff if user != coordinator), None)
        if coordinator is None or colleague is None:
            self.stdout.write(
                f"skipped {name}: it needs two budget officers of the wijk (run demo_data)"
            )
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
            # The paper forms came with the letter code (the voter register of the round).
            allow_letter_codes=True,
            status=RoundStatus.PUBLISHED,
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
        letters = self._closed_round_codes(budget_round=budget_round, actor=coordinator)
        forms = [chosen for chosen, count in CLOSED_BALLOTS for _form in range(count)]
        paper_forms_received_set(
            actor=coordinator,
            budget_round=budget_round,
            received=len(forms),
        )
        wrong = paper_ballot_enter(
            actor=coordinator,
            budget_round=budget_round,
            choices={projects[0].pk: 1, projects[1].pk: 1},
            code=letters[0],
        )
        paper_ballot_discard(
            actor=colleague, entry=wrong, reason="Verkeerd ingetypt; opnieuw ingevoerd."
        )
        for chosen, code in zip(forms, letters, strict=True):
            entry = paper_ballot_enter(
                actor=coordinator,
                budget_round=budget_round,
                choices={projects[index].pk: 1 for index in chosen},
                code=code,
            )
            paper_ballot_confirm(actor=colleague, entry=entry)
        self.stdout.write(f"created {name} (voting closed, not counted)")

    def _closed_round_codes(self, *, budget_round: Round, actor: User) -> list[str]:
        """Letter codes for the closed round's paper voters (one per form, in the wijk).

        Written directly, as the round's voting has closed (the service makes codes for
        rounds still to vote only); the plain codes are used at once and never stored.
        """
        area = budget_round.wijk.postcodes.order_by("code").values_list("code", flat=True).first()
        postcode = (area or "1000")[:4] + "GB"
        forms = sum(count for _chosen, count in CLOSED_BALLOTS)
        addresses = [
            LetterAddress(street="Groenstraat", house_number=str(number), postcode=postcode)
            for number in range(1, forms + 1)
        ]
        batch = VotingCodeBatch(round=budget_round, created_by=actor)
        batch._change_reason = "Demo data"
        batch.save()

        def build_row(address: LetterAddress, hashed) -> VotingCode:
            return VotingCode(
                batch=batch,
                selector=hashed.selector,
                salt=hashed.salt,
                digest=hashed.digest,
                street=address.street,
                house_number=address.house_number,
                postcode=address.postcode,
            )

        letters = letter_codes_issue(addresses=addresses, actor=actor, build_row=build_row)
        return [code for _address, code in letters]

"""Factories of the wijkbudget: rounds in a given phase, projects, votes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from budget import services
from budget.models import PHASE_ORDER, Project, ProjectStatus, Result, Round, RoundStatus
from tests.factories import WijkFactory

BOUNDARIES = ("proposals_start", "review_start", "voting_start", "voting_end", "realisation_start")


def phase_dates(phase: str, *, now: datetime.datetime | None = None) -> dict:
    """Dates that put a round in `phase` now: each boundary a day apart, now in the middle."""
    now = now or timezone.now()
    index = PHASE_ORDER.index(phase)
    return {
        name: now + datetime.timedelta(days=i - index + 1) - datetime.timedelta(hours=12)
        for i, name in enumerate(BOUNDARIES)
    }


class RoundFactory(factory.django.DjangoModelFactory):
    """A published round; pass `phase=` (default "voting") or the dates themselves, and
    `status=RoundStatus.DRAFT` for a draft only staff see."""

    class Meta:
        model = Round
        exclude = ("phase",)

    phase = "voting"
    wijk = factory.SubFactory(WijkFactory)
    name = factory.Sequence(lambda n: f"Wijkbudget {2026 + n}")
    status = RoundStatus.PUBLISHED
    budget = Decimal("10000.00")
    proposals_start = factory.LazyAttribute(lambda o: phase_dates(o.phase)["proposals_start"])
    review_start = factory.LazyAttribute(lambda o: phase_dates(o.phase)["review_start"])
    voting_start = factory.LazyAttribute(lambda o: phase_dates(o.phase)["voting_start"])
    voting_end = factory.LazyAttribute(lambda o: phase_dates(o.phase)["voting_end"])
    realisation_start = factory.LazyAttribute(lambda o: phase_dates(o.phase)["realisation_start"])
    ballot_style = "approval"
    rule = "greedy"
    min_choices = 1
    max_choices = 3


class ProjectFactory(factory.django.DjangoModelFactory):
    """An eligible project on the ballot unless told otherwise."""

    class Meta:
        model = Project

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "Een mooi plan voor de wijk."
    cost = Decimal("3000.00")
    status = ProjectStatus.ELIGIBLE


def publish_result(*, budget_round: Round, asked_by, confirmed_by) -> Result:
    """Publish a counted round's result the only way there is: one staff member asks,
    a different one confirms (four eyes)."""
    services.result_publication_request(actor=asked_by, budget_round=budget_round)
    return services.result_publication_confirm(actor=confirmed_by, budget_round=budget_round)

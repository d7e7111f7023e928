"""The demo rounds command: one voting round per wijk, and one closed round, created once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from budget.models import Round
from budget.services import round_count
from tests.factories import WijkCoordinatorFactory, make_budget_officer

pytestmark = pytest.mark.django_db


def test_demo_rounds_are_created_once_and_open_for_voting(client, wijk, other_wijk, resident):
    call_command("budget_demo")
    call_command("budget_demo")

    assert Round.objects.count() == 2
    budget_round = Round.objects.get(wijk=wijk)
    assert budget_round.phase == "voting" and budget_round.projects.count() == 5
    client.force_login(resident)
    assert client.get(reverse("budget:ballot", args=[budget_round.pk])).status_code == 200


def test_demo_has_a_closed_round_with_paper_ballots_ready_to_count(wijk, other_wijk, staff):
    WijkCoordinatorFactory(wijk=wijk, user=staff)
    # A second budget officer of the wijk, who does not coordinate it.
    colleague = make_budget_officer(wijk, email="collega@example.org")

    call_command("budget_demo")
    call_command("budget_demo")

    closed = Round.objects.get(wijk=wijk, name__startswith="Groenbudget")
    assert closed.voting_closed and not hasattr(closed, "result")
    ballots = closed.ballots.all()
    assert len(ballots) == 12 and all(ballot.counted for ballot in ballots)
    # Every form was entered against a letter code by the coordinator and checked by the
    # colleague; one was typed in wrongly, discarded and entered again: the forms add up.
    entries = closed.paper_entries.all()
    assert {(e.entered_by, e.decided_by) for e in entries} == {(staff, colleague)}
    assert [e.status for e in entries].count("confirmed") == 12
    assert [e.status for e in entries].count("discarded") == 1
    assert closed.participations.filter(via="paper", code__isnull=False).count() == 12
    assert closed.paper_forms_received == 12
    assert not Round.objects.filter(wijk=other_wijk, name__startswith="Groenbudget").exists()
    result = round_count(actor=staff, budget_round=closed)
    funded = set(closed.projects.filter(pk__in=result.funded).values_list("title", flat=True))
    assert funded == {"Regentonnen", "Bomen in de straat", "Bloemenweide bij de sporthal"}


def test_demo_skips_the_closed_round_without_two_staff_members(wijk, staff):
    call_command("budget_demo", stdout=io.StringIO())

    assert not Round.objects.filter(name__startswith="Groenbudget").exists()

"""Casting, changing and refusing ballots; the previous ballot stays on bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from budget import services
from budget.models import Ballot, Participation
from budget.selectors import own_choices
from tests.budget.conftest import make_residents
from tests.factories import ProfileFactory, VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _ballot(voting_round):
    return Ballot.objects.get(round=voting_round)


def test_a_resident_votes_and_gets_a_receipt_by_email(
    resident, voting_round, projects, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cast = services.ballot_cast(
            actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
        )

    ballot = _ballot(voting_round)
    assert ballot.choices == {str(projects["Bankjes"].pk): 1}
    assert Participation.objects.get(round=voting_round).user == resident
    assert len(mailoutbox) == 1
    assert cast.receipt in mailoutbox[0].body
    assert "Bankjes" not in mailoutbox[0].body  # the e-mail does not reveal the choice
    assert services.receipt_check(budget_round=voting_round, receipt=cast.receipt)


def test_changing_a_ballot_replaces_it_the_last_counts(resident, voting_round, projects):
    first = services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )
    second = services.ballot_cast(
        actor=resident,
        budget_round=voting_round,
        choices={projects["Speeltuin"].pk: 1, projects["Moestuin"].pk: 1},
    )

    assert second.changed
    assert Ballot.objects.filter(round=voting_round).count() == 1
    assert Participation.objects.filter(round=voting_round).count() == 1
    assert own_choices(budget_round=voting_round, user=resident) == {
        projects["Speeltuin"].pk: 1,
        projects["Moestuin"].pk: 1,
    }
    # The old receipt no longer points at a counted ballot; the new one does.
    assert not services.receipt_check(budget_round=voting_round, receipt=first.receipt)
    assert services.receipt_check(budget_round=voting_round, receipt=second.receipt)


@pytest.fixture
def already_voted(resident, voting_round, projects):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )
    return {str(projects["Bankjes"].pk): 1}


def _assert_unchanged(voting_round, before):
    assert Ballot.objects.filter(round=voting_round).count() == 1
    assert _ballot(voting_round).choices == before


def test_too_many_projects_is_refused_and_the_earlier_ballot_stays(
    resident, voting_round, projects, already_voted
):
    with pytest.raises(ValidationError, match="hoogstens 2 projecten|at most 2 projects"):
        services.ballot_cast(
            actor=resident,
            budget_round=voting_round,
            choices={project.pk: 1 for project in projects.values()},
        )
    _assert_unchanged(voting_round, already_voted)


def test_too_few_projects_is_refused(resident, voting_round, already_voted):
    with pytest.raises(ValidationError, match="minstens 1|at least 1"):
        services.ballot_cast(actor=resident, budget_round=voting_round, choices={})
    _assert_unchanged(voting_round, already_voted)


def test_a_project_from_another_ballot_is_refused(resident, voting_round, already_voted):
    elsewhere = ProjectFactory()
    with pytest.raises(ValidationError, match="niet op dit stembiljet|not on this ballot"):
        services.ballot_cast(actor=resident, budget_round=voting_round, choices={elsewhere.pk: 1})
    _assert_unchanged(voting_round, already_voted)


def test_an_ineligible_project_is_not_on_the_ballot(resident, voting_round, already_voted):
    hidden = ProjectFactory(round=voting_round, status="ineligible", cost=Decimal("10"))
    with pytest.raises(ValidationError):
        services.ballot_cast(actor=resident, budget_round=voting_round, choices={hidden.pk: 1})
    _assert_unchanged(voting_round, already_voted)


def test_a_vote_after_closing_is_refused(resident, voting_round, projects, already_voted):
    with (
        time_machine.travel(voting_round.voting_end, tick=False),
        pytest.raises(PermissionDenied, match="gesloten|closed"),
    ):
        services.ballot_cast(
            actor=resident, budget_round=voting_round, choices={projects["Speeltuin"].pk: 1}
        )
    _assert_unchanged(voting_round, already_voted)


@pytest.mark.parametrize("who", ["other_wijk", "unverified", "too_young"])
def test_ineligible_voters_are_refused(who, wijk, other_resident, projects):
    voting_round = projects["Bankjes"].round
    voting_round.min_age = 16
    voting_round.save()
    user = {
        "other_wijk": lambda: other_resident,
        "unverified": lambda: ProfileFactory(wijk=wijk, postcode="6441AB", birth_year=1980).user,
        "too_young": lambda: (
            VerifiedProfileFactory(
                wijk=wijk, postcode="6441AB", birth_year=voting_round.voting_end.year - 10
            ).user
        ),
    }[who]()
    with pytest.raises(PermissionDenied):
        services.ballot_cast(
            actor=user, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
        )
    assert not Ballot.objects.exists()
    assert not Participation.objects.exists()


def test_knapsack_over_budget_and_under_minimum(resident, wijk, django_assert_num_queries):
    knapsack = RoundFactory(
        wijk=wijk, ballot_style="knapsack", budget=Decimal("8000"), min_budget_share=50
    )
    big = ProjectFactory(round=knapsack, cost=Decimal("6000"))
    mid = ProjectFactory(round=knapsack, cost=Decimal("3000"))
    small = ProjectFactory(round=knapsack, cost=Decimal("1000"))
    services.ballot_cast(actor=resident, budget_round=knapsack, choices={big.pk: 1})

    with pytest.raises(ValidationError, match="meer dan het budget|more than the budget") as over:
        services.ballot_cast(actor=resident, budget_round=knapsack, choices={big.pk: 1, mid.pk: 1})
    # Amounts as the rest of the site writes them (plumbing.formatting.euro).
    assert "samen € 9.000,00, meer dan het budget van € 8.000,00" in over.value.messages[0]
    with pytest.raises(ValidationError, match="minstens|at least") as under:
        services.ballot_cast(actor=resident, budget_round=knapsack, choices={small.pk: 1})
    assert "minstens € 4.000,00 kosten (50% van het budget)" in under.value.messages[0]
    assert Ballot.objects.get(round=knapsack).choices == {str(big.pk): 1}


def test_points_ballot_limits(resident, wijk):
    points = RoundFactory(wijk=wijk, ballot_style="points", points_total=10)
    a = ProjectFactory(round=points)
    b = ProjectFactory(round=points)
    services.ballot_cast(actor=resident, budget_round=points, choices={a.pk: 7, b.pk: 3})

    with pytest.raises(ValidationError, match="11 punten|11 points"):
        services.ballot_cast(actor=resident, budget_round=points, choices={a.pk: 8, b.pk: 3})
    with pytest.raises(ValidationError):
        services.ballot_cast(actor=resident, budget_round=points, choices={a.pk: -1, b.pk: 3})
    assert Ballot.objects.get(round=points).choices == {str(a.pk): 7, str(b.pk): 3}


def test_the_configuration_is_locked_once_a_ballot_exists(staff, resident, voting_round, projects):
    services.round_update(actor=staff, budget_round=voting_round, budget=Decimal("12000"))
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )

    for change in ({"budget": Decimal("9000")}, {"rule": "equalshares"}, {"min_age": 18}):
        with pytest.raises(ValidationError, match="niet meer veranderen|can no longer"):
            services.round_update(actor=staff, budget_round=voting_round, **change)
    with pytest.raises(ValidationError):
        services.project_transition(
            actor=staff, project=projects["Moestuin"], action="mark_ineligible", reason="Te duur"
        )
    # The name is not part of the outcome and may still change.
    services.round_update(actor=staff, budget_round=voting_round, name="Wijkbudget Noord")
    voting_round.refresh_from_db()
    assert voting_round.budget == Decimal("12000")
    assert voting_round.name == "Wijkbudget Noord"


def test_each_voter_gets_their_own_receipt_code_in_their_language(
    resident, voting_round, projects, mailoutbox, django_capture_on_commit_callbacks
):
    """The receipt e-mail is rendered once per round and language, the code filled in."""
    neighbour = make_residents(voting_round.wijk, 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.ballot_cast(
            actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
        )
        with translation.override("en"):
            second = services.ballot_cast(
                actor=neighbour, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
            )

    dutch, english = mailoutbox
    assert dutch.to == [resident.email] and english.to == [neighbour.email]
    assert first.receipt in dutch.body and second.receipt not in dutch.body
    assert second.receipt in english.body and first.receipt not in english.body
    assert f"<strong>{second.receipt}</strong>" in english.alternatives[0][0]
    assert dutch.subject == f"Uw stem voor {voting_round.name} is ontvangen"
    assert english.subject == f"Your vote for {voting_round.name} has been received"
    assert '<html lang="en">' in english.alternatives[0][0]


def test_a_renamed_round_shows_its_new_name_in_the_next_receipt(
    resident, voting_round, projects, mailoutbox, django_capture_on_commit_callbacks
):
    choice = {projects["Bankjes"].pk: 1}
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_cast(actor=resident, budget_round=voting_round, choices=choice)
    voting_round.name = "Wijkbudget Zuid 2027"
    voting_round.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_cast(actor=resident, budget_round=voting_round, choices=choice)

    assert "Wijkbudget Zuid 2027" not in mailoutbox[0].body
    assert "Wijkbudget Zuid 2027" in mailoutbox[1].body


def test_the_audit_trail_names_the_voter_as_actor_of_voting_and_changing(
    resident, voting_round, projects
):
    for choice in ("Bankjes", "Speeltuin"):
        services.ballot_cast(
            actor=resident, budget_round=voting_round, choices={projects[choice].pk: 1}
        )

    participation = Participation.objects.get(round=voting_round)
    changed, voted = participation.history.all()
    assert (voted.history_type, voted.history_user) == ("+", resident)
    assert (changed.history_type, changed.history_user) == ("~", resident)
    assert changed.changed_at is not None and voted.changed_at is None
    assert changed.voted_at == voted.voted_at  # a change keeps the time of the first vote

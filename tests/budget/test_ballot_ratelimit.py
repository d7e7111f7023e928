"""Ballot submission is rate limited per voter, per letter code and per IP address.

A voter may change their mind a few times; a script that keeps submitting is
stopped with a Dutch message, status 429, the choice kept and the ballot unchanged.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.models import Ballot
from budget.views import public
from tests.budget.conftest import make_residents

pytestmark = pytest.mark.django_db


def _confirm(client, budget_round, project, **extra):
    return client.post(
        reverse("budget:ballot", args=[budget_round.pk]),
        {"projects": [project.pk], "step": "confirm"},
        **extra,
    )


def _choices(budget_round) -> list[dict]:
    return [ballot.choices for ballot in Ballot.objects.filter(round=budget_round)]


def test_a_voter_may_change_their_ballot_several_times(client, resident, voting_round, projects):
    client.force_login(resident)
    for title in ["Bankjes", "Speeltuin", "Moestuin", "Bankjes", "Speeltuin"]:
        assert _confirm(client, voting_round, projects[title]).status_code == 302

    assert _choices(voting_round) == [{str(projects["Speeltuin"].pk): 1}]


def test_too_many_submissions_are_refused_and_change_nothing(
    client, resident, voting_round, projects
):
    client.force_login(resident)
    for _ in range(public.BALLOT_SUBMISSIONS_PER_VOTER):
        assert _confirm(client, voting_round, projects["Bankjes"]).status_code == 302

    response = _confirm(client, voting_round, projects["Moestuin"])

    assert response.status_code == 429
    page = response.content.decode()
    assert "niet opgeslagen" in page and "wacht een kwartier" in page
    # The refused choice is still on the page, ready to confirm later.
    assert f'name="projects" value="{projects["Moestuin"].pk}"' in page
    assert _choices(voting_round) == [{str(projects["Bankjes"].pk): 1}]


def test_the_limit_of_one_voter_does_not_stop_another(client, resident, voting_round, projects):
    client.force_login(resident)
    for _ in range(public.BALLOT_SUBMISSIONS_PER_VOTER + 1):
        _confirm(client, voting_round, projects["Bankjes"])
    (neighbour,) = make_residents(voting_round.wijk, 1)

    client.force_login(neighbour)

    assert _confirm(client, voting_round, projects["Speeltuin"]).status_code == 302
    assert len(_choices(voting_round)) == 2


def test_checking_a_ballot_does_not_use_up_the_limit(client, resident, voting_round, projects):
    client.force_login(resident)
    url = reverse("budget:ballot", args=[voting_round.pk])
    for _ in range(public.BALLOT_SUBMISSIONS_PER_VOTER * 2):
        client.post(url, {"projects": [projects["Bankjes"].pk], "step": "review"})

    assert _confirm(client, voting_round, projects["Bankjes"]).status_code == 302


def test_many_voters_from_one_address_are_limited(client, voting_round, projects, monkeypatch):
    monkeypatch.setattr(public, "BALLOT_SUBMISSIONS_PER_IP", 3)
    voters = make_residents(voting_round.wijk, 4)
    statuses = []
    for voter in voters:
        client.force_login(voter)
        statuses.append(
            _confirm(client, voting_round, projects["Bankjes"], REMOTE_ADDR="192.0.2.7").status_code
        )

    assert statuses == [302, 302, 302, 429]
    assert len(_choices(voting_round)) == 3
    client.force_login(voters[3])
    other_address = _confirm(client, voting_round, projects["Bankjes"], REMOTE_ADDR="192.0.2.8")
    assert other_address.status_code == 302


@pytest.fixture
def code_voter(client, staff, voting_round):
    """A client that entered a valid letter voting code for `voting_round`."""
    from budget import services
    from core.services import LetterAddress

    voting_round.allow_letter_codes = True
    voting_round.save()
    _batch, letters = services.voting_code_batch_create(
        actor=staff,
        budget_round=voting_round,
        addresses=[LetterAddress(street="Kerkstraat", house_number="1", postcode="6441AB")],
    )
    response = client.post(
        reverse("budget:code_enter", args=[voting_round.pk]), {"code": letters[0][1]}
    )
    assert response.status_code == 302
    return client


def _code_entered_again(client, stored: dict) -> None:
    """As if the code from the letter was typed in again (a vote makes the browser forget it)."""
    session = client.session
    session[public.SESSION_CODE] = stored
    session.save()


def test_submissions_with_a_letter_code_are_limited_per_code(code_voter, voting_round, projects):
    # Per code, not per browser: someone who has the letter can type it in anywhere.
    stored = code_voter.session[public.SESSION_CODE]
    for _ in range(public.BALLOT_SUBMISSIONS_PER_VOTER):
        _code_entered_again(code_voter, stored)
        assert _confirm(code_voter, voting_round, projects["Speeltuin"]).status_code == 302

    _code_entered_again(code_voter, stored)
    response = _confirm(code_voter, voting_round, projects["Moestuin"])

    assert response.status_code == 429
    assert _choices(voting_round) == [{str(projects["Speeltuin"].pk): 1}]

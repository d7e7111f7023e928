"""The wijkbudget and a resident's privacy: that they voted is exported, never what;
letter codes of closed rounds lose their addresses after the retention period."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from budget import services
from budget.models import Ballot, Participation, VotingCode
from core.privacy import retention_run, user_data_export
from core.services import LetterAddress

pytestmark = pytest.mark.django_db


def test_the_export_says_when_but_not_what(resident, voting_round, projects):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Moestuin"].pk: 1}
    )
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )

    (vote,) = user_data_export(user=resident)["budget"]["votes_cast"]

    assert vote["round"] == voting_round.name and vote["changed_at"] is not None
    assert set(vote) == {"round", "via", "voted_at", "changed_at"}


def test_letter_code_addresses_go_after_the_period_and_the_vote_stays(
    staff, voting_round, projects, settings
):
    settings.WIJKPLEIN_RETENTION_DAYS = {**settings.WIJKPLEIN_RETENTION_DAYS, "letter_codes": 90}
    voting_round.allow_letter_codes = True
    voting_round.save()
    _batch, letters = services.voting_code_batch_create(
        actor=staff,
        budget_round=voting_round,
        addresses=[LetterAddress(street="Akerstraat", house_number="12", postcode="6441AB")],
    )
    code = services.voting_code_check(budget_round=voting_round, code=letters[0][1])
    services.ballot_cast_with_code(
        code=code, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )
    ballots = list(Ballot.objects.values_list("voter_key", "choices"))

    with time_machine.travel(voting_round.voting_end + datetime.timedelta(days=89)):
        retention_run()
    assert VotingCode.objects.get().street == "Akerstraat"

    with time_machine.travel(voting_round.voting_end + datetime.timedelta(days=91)):
        lines = retention_run()

    code = VotingCode.objects.get()
    assert (code.street, code.house_number, code.postcode) == ("", "", "")
    assert not VotingCode.history.exclude(postcode="").exists()
    assert Participation.objects.get().via == "code"
    assert list(Ballot.objects.values_list("voter_key", "choices")) == ballots
    assert "budget: voting codes: 1 address(es) removed" in lines


def test_retention_leaves_an_open_round_alone(resident, voting_round, projects):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Moestuin"].pk: 1}
    )
    assert voting_round.voting_end > timezone.now()

    retention_run()

    assert Participation.objects.get().user == resident

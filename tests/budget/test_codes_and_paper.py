"""Letter voting codes (hashed, rate limited, one ballot per code) and paper ballots (four eyes)."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from budget import services
from budget.models import Ballot, Participation
from core.services import parse_address_lines
from tests.factories.budget import RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_round(voting_round):
    voting_round.allow_letter_codes = True
    voting_round.save()
    return voting_round


@pytest.fixture
def letters(staff, code_round):
    addresses = parse_address_lines(
        text="Akerstraat 12, 6441 AB\nAkerstraat 14, 6441 AB", wijk=code_round.wijk
    )
    _batch, letters = services.voting_code_batch_create(
        actor=staff, budget_round=code_round, addresses=addresses
    )
    return [code for _address, code in letters]


def test_voting_codes_are_stored_only_as_salted_hashes(letters):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM budget_votingcode")
        dump = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM budget_historicalvotingcode")
        dump += repr(cursor.fetchall())
    for code in letters:
        assert code.replace("-", "")[4:] not in dump


def test_a_code_votes_once_and_may_change_its_ballot(code_round, projects, letters):
    code = services.voting_code_check(budget_round=code_round, code=letters[0].lower())
    services.ballot_cast_with_code(
        code=code, budget_round=code_round, choices={projects["Bankjes"].pk: 1}
    )
    again = services.voting_code_check(budget_round=code_round, code=letters[0])
    result = services.ballot_cast_with_code(
        code=again, budget_round=code_round, choices={projects["Moestuin"].pk: 1}
    )

    assert result.changed
    assert Ballot.objects.filter(round=code_round).count() == 1
    assert Ballot.objects.get().choices == {str(projects["Moestuin"].pk): 1}
    participation = Participation.objects.get()
    assert participation.via == "code" and participation.user is None


def test_unknown_voided_and_other_round_codes_are_refused(staff, code_round, letters, wijk):
    with pytest.raises(ValidationError, match="niet geldig|not valid"):
        services.voting_code_check(budget_round=code_round, code="AAAA-BBBB-CCCC")
    other = RoundFactory(wijk=wijk, allow_letter_codes=True)
    with pytest.raises(ValidationError, match="andere|another"):
        services.voting_code_check(budget_round=other, code=letters[0])
    services.voting_code_batch_void(actor=staff, batch=code_round.code_batches.get())
    with pytest.raises(ValidationError, match="niet meer geldig|no longer valid"):
        services.voting_code_check(budget_round=code_round, code=letters[0])


def test_code_entry_is_rate_limited(client, code_round, letters):
    url = reverse("budget:code_enter", args=[code_round.pk])
    for _ in range(5):
        assert client.post(url, {"code": "AAAA-BBBB-CCCC"}).status_code == 400
    response = client.post(url, {"code": letters[0]})
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()


def test_a_code_voter_votes_through_the_pages(client, code_round, projects, letters):
    response = client.post(reverse("budget:code_enter", args=[code_round.pk]), {"code": letters[1]})
    assert response.status_code == 302
    url = reverse("budget:ballot", args=[code_round.pk])
    choice = {"projects": [projects["Speeltuin"].pk]}
    assert "Bevestig" in client.post(url, {**choice, "step": "review"}).content.decode()
    response = client.post(url, {**choice, "step": "confirm"})
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "Schrijf deze op" in thanks
    assert Ballot.objects.get().via == "code"


def test_paper_ballots_count_after_a_second_person_confirms(
    staff, colleague, resident, voting_round, projects
):
    entry = services.paper_ballot_enter(
        actor=staff,
        budget_round=voting_round,
        choices={projects["Bankjes"].pk: 1},
        resident=resident,
    )
    assert entry.status == "pending" and not Ballot.objects.exists()
    with pytest.raises(ValidationError, match="collega|colleague"):
        services.paper_ballot_confirm(actor=staff, entry=entry)

    services.paper_ballot_confirm(actor=colleague, entry=entry)

    entry.refresh_from_db()
    assert (entry.status, entry.entered_by, entry.decided_by) == ("confirmed", staff, colleague)
    assert entry.choices == {} and entry.decided_at is not None
    ballot = Ballot.objects.get()
    assert ballot.counted and ballot.via == "paper"
    assert ballot.choices == {str(projects["Bankjes"].pk): 1}
    participation = Participation.objects.get(via="paper")
    assert participation.user == resident
    assert (participation.entered_by, participation.confirmed_by) == (staff, colleague)
    assert participation.history.first().history_user == colleague


def test_paper_ballots_follow_the_ballot_rules_and_staff_only(
    staff, resident, voting_round, projects
):
    with pytest.raises(ValidationError):
        services.paper_ballot_enter(
            actor=staff,
            budget_round=voting_round,
            choices={project.pk: 1 for project in projects.values()},
            resident=resident,
        )
    with pytest.raises(PermissionDenied):
        services.paper_ballot_enter(
            actor=resident,
            budget_round=voting_round,
            choices={projects["Bankjes"].pk: 1},
            resident=resident,
        )
    with (
        time_machine.travel(voting_round.voting_start.replace(year=2000), tick=False),
        pytest.raises(PermissionDenied),
    ):
        services.paper_ballot_enter(
            actor=staff,
            budget_round=voting_round,
            choices={projects["Bankjes"].pk: 1},
            resident=resident,
        )
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_after_voting_with_a_code_the_browser_forgets_it(client, code_round, projects, letters):
    """A shared computer (library, community centre): the next person must not see or
    change the ballot of the one before; changing it takes the code from the letter again."""
    client.post(reverse("budget:code_enter", args=[code_round.pk]), {"code": letters[1]})
    url = reverse("budget:ballot", args=[code_round.pk])
    choice = {"projects": [projects["Speeltuin"].pk], "step": "confirm"}
    assert client.post(url, choice).status_code == 302

    response = client.get(url)

    assert [t.name for t in response.templates][0] == "budget/ballot_login.html"
    assert (
        client.post(url, {"projects": [projects["Bankjes"].pk], "step": "confirm"}).status_code
        != 302
    )
    assert Ballot.objects.get().choices == {str(projects["Speeltuin"].pk): 1}


def test_a_voting_evening_on_one_connection_is_not_stopped_by_the_code_limit(staff, code_round):
    """Residents at the community centre share one address; each types their code once."""
    addresses = parse_address_lines(
        text="\n".join(f"Akerstraat {n}, 6441 AB" for n in range(1, 13)), wijk=code_round.wijk
    )
    _batch, letters = services.voting_code_batch_create(
        actor=staff, budget_round=code_round, addresses=addresses
    )
    url = reverse("budget:code_enter", args=[code_round.pk])
    for _address, code in letters:
        response = Client().post(url, {"code": code}, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 302


def test_the_letters_qr_code_opens_the_code_page_with_the_code_filled_in(
    client, code_round, letters
):
    url = reverse("budget:code_enter", args=[code_round.pk])

    response = client.get(url, {"code": letters[0]})

    assert response.context["form"]["code"].value() == letters[0]
    assert f'value="{letters[0]}"' in response.content.decode()

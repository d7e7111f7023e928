"""One person, one vote across online, letter-code and paper ballots; the four-eyes paper
check (confirm or discard, with a reason); reconciling the paper forms received."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budget import selectors, services
from budget.models import Ballot, Electorate, PaperEntry, Participation
from budget.views import public
from core.services import parse_address_lines
from plumbing.ratelimit import LimiterUnavailable
from tests.factories import VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory, publish_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_round(voting_round):
    voting_round.allow_letter_codes = True
    voting_round.save()
    return voting_round


@pytest.fixture
def letters(staff, code_round):
    """Letter codes for Akerstraat 12 (the `resident`'s address, 6441AB 12) and 14."""
    addresses = parse_address_lines(
        text="Akerstraat 12, 6441 AB\nAkerstraat 14, 6441 AB", wijk=code_round.wijk
    )
    _batch, letters = services.voting_code_batch_create(
        actor=staff, budget_round=code_round, addresses=addresses
    )
    return [code for _address, code in letters]


def _per_address(budget_round):
    budget_round.electorate = Electorate.PER_ADDRESS
    budget_round.save()
    return budget_round


def _code_row(budget_round, plain):
    return services.voting_code_check(budget_round=budget_round, code=plain)


def _enter(actor, budget_round, project, **register):
    return services.paper_ballot_enter(
        actor=actor, budget_round=budget_round, choices={project.pk: 1}, **register
    )


# --- Four eyes on discarding -------------------------------------------------------------


def test_a_colleague_discards_a_paper_ballot_with_a_reason_and_both_are_recorded(
    staff, colleague, resident, voting_round, projects
):
    entry = _enter(staff, voting_round, projects["Bankjes"], resident=resident)

    with pytest.raises(ValidationError, match="collega|colleague"):
        services.paper_ballot_discard(actor=staff, entry=entry, reason="Verkeerd ingetypt")
    with pytest.raises(ValidationError, match="waarom|why"):
        services.paper_ballot_discard(actor=colleague, entry=entry, reason="  ")
    assert PaperEntry.objects.get().status == "pending"

    services.paper_ballot_discard(actor=colleague, entry=entry, reason="Verkeerd ingetypt")

    entry.refresh_from_db()
    assert (entry.status, entry.entered_by, entry.decided_by) == ("discarded", staff, colleague)
    assert entry.discard_reason == "Verkeerd ingetypt" and entry.decided_at is not None
    assert entry.choices == {} and not entry.form_set_aside
    assert not Ballot.objects.exists()
    # The claim on the voter is withdrawn, recorded in the participation's history.
    assert not Participation.objects.exists()
    deleted = Participation.history.filter(user=resident).latest()
    assert deleted.history_type == "-" and deleted.history_user == colleague
    assert "Verkeerd ingetypt" in deleted.history_change_reason
    # The entry's history names who did what and why, never the choices.
    records = list(entry.history.order_by("history_id"))
    assert [r.history_user for r in records] == [staff, colleague]
    assert not any(f.name == "choices" for f in PaperEntry.history.model._meta.get_fields())
    # The form typed in wrongly can be entered again for the same voter.
    again = _enter(staff, voting_round, projects["Moestuin"], resident=resident)
    services.paper_ballot_confirm(actor=colleague, entry=again)
    assert Ballot.objects.get().choices == {str(projects["Moestuin"].pk): 1}


def test_a_decided_entry_cannot_be_decided_again(
    staff, colleague, resident, voting_round, projects
):
    entry = _enter(staff, voting_round, projects["Bankjes"], resident=resident)
    services.paper_ballot_confirm(actor=colleague, entry=entry)
    with pytest.raises(ValidationError):
        services.paper_ballot_discard(actor=colleague, entry=entry, reason="Toch niet")
    with pytest.raises(ValidationError):
        services.paper_ballot_confirm(actor=colleague, entry=entry)
    assert Ballot.objects.count() == 1


def test_the_database_refuses_a_decision_by_the_one_who_entered(staff, resident, voting_round):
    entry = PaperEntry.objects.create(round=voting_round, entered_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperEntry.objects.filter(pk=entry.pk).update(
            status="confirmed", decided_by=staff, decided_at=timezone.now()
        )


def test_staff_discard_through_the_page_with_a_reason(
    client, staff, colleague, resident, voting_round, projects
):
    entry = _enter(staff, voting_round, projects["Bankjes"], resident=resident)
    TOTP.activate(colleague, generate_totp_secret())
    client.force_login(colleague)
    url = reverse("budget:staff_paper_discard", args=[entry.pk])
    page = reverse("budget:staff_paper", args=[voting_round.pk])

    response = client.post(url, {f"discard-{entry.pk}-outcome": "set_aside"}, follow=True)
    assert "waarom" in response.content.decode()
    assert PaperEntry.objects.get().status == "pending"

    client.post(
        url,
        {f"discard-{entry.pk}-outcome": "set_aside", f"discard-{entry.pk}-reason": "Ongeldig"},
    )
    entry.refresh_from_db()
    assert entry.status == "discarded" and entry.form_set_aside
    assert "Ongeldig" in client.get(page).content.decode()


# --- The voter register ------------------------------------------------------------------


def test_a_paper_ballot_needs_an_entry_of_the_voter_register(
    staff, resident, other_resident, voting_round, projects, code_round, letters
):
    bankjes = projects["Bankjes"]
    with pytest.raises(ValidationError, match="kiezersregister|voter register"):
        _enter(staff, voting_round, bankjes)
    with pytest.raises(ValidationError, match="kiezersregister|voter register"):
        _enter(staff, voting_round, bankjes, resident=resident, code=letters[0])
    with pytest.raises(ValidationError, match="kiezersregister|voter register"):
        _enter(staff, voting_round, bankjes, resident=other_resident)
    with pytest.raises(ValidationError, match="niet geldig|not valid"):
        _enter(staff, voting_round, bankjes, code="AAAA-BBBB-CCCC")
    assert not PaperEntry.objects.exists() and not Participation.objects.exists()

    _enter(staff, voting_round, bankjes, code=letters[1].lower())
    participation = Participation.objects.get()
    assert participation.via == "paper" and participation.code.house_number == "14"


def test_paper_ballots_are_entered_until_after_voting_closes(
    staff, colleague, resident, voting_round, projects
):
    with time_machine.travel(voting_round.voting_end + datetime.timedelta(hours=1), tick=False):
        entry = _enter(staff, voting_round, projects["Bankjes"], resident=resident)
        services.paper_ballot_confirm(actor=colleague, entry=entry)
    assert Ballot.objects.get().via == "paper"


# --- One vote, whatever the channel ----------------------------------------------------------


def test_who_voted_online_cannot_vote_on_paper_and_the_reverse(
    client, staff, resident, panel_member, voting_round, projects
):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Speeltuin"].pk: 1}
    )
    with pytest.raises(ValidationError, match="online"):
        _enter(staff, voting_round, projects["Bankjes"], resident=resident)

    _enter(staff, voting_round, projects["Bankjes"], resident=panel_member)
    with pytest.raises(ValidationError, match="papier|paper"):
        services.ballot_cast(
            actor=panel_member, budget_round=voting_round, choices={projects["Moestuin"].pk: 1}
        )
    client.force_login(panel_member)
    page = client.get(reverse("budget:ballot", args=[voting_round.pk]))
    assert page.status_code == 403 and "papieren" in page.content.decode()

    assert Ballot.objects.count() == 1
    assert Participation.objects.filter(via="paper").count() == 1


def test_a_ballot_confirmed_after_a_paper_entry_is_refused_with_the_ballot_pages_words(
    client, staff, panel_member, voting_round, projects
):
    """The ballot page was opened before the desk entered this voter's paper form: the
    confirm (which the service checks as it writes) answers the refusal page, and the
    online choice is not stored."""
    client.force_login(panel_member)
    _enter(staff, voting_round, projects["Bankjes"], resident=panel_member)
    page = client.post(
        reverse("budget:ballot", args=[voting_round.pk]),
        {"projects": [projects["Moestuin"].pk], "step": "confirm"},
    )
    assert page.status_code == 403
    assert "Uw papieren stembiljet" in page.content.decode()
    assert Ballot.objects.count() == 0
    assert list(Participation.objects.values_list("via", flat=True)) == ["paper"]


def test_a_code_used_online_cannot_be_used_on_paper_and_the_reverse(
    staff, code_round, projects, letters
):
    code = _code_row(code_round, letters[0])
    services.ballot_cast_with_code(
        code=code, budget_round=code_round, choices={projects["Speeltuin"].pk: 1}
    )
    with pytest.raises(ValidationError, match="al gestemd|already been used"):
        _enter(staff, code_round, projects["Bankjes"], code=letters[0])

    _enter(staff, code_round, projects["Bankjes"], code=letters[1])
    with pytest.raises(ValidationError, match="papier|paper"):
        services.voting_code_check(budget_round=code_round, code=letters[1])
    assert Participation.objects.count() == 2 and Ballot.objects.count() == 1


def test_per_resident_the_account_and_the_code_of_one_household_both_vote(
    resident, code_round, projects, letters
):
    services.ballot_cast(
        actor=resident, budget_round=code_round, choices={projects["Speeltuin"].pk: 1}
    )
    services.ballot_cast_with_code(
        code=_code_row(code_round, letters[0]),
        budget_round=code_round,
        choices={projects["Bankjes"].pk: 1},
    )
    assert Ballot.objects.count() == 2
    assert set(Participation.objects.values_list("address_key", flat=True)) == {""}


def test_per_address_a_code_whose_address_voted_with_an_account_is_refused(
    client, resident, code_round, projects, letters
):
    _per_address(code_round)
    services.ballot_cast(
        actor=resident, budget_round=code_round, choices={projects["Speeltuin"].pk: 1}
    )

    with pytest.raises(ValidationError, match="adres|address"):
        services.voting_code_check(budget_round=code_round, code=letters[0])
    response = client.post(reverse("budget:code_enter", args=[code_round.pk]), {"code": letters[0]})
    assert response.status_code == 400 and "dit adres" in response.content.decode()
    # The neighbour's code (number 14) still votes; the resident may change their ballot.
    services.voting_code_check(budget_round=code_round, code=letters[1])
    services.ballot_cast(
        actor=resident, budget_round=code_round, choices={projects["Bankjes"].pk: 1}
    )
    assert Participation.objects.get().address_key == "6441AB12"


def test_per_address_an_account_whose_address_voted_with_the_code_is_refused(
    client, resident, wijk, code_round, projects, letters
):
    _per_address(code_round)
    code = _code_row(code_round, letters[0])
    services.ballot_cast_with_code(
        code=code, budget_round=code_round, choices={projects["Speeltuin"].pk: 1}
    )
    housemate = VerifiedProfileFactory(wijk=wijk, postcode="6441ab", house_number="12").user

    for voter in (resident, housemate):
        with pytest.raises(ValidationError, match="adres|address"):
            services.ballot_cast(
                actor=voter, budget_round=code_round, choices={projects["Bankjes"].pk: 1}
            )
    client.force_login(resident)
    page = client.get(reverse("budget:ballot", args=[code_round.pk]))
    assert page.status_code == 403 and "adres" in page.content.decode()
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1


def test_per_address_a_paper_form_from_an_address_that_voted_is_refused(
    staff, resident, wijk, code_round, projects, letters
):
    _per_address(code_round)
    housemate = VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number="12").user
    _enter(staff, code_round, projects["Bankjes"], resident=housemate)

    with pytest.raises(ValidationError, match="adres|address"):
        _enter(staff, code_round, projects["Bankjes"], code=letters[0])
    with pytest.raises(ValidationError, match="adres|address"):
        services.ballot_cast(
            actor=resident, budget_round=code_round, choices={projects["Speeltuin"].pk: 1}
        )
    _enter(staff, code_round, projects["Bankjes"], code=letters[1])
    assert PaperEntry.objects.count() == 2


def test_the_register_counts_addresses_in_a_per_address_round(wijk, resident, code_round, letters):
    VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number="12")  # a housemate
    per_resident = selectors.eligible_voter_count(budget_round=code_round)
    _per_address(code_round)
    # Akerstraat 12 (two accounts, one code) and 14 (a code): two addresses.
    assert per_resident == 2 + 2
    assert selectors.eligible_voter_count(budget_round=code_round) == 2


def test_the_electorate_is_chosen_on_the_round_form(staff_client, voting_round):
    response = staff_client.get(reverse("budget:staff_round_edit", args=[voting_round.pk]))
    assert 'name="electorate"' in response.content.decode()


# --- Reconciliation ------------------------------------------------------------------------


@pytest.fixture
def paper_round(wijk, staff, colleague):
    """A round with two paper forms confirmed and one set aside, voting closed."""
    budget_round = RoundFactory(wijk=wijk, phase="voting", max_choices=2)
    project = ProjectFactory(round=budget_round, title="Speeltuin")
    voters = [
        VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number=str(n)).user
        for n in (1, 2, 3)
    ]
    online = VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number="4").user
    services.ballot_cast(actor=online, budget_round=budget_round, choices={project.pk: 1})
    for voter in voters[:2]:
        entry = _enter(staff, budget_round, project, resident=voter)
        services.paper_ballot_confirm(actor=colleague, entry=entry)
    entry = _enter(staff, budget_round, project, resident=voters[2])
    services.paper_ballot_discard(
        actor=colleague, entry=entry, reason="Niet ondertekend", set_aside=True
    )
    return budget_round


def _closed(budget_round):
    return time_machine.travel(budget_round.voting_end + datetime.timedelta(hours=1), tick=False)


def test_counting_waits_until_the_paper_forms_add_up(client, staff, colleague, paper_round):
    with _closed(paper_round):
        with pytest.raises(ValidationError, match="0 ontvangen|0 received"):
            services.round_count(actor=staff, budget_round=paper_round)
        services.paper_forms_received_set(actor=staff, budget_round=paper_round, received=4)
        with pytest.raises(ValidationError, match="4 ontvangen|4 received"):
            services.round_count(actor=staff, budget_round=paper_round)
        services.paper_forms_received_set(actor=colleague, budget_round=paper_round, received=3)
        result = services.round_count(actor=staff, budget_round=paper_round)
        publish_result(budget_round=paper_round, asked_by=staff, confirmed_by=colleague)
        with pytest.raises(ValidationError):
            services.paper_forms_received_set(actor=staff, budget_round=paper_round, received=5)

    assert result.ballot_count == 3
    assert result.channels == {
        "web": 1,
        "code": 0,
        "paper": 2,
        "import": 0,
        "paper_received": 3,
        "paper_discarded": 1,
    }
    history = paper_round.history.filter(history_change_reason__contains="3")
    assert history.latest().history_user == colleague
    page = client.get(reverse("budget:result", args=[paper_round.pk])).content.decode()
    assert "online 1, stemcode 0, papier 2" in page
    assert "3 ontvangen: 2 geteld, 1 terzijde gelegd" in page


def test_staff_record_the_forms_received_on_the_paper_page(staff_client, paper_round):
    url = reverse("budget:staff_paper", args=[paper_round.pk])
    assert staff_client.post(url, {"form": "received", "received": "-1"}).status_code == 400
    response = staff_client.post(url, {"form": "received", "received": "3"})
    assert response.status_code == 302
    paper_round.refresh_from_db()
    assert paper_round.paper_forms_received == 3
    page = staff_client.get(reverse("budget:staff_round", args=[paper_round.pk])).content.decode()
    assert "online 1, stemcode 0, papier 2" in page
    assert "3 ontvangen, 1 terzijde gelegd, 0 wachten op controle" in page


def test_staff_enter_a_paper_ballot_against_a_resident_or_a_code_on_the_page(
    staff_client, staff, resident, code_round, projects, letters
):
    url = reverse("budget:staff_paper", args=[code_round.pk])
    choice = {"form": "enter", "projects": [projects["Bankjes"].pk]}
    neither = staff_client.post(url, choice)
    assert neither.status_code == 400 and "een van beide" in neither.content.decode()
    unknown = staff_client.post(url, {**choice, "resident_email": "niemand@example.org"})
    assert unknown.status_code == 400 and "geen Wijkplein-account" in unknown.content.decode()

    assert staff_client.post(url, {**choice, "resident_email": resident.email}).status_code == 302
    assert staff_client.post(url, {**choice, "code": letters[1]}).status_code == 302
    page = staff_client.get(url).content.decode()
    assert resident.email in page and "Akerstraat 14" in page
    assert Participation.objects.filter(via="paper").count() == 2


def test_only_staff_record_the_forms_received(resident, voting_round):
    with pytest.raises(PermissionDenied):
        services.paper_forms_received_set(actor=resident, budget_round=voting_round, received=3)


# --- Letter-code entry limits ------------------------------------------------------------


def test_code_entry_is_limited_per_code_selector_whatever_the_session_or_address(
    code_round, letters
):
    url = reverse("budget:code_enter", args=[code_round.pk])
    selector = letters[0][:4]
    wrong = [f"{selector}-{a}{b}AA-AAAA" for a in "BCDEF" for b in "GH"]
    for n, guess in enumerate(wrong):
        response = Client().post(url, {"code": guess}, REMOTE_ADDR=f"192.0.2.{n}")
        assert response.status_code == 400
    response = Client().post(url, {"code": letters[0]}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    # Another letter's code is not held up.
    assert Client().post(url, {"code": letters[1]}).status_code == 302


def test_code_entry_is_refused_while_the_limiter_is_unreachable(
    client, code_round, letters, monkeypatch
):
    def unreachable(*limits, fail_closed=False):
        assert fail_closed
        raise LimiterUnavailable("down")

    monkeypatch.setattr(public, "over_limit", unreachable)
    response = client.post(reverse("budget:code_enter", args=[code_round.pk]), {"code": letters[0]})
    assert response.status_code == 503
    assert "even niet bereikbaar" in response.content.decode()
    assert public.SESSION_CODE not in client.session

"""Counting a small round by hand, publishing, the results page and the .pb file."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from budget import services
from budget.models import CountingRule, Round
from budget.tally import counting, parse_pb, tally
from tests.budget.conftest import make_residents
from tests.factories.budget import ProjectFactory, RoundFactory, publish_result

pytestmark = pytest.mark.django_db

PABULIB = Path(__file__).resolve().parents[3] / "shared" / "pabulib"


@pytest.fixture
def counted_round(wijk, staff):
    """Five voters: three approve A and B, two approve C; A, B, C cost 5,000; budget 10,000.

    By hand: greedy funds A then B (3 votes each, A has the lower id); Equal Shares gives
    each voter 2,000, funds A (its three backers pay 1,666.67 each) and then nothing else
    fits; Add1 raises the share until C's two backers can pay it (2,500 each) and stops
    before B also becomes affordable (which would exceed the budget): A then C.
    """
    budget_round = RoundFactory(
        wijk=wijk, budget=Decimal("10000"), rule="equalshares/add1", min_choices=1, max_choices=2
    )
    a = ProjectFactory(round=budget_round, title="A Speeltuin", cost=Decimal("5000"))
    b = ProjectFactory(round=budget_round, title="B Bankjes", cost=Decimal("5000"))
    c = ProjectFactory(round=budget_round, title="C Moestuin", cost=Decimal("5000"))
    voters = make_residents(wijk, 5)
    make_residents(wijk, 5, start=200)  # eligible, but they do not vote
    for voter in voters[:3]:
        services.ballot_cast(actor=voter, budget_round=budget_round, choices={a.pk: 1, b.pk: 1})
    for voter in voters[3:]:
        services.ballot_cast(actor=voter, budget_round=budget_round, choices={c.pk: 1})
    return budget_round, (a, b, c)


def _after_close(budget_round):
    return time_machine.travel(budget_round.voting_end + datetime.timedelta(hours=1), tick=False)


def test_counting_gives_the_outcome_computed_by_hand(staff, counted_round):
    budget_round, (a, b, c) = counted_round
    with _after_close(budget_round):
        result = services.round_count(actor=staff, budget_round=budget_round)

    assert result.funded == [a.pk, c.pk]
    assert result.votes == {str(a.pk): 3, str(b.pk): 3, str(c.pk): 2}
    assert result.budget_used == Decimal("10000")
    assert result.ballot_count == 5 and result.eligible_count == 10
    assert result.turnout == 50
    assert result.figures["greedy"]["funded"] == [a.pk, b.pk]
    assert result.figures["greedy"]["reached"] == 3
    assert result.figures["equalshares"]["funded"] == [a.pk]
    assert result.figures["equalshares/add1"]["reached"] == 5
    # Three voters prefer greedy's A+B over A+C, two the other way: greedy wins the comparison.
    assert result.figures["equalshares/add1-comparison"]["funded"] == [a.pk, b.pk]


def test_counting_waits_for_the_close_and_for_staff(staff, resident, counted_round):
    budget_round, _projects = counted_round
    with pytest.raises(PermissionDenied):
        services.round_count(actor=staff, budget_round=budget_round)
    with _after_close(budget_round), pytest.raises(PermissionDenied):
        services.round_count(actor=resident, budget_round=budget_round)


def test_pending_paper_ballots_block_the_count(staff, counted_round):
    budget_round, (a, _b, _c) = counted_round
    services.paper_ballot_enter(
        actor=staff,
        budget_round=budget_round,
        choices={a.pk: 1},
        resident=make_residents(budget_round.wijk, 1, start=300)[0],
    )
    with _after_close(budget_round), pytest.raises(ValidationError, match="papieren|paper"):
        services.round_count(actor=staff, budget_round=budget_round)


def test_the_pb_export_round_trips_and_recounts_to_the_same_outcome(staff, counted_round):
    budget_round, _projects = counted_round
    with _after_close(budget_round):
        result = services.round_count(actor=staff, budget_round=budget_round)

    election = parse_pb(text=result.pb_text)
    assert len(election.ballots) == 5
    assert tally(election=election, rule=budget_round.rule) == [str(pk) for pk in result.funded]
    assert election.selected == frozenset(str(pk) for pk in result.funded)
    assert hashlib.sha256(result.pb_text.encode()).hexdigest() == result.pb_sha256
    voter_ids = [line.split(";")[0] for line in result.pb_text.split("VOTES\n")[1].splitlines()[1:]]
    assert sorted(voter_ids) != [str(n) for n in range(1, 6)]  # random ids, not 1..5


def test_publishing_opens_the_results_page(client, staff, colleague, counted_round):
    budget_round, (a, b, c) = counted_round
    url = reverse("budget:result", args=[budget_round.pk])
    with _after_close(budget_round):
        result = services.round_count(actor=staff, budget_round=budget_round)
        assert client.get(url).status_code == 403
        services.result_publication_request(actor=staff, budget_round=budget_round)
        assert client.get(url).status_code == 403  # asked for, not yet confirmed
        services.result_publication_confirm(actor=colleague, budget_round=budget_round)
        with pytest.raises(ValidationError):
            services.round_count(actor=staff, budget_round=budget_round)
        page = client.get(url).content.decode()
        pb = client.get(reverse("budget:result_pb", args=[budget_round.pk]))
        pdf = client.get(reverse("budget:result_pdf", args=[budget_round.pk]))

    assert "A Speeltuin" in page and "C Moestuin" in page
    assert "Niet gekozen" in page  # B is shown as not funded
    assert "10.000,00" in page  # budget used
    assert "50,0%" in page  # turnout
    assert "5 stemmen van 10 stemgerechtigde bewoners" in page
    assert result.pb_sha256 in page
    assert hashlib.sha256(pb.content).hexdigest() == result.pb_sha256
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "A Speeltuin" in text


def test_progress_updates_on_funded_projects(client, staff, colleague, counted_round):
    budget_round, (a, b, _c) = counted_round
    with _after_close(budget_round):
        services.round_count(actor=staff, budget_round=budget_round)
        publish_result(budget_round=budget_round, asked_by=staff, confirmed_by=colleague)
    services.project_progress_add(actor=staff, project=a, stage="in_progress", text="Grond besteld")
    with pytest.raises(ValidationError):
        services.project_progress_add(actor=staff, project=b, stage="planned", text="Nee")
    page = client.get(reverse("budget:project_detail", args=[a.pk])).content.decode()
    assert "Grond besteld" in page


def test_a_pb_export_imports_into_a_rehearsal_round_with_the_same_outcome(
    staff, counted_round, wijk
):
    budget_round, _projects = counted_round
    with _after_close(budget_round):
        result = services.round_count(actor=staff, budget_round=budget_round)
    rehearsal = services.round_import_pb(
        actor=staff, wijk=wijk, name="Oefening", text=result.pb_text
    )
    recount = services.round_count(actor=staff, budget_round=rehearsal)

    titles = dict(rehearsal.projects.values_list("pk", "title"))
    assert [titles[pk] for pk in recount.funded] == ["A Speeltuin", "C Moestuin"]
    assert rehearsal.is_rehearsal and rehearsal.rule == "equalshares/add1"


@pytest.mark.skipif(not (PABULIB / "Netherlands_Assen_2024.pb").exists(), reason="no pabulib")
def test_importing_a_real_pabulib_file_reproduces_its_official_outcome(staff, wijk):
    text = (PABULIB / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8-sig")
    official = parse_pb(text=text)
    rehearsal = services.round_import_pb(actor=staff, wijk=wijk, name="Assen", text=text)
    result = services.round_count(actor=staff, budget_round=rehearsal)

    ids = {project.pk: project.title for project in rehearsal.projects.all()}
    funded_names = {ids[pk] for pk in result.funded}
    assert funded_names == {official.names.get(p, f"Project {p}") for p in official.selected}
    assert result.ballot_count == len(official.ballots)
    # Rehearsals are not public.
    assert not Round.objects.get(pk=rehearsal.pk).projects.filter(status="submitted").exists()


def test_import_refuses_bad_files_and_non_staff(staff, resident, wijk):
    with pytest.raises(ValidationError, match="Pabulib"):
        services.round_import_pb(actor=staff, wijk=wijk, name="X", text="geen bestand")
    with pytest.raises(PermissionDenied):
        services.round_import_pb(actor=resident, wijk=wijk, name="X", text="META\n")


def test_the_counting_rules_offered_are_those_the_tally_knows():
    assert CountingRule.values == list(counting.RULES)
    assert Round().rule == CountingRule.EQUAL_SHARES_ADD1


def test_results_not_yet_published_say_when_they_come(client, staff, counted_round):
    budget_round, _projects = counted_round
    url = reverse("budget:result", args=[budget_round.pk])

    before = client.get(url)
    with _after_close(budget_round):
        services.round_count(actor=staff, budget_round=budget_round)
        counting = client.get(url)

    assert before.status_code == counting.status_code == 403
    assert "De uitslag wordt gepubliceerd nadat het stemmen sluit op" in before.content.decode()
    assert "zodra medewerkers ze hebben gepubliceerd" in counting.content.decode()


def _visible_text(response) -> str:
    """What a person reads: the page without its tags (attribute values are not shown)."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_staff_compare_the_counting_rules_by_plain_dutch_names(staff, staff_client, counted_round):
    budget_round, _projects = counted_round
    with _after_close(budget_round):
        services.round_count(actor=staff, budget_round=budget_round)
        page = staff_client.get(reverse("budget:staff_result", args=[budget_round.pk]))
    content = _visible_text(page)

    assert "Meeste stemmen eerst" in content
    assert "Gelijke delen, aangevuld" in content
    assert "zolang het budget strekt" in content  # the one-line explanation
    for identifier in ("greedy", "equalshares", "add1"):
        assert identifier not in content


def test_staff_choose_a_counting_rule_by_what_it_does(staff_client, counted_round):
    budget_round, _projects = counted_round

    content = _visible_text(
        staff_client.get(reverse("budget:staff_round_edit", args=[budget_round.pk]))
    )

    assert "Meeste stemmen eerst: De projecten met de meeste stemmen" in content
    assert "greedy" not in content

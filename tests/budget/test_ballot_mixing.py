"""Mixing ballots: afterwards no ballot shares its transaction id with the voter's participation."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from budget import selectors, services
from budget.models import Ballot, Participation, Via
from budget.services.mixing import ballots_linkable
from tests.budget.conftest import make_residents
from tests.factories.budget import ProjectFactory, RoundFactory


def _system_column(model, column: str, budget_round) -> dict:
    """{pk: value} of a PostgreSQL system column (xmin, ctid) of a round's rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {column}::text FROM {table} WHERE round_id = %s", [budget_round.pk]
        )
        return dict(cursor.fetchall())


def _xmins(model, budget_round) -> set:
    """Every transaction id among a round's rows (history tables hold several per id)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table} WHERE round_id = %s", [budget_round.pk])
        return {xmin for (xmin,) in cursor.fetchall()}


def _positions(budget_round) -> dict:
    """Where each ballot row lies: ctid on PostgreSQL, rowid on SQLite; both change on insert."""
    if connection.vendor == "postgresql":
        return _system_column(Ballot, "ctid", budget_round)
    table = connection.ops.quote_name(Ballot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, rowid FROM {table} WHERE round_id = %s", [budget_round.pk])
        return {Ballot._meta.pk.to_python(pk): rowid for pk, rowid in cursor.fetchall()}


def _contents(budget_round) -> dict:
    """Everything a ballot holds, by id."""
    return {
        row.pop("id"): row
        for row in Ballot.objects.filter(round=budget_round).values(
            "id", "voter_key", "choices", "via", "receipt_digest", "counted"
        )
    }


def _count(staff, budget_round) -> dict:
    """The outcome of counting the round now (after its close), without the shuffled .pb."""
    after_close = budget_round.voting_end + datetime.timedelta(hours=1)
    with time_machine.travel(after_close, tick=False):
        result = services.round_count(actor=staff, budget_round=budget_round)
    return {
        "funded": result.funded,
        "votes": result.votes,
        "figures": result.figures,
        "ballots": result.ballot_count,
    }


def _ballots(budget_round, n: int) -> None:
    """n confirmed paper ballots, each with its participation (as written in one transaction)."""
    for i in range(n):
        Ballot.objects.create(
            round=budget_round, voter_key=f"paper-{budget_round.pk}-{i}", via=Via.PAPER
        )
        Participation.objects.create(round=budget_round, via=Via.PAPER)


def test_nothing_refers_to_a_ballot_by_foreign_key():
    """Mixing deletes and re-inserts ballots: a reference to one would break or cascade."""
    assert Ballot._meta.related_objects == ()


@pytest.mark.django_db
def test_mixing_a_round_leaves_other_rounds_ballots_where_they_are(wijk, voting_round):
    other = RoundFactory(wijk=wijk)
    _ballots(voting_round, 5)
    _ballots(other, 5)
    mixed_before, other_before = _positions(voting_round), _positions(other)
    other_contents = _contents(other)

    assert services.ballots_mix(budget_round=voting_round) == 5

    mixed_after = _positions(voting_round)
    assert mixed_after.keys() == mixed_before.keys()
    assert all(mixed_after[pk] != mixed_before[pk] for pk in mixed_before)
    assert _positions(other) == other_before
    assert _contents(other) == other_contents


@pytest.mark.django_db
def test_paper_ballots_awaiting_their_check_are_not_ballots_yet(
    staff, colleague, resident, voting_round, projects
):
    """A paper form waiting for its second check is a PaperEntry, not a ballot: mixing
    leaves it alone, and it is mixed by the first run after a colleague confirms it."""
    waiting = services.paper_ballot_enter(
        actor=staff,
        budget_round=voting_round,
        choices={projects["Bankjes"].pk: 1},
        resident=resident,
    )
    _ballots(voting_round, 3)

    assert services.ballots_mix(budget_round=voting_round) == 3

    services.paper_ballot_confirm(actor=colleague, entry=waiting)
    assert services.ballots_mix(budget_round=voting_round) == 4


@pytest.mark.django_db
def test_the_command_mixes_rounds_in_voting_or_just_closed_only(wijk):
    now = timezone.now()
    open_round = RoundFactory(wijk=wijk, name="Open", phase="voting")
    just_closed = RoundFactory(wijk=wijk, name="Just closed", phase="results")
    long_closed = RoundFactory(
        wijk=wijk,
        name="Long closed",
        proposals_start=now - datetime.timedelta(days=40),
        review_start=now - datetime.timedelta(days=30),
        voting_start=now - datetime.timedelta(days=20),
        voting_end=now - datetime.timedelta(days=3),
        realisation_start=now - datetime.timedelta(days=2),
    )
    not_open = RoundFactory(wijk=wijk, name="Not open", phase="review")
    for n, budget_round in enumerate([open_round, just_closed, long_closed, not_open], start=2):
        _ballots(budget_round, n)
    untouched = {r.pk: _positions(r) for r in (long_closed, not_open)}
    out = io.StringIO()

    call_command("budget_mix_ballots", stdout=out)

    lines = out.getvalue().splitlines()
    assert f"{open_round}: 2 ballot(s) mixed." in lines
    assert f"{just_closed}: 3 ballot(s) mixed." in lines
    assert len(lines) == 2
    assert {r.pk: _positions(r) for r in (long_closed, not_open)} == untouched


# --- PostgreSQL: the transaction ids themselves --------------------------------------------
# Inside one test transaction every row shares one xmin, so these tests commit for real.


@pytest.fixture
def cast_round(wijk):
    """A round with four residents who voted online, one of whom changed their ballot."""
    budget_round = RoundFactory(wijk=wijk, rule="greedy", min_choices=1, max_choices=2)
    a, b, c = (ProjectFactory(round=budget_round) for _ in range(3))
    voters = make_residents(wijk, 4)
    for voter, choices in zip(
        voters, [{a.pk: 1, b.pk: 1}, {a.pk: 1}, {c.pk: 1}, {b.pk: 1, c.pk: 1}], strict=True
    ):
        services.ballot_cast(actor=voter, budget_round=budget_round, choices=choices)
    services.ballot_cast(actor=voters[2], budget_round=budget_round, choices={a.pk: 1, c.pk: 1})
    return budget_round, voters, (a, b, c)


def _linked(budget_round) -> set:
    """The participations whose xmin some ballot of the round shares."""
    ballot_xmins = _xmins(Ballot, budget_round)
    participations = _system_column(Participation, "xmin", budget_round)
    return {pk for pk, xmin in participations.items() if xmin in ballot_xmins}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_mixing_no_ballot_shares_a_transaction_with_a_participation(staff, cast_round):
    budget_round, voters, _ = cast_round
    participations = set(
        Participation.objects.filter(round=budget_round).values_list("pk", flat=True)
    )
    # The leak: each participation was written in the same transaction as a ballot.
    assert _linked(budget_round) == participations
    assert ballots_linkable(budget_round=budget_round)
    contents, outcome = _contents(budget_round), _count(staff, budget_round)

    assert services.ballots_mix(budget_round=budget_round) == 4

    assert _linked(budget_round) == set()
    assert len(_xmins(Ballot, budget_round)) == 1
    # Nor with the participations' history rows, written in the same transactions.
    assert not _xmins(Ballot, budget_round) & _xmins(Participation.history.model, budget_round)
    assert not ballots_linkable(budget_round=budget_round)
    assert _contents(budget_round) == contents
    assert _count(staff, budget_round) == outcome


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_voter_can_still_change_their_ballot_after_mixing(staff, cast_round):
    budget_round, voters, (a, b, c) = cast_round
    services.ballots_mix(budget_round=budget_round)

    services.ballot_cast(actor=voters[0], budget_round=budget_round, choices={c.pk: 1})

    assert Ballot.objects.filter(round=budget_round).count() == 4
    assert Participation.objects.filter(round=budget_round).count() == 4
    assert selectors.own_choices(budget_round=budget_round, user=voters[0]) == {c.pk: 1}
    votes = {str(a.pk): 2, str(b.pk): 1, str(c.pk): 3}  # the first voter's {a, b} is gone
    assert _count(staff, budget_round)["votes"] == votes
    # The changed ballot is linkable again until the next mix.
    assert len(_linked(budget_round)) == 1
    assert ballots_linkable(budget_round=budget_round)
    services.ballots_mix(budget_round=budget_round)
    assert _linked(budget_round) == set()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_skips_a_round_with_nothing_new_since_its_last_mix(cast_round):
    budget_round, voters, (a, b, c) = cast_round
    runs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("budget_mix_ballots", stdout=out)
        runs.append(out.getvalue().splitlines())

    assert runs == [
        [f"{budget_round}: 4 ballot(s) mixed."],
        [f"{budget_round}: nothing new since the last mix."],
    ]
    assert _linked(budget_round) == set()

"""Ballot secrecy: nothing links a person to their choices, in tables, history or pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from budget import services
from budget.models import Ballot, Participation
from core.selectors import history_timeline
from tests.factories.budget import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(resident, voting_round, projects):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Speeltuin"].pk: 1}
    )
    return resident


def test_no_ballot_column_holds_the_user(cast, voting_round):
    field_names = {field.name for field in Ballot._meta.get_fields()}
    assert not field_names & {"user", "voter", "created_at", "updated_at"}
    # No link to any person, not even the staff who typed in and confirmed a paper form
    # (that is on the PaperEntry, whose choices are gone once it is decided).
    user_fks = {
        field.name
        for field in Ballot._meta.get_fields()
        if field.is_relation and field.related_model is type(cast)
    }
    assert user_fks == set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM budget_ballot")
        dump = repr(cursor.fetchall())
    assert cast.email not in dump
    # The voter key is a keyed hash: without HASH_SECRET it cannot be recomputed.
    assert Ballot.objects.get().voter_key != str(cast.pk)
    assert not hasattr(Ballot, "history")


def test_participation_history_records_that_not_what(cast, voting_round, projects):
    participation = Participation.objects.get(round=voting_round)
    records = list(participation.history.all())
    assert len(records) == 2  # voted, then changed
    fields = {field.name for field in Participation.history.model._meta.get_fields()}
    assert not any("choice" in name or "project" in name for name in fields)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM budget_historicalparticipation")
        dump = repr(cursor.fetchall())
    for project in projects.values():
        assert project.title not in dump
    entries = history_timeline(obj=participation)
    assert [entry.reason for entry in entries] == ["Stem gewijzigd", "Gestemd"]


def test_staff_pages_show_turnout_never_choices(staff_client, cast, voting_round, projects):
    page = staff_client.get(reverse("budget:staff_round", args=[voting_round.pk])).content.decode()
    assert cast.email not in page
    assert "1 van" in page  # one of the eligible residents voted


def test_the_pb_export_has_random_ids_and_no_people(staff, cast, voting_round):
    from budget.services.results import pb_export

    text = pb_export(budget_round=voting_round, funded=[], votes={})
    assert cast.email not in text
    votes = text.split("\nVOTES\n")[1].splitlines()[1:]
    voter_ids = [line.split(";")[0] for line in votes]
    assert len(voter_ids) == 1
    assert all(len(voter_id) == 12 and voter_id != str(cast.pk) for voter_id in voter_ids)


def test_ballots_leave_no_trace_in_the_project_history(cast, projects):
    for project in projects.values():
        assert all(entry.reason != "Gestemd" for entry in history_timeline(obj=project))
    assert ProjectFactory  # factories import cleanly

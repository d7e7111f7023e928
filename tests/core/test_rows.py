"""Rows read and written with plain SQL (core.rows) and the user loaded that way on every
logged-in request (core.auth_backends): what comes back must be what the ORM would give.

Each comparison also checks the Python type of every value: SQLite hands back booleans as
1 and 0 and times as text, PostgreSQL JSON as text, and 1 == True would hide that.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budget.models import Ballot, Participation, Result, Round, Via
from cms.models import StandardPage
from core import rules as core_rules
from core.auth_backends import ProfileAccountBackend, ProfileModelBackend, load_user
from core.models import Profile, User, Wijk
from core.roles import COUNCIL_STAFF
from core.rows import Table, history_row, insert
from tests.factories import UserFactory, VerifiedProfileFactory, make_staff
from tests.factories.budget import RoundFactory

pytestmark = pytest.mark.django_db

VOTED_AT = datetime.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC)
CHANGED_AT = datetime.datetime(2026, 3, 3, 21, 5, tzinfo=datetime.UTC)

BACKENDS = [ProfileModelBackend, ProfileAccountBackend]


def _select(model, pk, alias: str = "t"):
    """The row of `model` with primary key `pk`, read with plain SQL through a Table."""
    table = Table(model, alias)
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {table.columns(connection)} FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"{quote(alias)} WHERE {quote(alias)}.{quote(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return table.instance(cursor.fetchone(), connection)


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def assert_same_row(ours, theirs) -> None:
    """Same model, same values, and each value of the same Python type."""
    assert type(ours) is type(theirs)
    assert _values(ours) == _values(theirs)
    assert {name: type(value) for name, value in _values(ours).items()} == {
        name: type(value) for name, value in _values(theirs).items()
    }


# Table: reading a row ---------------------------------------------------------------------


def test_user_read_through_table_equals_orm():
    user = make_staff(email="anna@example.org", first_name="Anna", is_staff=True)
    User.objects.filter(pk=user.pk).update(last_login=VOTED_AT)

    ours = _select(User, user.pk)

    assert_same_row(ours, User.objects.get(pk=user.pk))
    assert ours.is_staff is True
    assert ours.is_superuser is False
    assert ours.last_login == VOTED_AT
    assert ours.last_login.utcoffset() is not None
    assert ours.check_password("correct horse battery")


def test_profile_with_and_without_nullable_foreign_keys_equals_orm(wijk, staff):
    checked = VerifiedProfileFactory(wijk=wijk, verified_by=staff, birth_year=1984)
    unchecked = VerifiedProfileFactory(wijk=None, verified_by=None, verified_at=VOTED_AT)

    for profile in (checked, unchecked):
        assert_same_row(_select(Profile, profile.pk, "p"), Profile.objects.get(pk=profile.pk))
    assert _select(Profile, checked.pk).verified_by_id == staff.pk
    ours = _select(Profile, unchecked.pk)
    assert ours.verified_by_id is None
    assert ours.wijk_id is None
    assert ours.wijk is None
    assert ours.verified_at == VOTED_AT


def test_round_decimals_datetimes_and_booleans_equal_orm(wijk):
    budget_round = RoundFactory(
        wijk=wijk, budget=Decimal("12345.60"), is_rehearsal=True, allow_letter_codes=False
    )

    ours = _select(Round, budget_round.pk)

    assert_same_row(ours, Round.objects.get(pk=budget_round.pk))
    assert ours.budget == Decimal("12345.60")
    assert str(ours.budget) == "12345.60"
    assert ours.is_rehearsal is True
    assert ours.allow_letter_codes is False
    assert ours.voting_start.utcoffset() is not None
    assert ours.phase == budget_round.phase


def test_result_json_and_nullable_fields_equal_orm(wijk, staff):
    budget_round = RoundFactory(wijk=wijk)
    result = Result.objects.create(
        round=budget_round,
        rule="greedy",
        funded=[3, 1, 2],
        votes={"1": 10, "2": 7.5, "3": None},
        figures={"greedy": {"funded": [3, 1], "total_cost": "4000.00", "reached": True}},
        budget_used=Decimal("0.10"),
        counted_by=staff,
    )

    ours = _select(Result, result.pk)

    assert_same_row(ours, Result.objects.get(pk=result.pk))
    assert ours.funded == [3, 1, 2]
    assert ours.votes == {"1": 10, "2": 7.5, "3": None}
    assert ours.figures["greedy"]["reached"] is True
    assert ours.budget_used == Decimal("0.10")
    assert ours.published_by_id is None
    assert ours.published_at is None


def test_instance_read_through_table_saves_as_an_update(wijk):
    ours = _select(Wijk, wijk.pk)
    assert ours._state.adding is False
    assert ours._state.db == connection.alias

    ours.name = "Brunssum-Zuid"
    ours.save()

    assert Wijk.objects.count() == 1
    assert Wijk.objects.get().name == "Brunssum-Zuid"


# insert -----------------------------------------------------------------------------------


def test_insert_fills_the_auto_increment_key_when_returning(wijk):
    budget_round = RoundFactory(wijk=wijk)
    voter = UserFactory()

    stored = insert(
        connection,
        Participation(round=budget_round, user=voter, via=Via.WEB, voted_at=VOTED_AT),
        returning=Table(Participation),
    )

    assert isinstance(stored.pk, int)
    assert_same_row(stored, Participation.objects.get(pk=stored.pk))
    assert stored.voted_at == VOTED_AT
    assert stored.changed_at is None
    assert stored.entered_by_id is None


def test_insert_without_returning_writes_the_row_and_returns_nothing(wijk):
    budget_round = RoundFactory(wijk=wijk)

    returned = insert(
        connection, Participation(round=budget_round, via=Via.PAPER, voted_at=VOTED_AT)
    )

    assert returned is None
    stored = Participation.objects.get()
    assert (stored.round_id, stored.user_id, stored.via) == (budget_round.pk, None, Via.PAPER)
    assert stored.voted_at == VOTED_AT


def test_insert_fills_auto_now_add_and_keeps_a_given_primary_key(wijk):
    budget_round = RoundFactory.build(wijk=wijk, created_at=None)
    ballot = Ballot(
        round=RoundFactory(wijk=wijk),
        voter_key="a" * 64,
        choices={"12": 1, "15": 3},
        via=Via.PAPER,
        counted=False,
    )

    stored_round = insert(connection, budget_round, returning=Table(Round))
    stored_ballot = insert(connection, ballot, returning=Table(Ballot))

    assert stored_round.created_at is not None
    assert_same_row(stored_round, Round.objects.get(pk=stored_round.pk))
    assert stored_ballot.pk == ballot.pk  # a UUID the model made, not the database
    assert_same_row(stored_ballot, Ballot.objects.get(pk=ballot.pk))
    assert stored_ballot.choices == {"12": 1, "15": 3}
    assert stored_ballot.counted is False


def _vote_again(budget_round, voter, **kwargs):
    """A second participation of `voter`: the upsert the ballot service makes."""
    return insert(
        connection,
        Participation(round=budget_round, user=voter, via=Via.PAPER, voted_at=CHANGED_AT, **kwargs),
        conflict=["round_id", "user_id"],
        conflict_where="user_id IS NOT NULL",
        update={"changed_at": "EXCLUDED.voted_at"},
        returning=Table(Participation),
    )


def test_upsert_on_a_conflict_updates_only_the_given_columns(wijk, staff):
    budget_round = RoundFactory(wijk=wijk)
    voter = UserFactory()
    first = Participation.objects.create(
        round=budget_round, user=voter, via=Via.WEB, voted_at=VOTED_AT
    )

    stored = _vote_again(budget_round, voter, entered_by=staff)

    assert stored.pk == first.pk
    assert Participation.objects.count() == 1
    assert_same_row(stored, Participation.objects.get())
    assert stored.changed_at == CHANGED_AT
    # Not in `update`: as first stored.
    assert stored.via == Via.WEB
    assert stored.voted_at == VOTED_AT
    assert stored.entered_by_id is None


def test_upsert_without_a_conflict_inserts(wijk):
    budget_round = RoundFactory(wijk=wijk)
    voter, other = UserFactory(), UserFactory()
    first = Participation.objects.create(
        round=budget_round, user=voter, via=Via.WEB, voted_at=VOTED_AT
    )
    in_other_round = _vote_again(RoundFactory(wijk=wijk), voter)

    stored = _vote_again(budget_round, other)

    assert stored.pk not in (first.pk, in_other_round.pk)
    assert (stored.user_id, stored.via, stored.changed_at) == (other.pk, Via.PAPER, None)
    assert in_other_round.round_id != budget_round.pk
    assert Participation.objects.count() == 3


def test_upsert_leaves_rows_outside_the_partial_constraint_alone(wijk):
    """Paper participations have no user: the partial unique index does not cover them."""
    budget_round = RoundFactory(wijk=wijk)

    for _ in range(2):
        _vote_again(budget_round, None)

    assert Participation.objects.filter(user=None).count() == 2


# history_row ------------------------------------------------------------------------------


def _history_values(record) -> dict:
    values = _values(record)
    del values["history_id"], values["history_date"]
    return values


def test_history_row_is_the_row_an_audited_save_writes(wijk, staff):
    """The same save recorded twice, by simple-history and by history_row: same columns."""
    profile = VerifiedProfileFactory(wijk=wijk, verified_by=staff, verified_at=VOTED_AT)
    profile.display_name = "Bea"
    profile._history_user = staff
    profile._change_reason = "Naam aangepast"
    profile.save()
    before = timezone.now()

    insert(
        connection,
        history_row(profile, actor=staff, reason="Naam aangepast", created=False),
    )

    ours, theirs = profile.history.all()[:2]  # newest first
    assert ours.history_date >= before
    assert _history_values(ours) == _history_values(theirs)
    assert ours.history_type == "~"
    assert ours.history_user == staff
    assert ours.history_change_reason == "Naam aangepast"
    assert ours.display_name == "Bea"
    assert ours.verified_by_id == staff.pk


def test_rows_written_with_insert_and_history_row_show_up_in_the_history(wijk, resident):
    budget_round = RoundFactory(wijk=wijk)

    created = insert(
        connection,
        Participation(round=budget_round, user=resident, via=Via.WEB, voted_at=VOTED_AT),
        returning=Table(Participation),
    )
    insert(connection, history_row(created, actor=resident, reason="Gestemd", created=True))
    changed = _vote_again(budget_round, resident)
    insert(connection, history_row(changed, actor=None, reason="Stem gewijzigd", created=False))

    stored = Participation.objects.get()
    assert stored.history.count() == 2
    latest, first = stored.history.all()
    assert (first.history_type, first.history_user, first.history_change_reason) == (
        "+",
        resident,
        "Gestemd",
    )
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        None,
        "Stem gewijzigd",
    )
    assert first.changed_at is None
    assert latest.changed_at == CHANGED_AT
    assert_same_row(latest.instance, stored)
    assert [change.field for change in latest.diff_against(first).changes] == ["changed_at"]


def test_history_row_refuses_a_model_whose_history_keeps_group_snapshots(staff):
    """simple-history writes the user's groups as rows of their own; history_row cannot."""
    with pytest.raises(TypeError, match="many-to-many"):
        history_row(staff, actor=None, reason="Rol toegekend", created=False)


# load_user and the backends --------------------------------------------------------------


def test_load_user_brings_the_profile_without_another_query(resident, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = load_user(resident.pk)
    with django_assert_num_queries(0):
        profile = user.profile
        assert profile.user is user
        assert profile.display_name == resident.profile.display_name
        assert str(user) == resident.profile.display_name
    assert_same_row(user, User.objects.get(pk=resident.pk))
    assert_same_row(profile, Profile.objects.get(user=resident))


def test_load_user_without_a_profile_knows_there_is_none(db, django_assert_num_queries):
    account = UserFactory()

    with django_assert_num_queries(1):
        user = load_user(account.pk)
    with django_assert_num_queries(0):
        assert hasattr(user, "profile") is False
        assert str(user) == account.email


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("council_staff", True),
        ("resident", False),
        ("editor", False),
        ("superuser", False),
        ("no_profile", False),
    ],
)
def test_council_staff_flag_only_for_members_of_the_group(
    kind, expected, request, django_assert_num_queries
):
    if kind == "council_staff":
        account = request.getfixturevalue("staff")
    elif kind == "superuser":  # rights never hang on is_staff or is_superuser
        account = UserFactory(is_staff=True, is_superuser=True)
    elif kind == "no_profile":
        account = UserFactory()
    else:
        account = request.getfixturevalue(kind)

    user = load_user(account.pk)

    with django_assert_num_queries(0):
        assert user._is_council_staff is expected
        assert core_rules.is_council_staff(user) is expected
    if not user.is_superuser:  # Django gives a superuser every permission
        assert user.has_perm("core.access_staff_area") is expected


def test_council_staff_flag_follows_the_group_on_the_next_load(staff, resident):
    group = Group.objects.get(name=COUNCIL_STAFF)

    staff.groups.remove(group)
    resident.groups.add(group)

    assert load_user(staff.pk)._is_council_staff is False
    assert load_user(resident.pk)._is_council_staff is True


@pytest.mark.parametrize("user_id", [987654, "987654", "abc", "", None, "1.5", "1; --"])
def test_unknown_or_garbage_id_gives_no_user(user_id, resident):
    assert load_user(user_id) is None
    for backend in BACKENDS:
        assert backend().get_user(user_id) is None


def test_id_beyond_64_bits_gives_no_user(db):
    assert load_user(str(2**64)) is None


def test_get_user_gives_the_user_by_id_as_the_session_stores_it(resident):
    for backend in BACKENDS:
        user = backend().get_user(str(resident.pk))
        assert user == resident
        assert user.profile.pk == resident.profile.pk


def test_get_user_refuses_an_inactive_user(resident):
    User.objects.filter(pk=resident.pk).update(is_active=False)

    assert load_user(resident.pk).is_active is False
    for backend in BACKENDS:
        assert backend().get_user(resident.pk) is None


def test_logged_in_request_loads_the_user_with_one_query(client, resident):
    client.force_login(resident)
    client.get(reverse("core:my_profile"))  # warm per-process caches

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:my_profile"))

    assert response.status_code == 200
    assert resident.profile.display_name in response.content.decode()
    # The account, its profile and the staff role: one statement, and no other reads them
    # (the history shown on the page joins its users; that is the page's own query).
    quote = connection.ops.quote_name
    reads = (f"FROM {quote(User._meta.db_table)}", quote(User.groups.through._meta.db_table))
    loads = [q["sql"] for q in queries.captured_queries if any(r in q["sql"] for r in reads)]
    assert len(loads) == 1, loads


def test_logged_in_inactive_user_is_logged_out(client, resident):
    client.force_login(resident)
    User.objects.filter(pk=resident.pk).update(is_active=False)

    response = client.get(reverse("core:my_profile"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_upsert_without_columns_to_update_is_refused_before_any_sql(db):
    participation = Participation(round=RoundFactory(), via=Via.PAPER)
    with CaptureQueriesContext(connection) as queries, pytest.raises(TypeError, match="update"):
        insert(connection, participation, conflict=["round_id", "user_id"])
    assert len(queries) == 0


def test_a_model_that_inherits_another_table_is_refused():
    """A Wagtail page's columns are in two tables; one SELECT of one table would be wrong."""
    with pytest.raises(TypeError, match="inherits"):
        Table(StandardPage, "p")


# Prepared statements (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres
def test_the_user_statement_is_prepared_on_postgresql_and_still_answers(resident):
    """After psycopg's threshold the statement runs prepared (planned once per connection);
    a prepared run loads the same account as the first, and another user's is theirs."""
    other = VerifiedProfileFactory().user
    for _ in range(7):
        assert load_user(resident.pk).pk == resident.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "core_user" u' in statement for statement in prepared), prepared
    loaded = load_user(other.pk)
    assert loaded.pk == other.pk
    assert loaded.profile.display_name == other.profile.display_name
    assert load_user(resident.pk).profile.display_name == resident.profile.display_name


@pytest.mark.postgres
def test_the_orm_keeps_binding_on_the_client_and_prepares_nothing(resident):
    """Only core.rows' statements are prepared: the ORM's are sent as text, as Django's
    tested default, however often they run."""
    for _ in range(7):
        assert User.objects.filter(pk=resident.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not any('"core_user"."id"' in statement for statement in prepared), prepared

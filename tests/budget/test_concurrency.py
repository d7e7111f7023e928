"""One ballot per voter, enforced by the database under concurrent submissions."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from budget import services
from budget.models import Ballot, Electorate, PaperEntry, Participation
from core.models import Notification, NotificationKind
from core.services import parse_address_lines
from tests.factories import VerifiedProfileFactory, WijkFactory, WijkPostcodeFactory, make_staff
from tests.factories.budget import ProjectFactory, RoundFactory

THREADS = 50


def _wijk(slug: str):
    """A wijk of its own (transactional tests keep no fixtures) with area 6441."""
    wijk = WijkFactory(slug=slug)
    WijkPostcodeFactory(wijk=wijk, code="6441")
    return wijk


def _wijk_with_resident(slug: str):
    """Such a wijk and a verified resident of it."""
    wijk = _wijk(slug)
    return wijk, VerifiedProfileFactory(wijk=wijk, postcode="6441AB").user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_submissions_leave_exactly_one_ballot():
    wijk, voter = _wijk_with_resident("parallel")
    budget_round = RoundFactory(wijk=wijk, max_choices=1)
    projects = [ProjectFactory(round=budget_round) for _ in range(5)]
    submissions = [{projects[i % len(projects)].pk: 1} for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def cast(choices):
        try:
            barrier.wait()
            services.ballot_cast(actor=voter, budget_round=budget_round, choices=choices)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(choices,)) for choices in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Ballot.objects.filter(round=budget_round).count() == 1
    assert Participation.objects.filter(round=budget_round).count() == 1
    stored = Ballot.objects.get(round=budget_round).choices
    assert stored in [{str(pk): 1 for pk in choices} for choices in submissions]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_residents_vote_while_the_voting_opens_messages_go_out(monkeypatch):
    """Telling a large wijk takes a while; meanwhile ballots must not wait for the round."""
    wijk, voter = _wijk_with_resident("notify-lock")
    budget_round = RoundFactory(wijk=wijk, max_choices=1)
    project = ProjectFactory(round=budget_round)
    sending, release = threading.Event(), threading.Event()

    def slow_fan_out(*, budget_round):
        sending.set()
        release.wait(timeout=20)
        return 0

    monkeypatch.setattr(services.notices.notifications, "send_voting_opens", slow_fan_out)
    errors: list[BaseException] = []

    def run(target):
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    notifier = threading.Thread(target=run, args=(services.round_notices_send,))
    voting = threading.Thread(
        target=run,
        args=(
            lambda: services.ballot_cast(
                actor=voter, budget_round=budget_round, choices={project.pk: 1}
            ),
        ),
    )
    notifier.start()
    try:
        assert sending.wait(timeout=20)
        voting.start()
        voting.join(timeout=5)
        cast_while_sending = not voting.is_alive()
    finally:
        release.set()
        notifier.join()
        voting.join()

    assert errors == []
    assert cast_while_sending, "the ballot waited for the whole fan-out of messages"
    budget_round.refresh_from_db()
    assert budget_round.voting_opens_notified_at is not None
    assert Participation.objects.filter(round=budget_round, user=voter).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_notify_runs_tell_each_resident_once(monkeypatch):
    wijk, resident = _wijk_with_resident("notify-twice")
    RoundFactory(wijk=wijk)
    real_send = services.notices.notifications.send_voting_opens

    def slow_send(*, budget_round):
        sent = real_send(budget_round=budget_round)
        time.sleep(0.5)  # the other run is listing the same round meanwhile
        return sent

    monkeypatch.setattr(services.notices.notifications, "send_voting_opens", slow_send)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            services.round_notices_send()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert (
        Notification.objects.filter(user=resident, kind=NotificationKind.VOTING_OPENS).count() == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_submissions_with_one_letter_code_leave_one_ballot_and_one_participation():
    wijk = _wijk("parallel-code")
    budget_round = RoundFactory(wijk=wijk, max_choices=1, allow_letter_codes=True)
    projects = [ProjectFactory(round=budget_round) for _ in range(5)]
    addresses = parse_address_lines(text="Akerstraat 12, 6441 AB", wijk=wijk)
    _batch, letters = services.voting_code_batch_create(
        actor=make_staff(email="codes@example.org"), budget_round=budget_round, addresses=addresses
    )
    code = services.voting_code_check(budget_round=budget_round, code=letters[0][1])
    submissions = [{projects[i % len(projects)].pk: 1} for i in range(20)]
    barrier = threading.Barrier(len(submissions))
    errors: list[BaseException] = []
    changed: list[bool] = []

    def cast(choices):
        try:
            barrier.wait()
            result = services.ballot_cast_with_code(
                code=code, budget_round=budget_round, choices=choices
            )
            changed.append(result.changed)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(choices,)) for choices in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Ballot.objects.filter(round=budget_round).count() == 1
    assert Participation.objects.filter(round=budget_round, code=code).count() == 1
    assert sorted(changed) == [False] + [True] * (len(submissions) - 1)  # one first vote


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_budget_change_waits_for_the_first_ballot_in_flight_and_is_then_refused():
    """The first ballot fixes the configuration: a change racing it must not slip through."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError
    from django.db import transaction

    from budget.services.rounds import round_update

    wijk, voter = _wijk_with_resident("racing")
    staff = make_staff()
    budget_round = RoundFactory(wijk=wijk, max_choices=1, budget=Decimal("10000"))
    project = ProjectFactory(round=budget_round)
    cast, release = threading.Event(), threading.Event()
    outcome: list[str] = []

    def vote():
        try:
            with transaction.atomic():
                services.ballot_cast(
                    actor=voter, budget_round=budget_round, choices={project.pk: 1}
                )
                cast.set()
                release.wait(10)  # the ballot is cast but not yet committed
        finally:
            connection.close()

    def change_budget():
        try:
            cast.wait(10)
            round_update(actor=staff, budget_round=budget_round, budget=Decimal("1"))
            outcome.append("changed")
        except ValidationError:
            outcome.append("refused")
        finally:
            connection.close()

    voter_thread = threading.Thread(target=vote)
    staff_thread = threading.Thread(target=change_budget)
    voter_thread.start()
    staff_thread.start()
    cast.wait(10)
    time.sleep(0.5)
    assert staff_thread.is_alive()  # waiting for the ballot's transaction
    release.set()
    voter_thread.join()
    staff_thread.join()

    assert outcome == ["refused"]
    budget_round.refresh_from_db()
    assert budget_round.budget == Decimal("10000")
    assert Ballot.objects.filter(round=budget_round).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("paper_against", ["resident", "code"])
def test_an_online_ballot_a_code_ballot_and_a_paper_entry_race_and_exactly_one_counts(
    paper_against,
):
    """One household, one vote per address: the resident votes online, the letter code of
    their address votes, and staff enter a paper form for the same voter, all at once."""
    wijk = _wijk(f"race-{paper_against}")
    voter = VerifiedProfileFactory(wijk=wijk, postcode="6441AB", house_number="12").user
    budget_round = RoundFactory(
        wijk=wijk, max_choices=1, allow_letter_codes=True, electorate=Electorate.PER_ADDRESS
    )
    project = ProjectFactory(round=budget_round)
    staff = make_staff(email=f"race-{paper_against}@example.org")
    addresses = parse_address_lines(
        text="Akerstraat 12, 6441 AB\nAkerstraat 14, 6441 AB", wijk=wijk
    )
    _batch, letters = services.voting_code_batch_create(
        actor=staff, budget_round=budget_round, addresses=addresses
    )
    plain = letters[0][1]
    code = services.voting_code_check(budget_round=budget_round, code=plain)
    paper_register = {"resident": voter} if paper_against == "resident" else {"code": plain}
    choices = {project.pk: 1}
    attempts = {
        "online": lambda: services.ballot_cast(
            actor=voter, budget_round=budget_round, choices=choices
        ),
        "code": lambda: services.ballot_cast_with_code(
            code=code, budget_round=budget_round, choices=choices
        ),
        "paper": lambda: services.paper_ballot_enter(
            actor=staff, budget_round=budget_round, choices=choices, **paper_register
        ),
    }
    for _round in range(3):  # a few times, so different ones win
        Participation.objects.filter(round=budget_round).delete()
        PaperEntry.objects.filter(round=budget_round).delete()
        Ballot.objects.filter(round=budget_round).delete()
        barrier = threading.Barrier(len(attempts))
        won: list[str] = []
        refused: list[str] = []
        errors: list[BaseException] = []

        def run(name, attempt, barrier=barrier, won=won, refused=refused, errors=errors):
            try:
                barrier.wait()
                attempt()
                won.append(name)
            except ValidationError as error:
                refused.append(error.messages[0])
            except BaseException as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=(name, attempt)) for name, attempt in attempts.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert len(won) == 1 and len(refused) == 2, (won, refused)
        assert all("adres" in text or "gestemd" in text or "papier" in text for text in refused)
        counted = Ballot.objects.filter(round=budget_round).count()
        pending = PaperEntry.objects.filter(round=budget_round, status="pending").count()
        assert counted + pending == 1
        assert Participation.objects.filter(round=budget_round).count() == 1

"""One ballot per voter, enforced by the database under concurrent submissions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from budget import services
from budget.models import Ballot, Participation
from tests.factories import VerifiedProfileFactory, WijkFactory, WijkPostcodeFactory
from tests.factories.budget import ProjectFactory, RoundFactory

THREADS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_submissions_leave_exactly_one_ballot():
    wijk = WijkFactory(slug="parallel")
    WijkPostcodeFactory(wijk=wijk, code="6441")
    voter = VerifiedProfileFactory(wijk=wijk, postcode="6441AB").user
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

"""Under concurrency a resident still supports an initiative only once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from initiatives import services
from initiatives.models import InitiativeStatus, Support
from tests.factories import WijkFactory, WijkPostcodeFactory
from tests.factories.initiatives import InitiativeFactory, verified_resident

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_clicks_on_support_count_once():
    wijk = WijkFactory(slug="parallel-support")
    WijkPostcodeFactory(wijk=wijk, code="6442")
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    resident = verified_resident(wijk)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def click():
        try:
            barrier.wait()
            services.support_add(actor=resident, initiative=initiative)
            outcomes.append("supported")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as error:  # noqa: BLE001 - any other failure fails the test
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused"] * (THREADS - 1) + ["supported"]
    assert Support.objects.filter(initiative=initiative).count() == 1

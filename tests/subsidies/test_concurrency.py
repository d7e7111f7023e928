"""Parallel grants never over-commit the pot (PostgreSQL row locks, real threads)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from subsidies import services
from subsidies.models import Application, Status
from subsidies.selectors import scheme_committed
from subsidies.services import decisions
from tests.factories import make_staff
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator
from tests.subsidies.conftest import bring_to

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_five_parallel_grants_of_300_from_a_pot_of_1000_grant_exactly_three(wijk, monkeypatch):
    staff = make_staff(email="parallel@example.org")
    scheme = SchemeFactory(
        wijk=wijk, pot=Decimal("1000.00"), max_amount=Decimal("500.00"), advice_required=False
    )
    applications = []
    for _ in range(5):
        application = ApplicationFactory(
            scheme=scheme,
            requested_amount=Decimal("300.00"),
            lines=[("Materiaal", "300.00")],
            other_funding_amount=Decimal("0.00"),
        )
        user, _initiative = make_initiator(wijk=wijk, initiative=application.initiative)
        applications.append(bring_to(application, Status.IN_REVIEW, staff=staff, applicant=user))

    # Widen the window between counting what is committed and saving the grant, so that
    # without the lock on the scheme every thread would count the same (too low) total.
    def slow_committed(**kwargs):
        total = scheme_committed(**kwargs)
        time.sleep(0.3)
        return total

    monkeypatch.setattr(decisions, "scheme_committed", slow_committed)
    barrier = threading.Barrier(len(applications))
    outcomes: list[str] = []
    lock = threading.Lock()

    def grant(application: Application) -> None:
        try:
            barrier.wait()
            services.application_decide(
                actor=staff,
                application=application,
                action="grant",
                amount=None,
                grounds="Past binnen de regeling.",
            )
            result = "granted"
        except ValidationError:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=grant, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["granted"] * 3 + ["refused"] * 2
    assert scheme_committed(scheme=scheme) == Decimal("900.00")
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == [Status.GRANTED] * 3 + [Status.IN_REVIEW] * 2

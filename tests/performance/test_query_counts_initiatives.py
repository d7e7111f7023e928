"""Initiative pages: as many database queries with 100 objects as with 5 (issue #7).

See tests/performance/support.py for how each test counts and what it checks.
"""

from __future__ import annotations

import pytest

from initiatives.models import InitiativeMember, InitiativeStatus, InitiatorRole
from tests.factories import VerifiedProfileFactory
from tests.factories.initiatives import (
    InitiativeFactory,
    ProgressUpdateFactory,
    SupportFactory,
    VolunteerFactory,
)
from tests.performance.support import (
    _n,
    _published_initiatives,
    assert_queries_constant,
)

pytestmark = pytest.mark.django_db


# --- Initiatives ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/initiatieven/",
        "/initiatieven/?q=moestuin&theme=groen&status=published",
        "/initiatieven/?page=2",
        "/wijken/brunssum-noord/initiatieven/",
    ],
)
def test_initiative_list(client, wijk, url):
    def add(n):
        titles = _published_initiatives(wijk, n)
        return [] if "page=2" in url else titles[-3:]

    assert_queries_constant(client, url, add)


@pytest.mark.parametrize("viewer", ["anonymous", "supporter", "initiator"])
def test_initiative_detail(client, wijk, viewer):
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    if viewer == "initiator":
        client.force_login(initiative.created_by)
    elif viewer == "supporter":
        client.force_login(SupportFactory(initiative=initiative).user)

    def add(n):
        for _ in range(n):
            number = _n()
            SupportFactory(initiative=initiative)
            VolunteerFactory(initiative=initiative)
            ProgressUpdateFactory(initiative=initiative, title=f"Voortgang {number}")
            member = VerifiedProfileFactory(wijk=wijk, display_name=f"Buurman {number}").user
            InitiativeMember.objects.create(
                initiative=initiative, user=member, role=InitiatorRole.CO_INITIATOR
            )
        return [f"Voortgang {number}", f"Buurman {number}"]

    assert_queries_constant(client, f"/initiatieven/{initiative.pk}/", add)


def test_initiative_volunteers_for_the_initiator(client, wijk):
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    client.force_login(initiative.created_by)

    def add(n):
        for _ in range(n):
            user = VerifiedProfileFactory(wijk=wijk, display_name=f"Helper {_n()}").user
            VolunteerFactory(initiative=initiative, user=user)
        return [user.profile.display_name]

    assert_queries_constant(client, f"/initiatieven/{initiative.pk}/vrijwilligers/", add)

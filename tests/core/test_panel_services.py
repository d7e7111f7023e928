"""Wijkpanel seats change only through the services: staff only, one chair, one seat each."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import services
from core.models import PanelMembership

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 1)


def test_only_council_staff_appoint(resident, panel_chair, wijk, other_wijk):
    with pytest.raises(PermissionDenied):
        services.panel_membership_create(
            actor=panel_chair, wijk=wijk, member=resident, term_start=JAN
        )
    assert not PanelMembership.objects.filter(member=resident).exists()


def test_a_person_holds_one_seat_per_panel_at_a_time(staff, resident, wijk):
    services.panel_membership_create(
        actor=staff,
        wijk=wijk,
        member=resident,
        term_start=JAN,
        term_end=datetime.date(2026, 12, 31),
    )

    with pytest.raises(ValidationError) as refused:
        services.panel_membership_create(
            actor=staff, wijk=wijk, member=resident, term_start=datetime.date(2026, 6, 1)
        )
    assert "member" in refused.value.error_dict

    # After the first term has ended, a new one may start.
    services.panel_membership_create(
        actor=staff, wijk=wijk, member=resident, term_start=datetime.date(2027, 1, 1)
    )
    assert PanelMembership.objects.filter(member=resident).count() == 2


def test_making_a_second_member_chair_is_refused_until_the_first_chair_steps_down(
    staff, resident, wijk, panel_chair
):
    seat = services.panel_membership_create(actor=staff, wijk=wijk, member=resident, term_start=JAN)
    chair_seat = PanelMembership.objects.get(member=panel_chair)

    with pytest.raises(ValidationError):
        services.panel_membership_update(actor=staff, membership=seat, is_chair=True)

    services.panel_membership_update(actor=staff, membership=chair_seat, is_chair=False)
    seat = services.panel_membership_update(actor=staff, membership=seat, is_chair=True)
    assert seat.is_chair
    assert seat.history.first().history_user == staff

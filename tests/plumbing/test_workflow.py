"""The shared transition runner: allowed steps, permissions, reasons, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import ResidencyStatus
from plumbing.workflow import Transition, TransitionNotAllowed, actions_available, transition_run
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

# A tiny machine over a resident's residency, enough to exercise the runner.
MACHINE = {
    (ResidencyStatus.UNVERIFIED, "declare"): Transition(
        ResidencyStatus.SELF_DECLARED, "core.view_profile"
    ),
    (ResidencyStatus.SELF_DECLARED, "confirm"): Transition(
        ResidencyStatus.VERIFIED, "core.verify_resident", reason_required=True
    ),
}


def test_an_allowed_step_changes_the_status_and_records_actor_and_reason(wijk):
    profile = ProfileFactory(wijk=wijk, postcode="6441AB")

    result = transition_run(
        obj=profile,
        action="declare",
        actor=profile.user,
        transitions=MACHINE,
        field="residency_status",
        reason="Ik woon hier",
    )

    assert result.residency_status == ResidencyStatus.SELF_DECLARED
    record = result.history.first()
    assert record.history_user == profile.user
    assert record.history_change_reason == "Ik woon hier"


def test_a_step_that_does_not_exist_from_this_status_is_refused(wijk):
    profile = ProfileFactory(wijk=wijk, postcode="6441AB")

    with pytest.raises(TransitionNotAllowed):
        transition_run(
            obj=profile,
            action="confirm",
            actor=profile.user,
            transitions=MACHINE,
            field="residency_status",
        )
    profile.refresh_from_db()
    assert profile.residency_status == ResidencyStatus.UNVERIFIED


def test_a_step_without_the_permission_is_refused_and_changes_nothing(wijk, resident):
    profile = ProfileFactory(
        wijk=wijk, postcode="6441AB", residency_status=ResidencyStatus.SELF_DECLARED
    )

    with pytest.raises(PermissionDenied):
        transition_run(
            obj=profile,
            action="confirm",
            actor=resident,
            transitions=MACHINE,
            field="residency_status",
            reason="x",
        )
    profile.refresh_from_db()
    assert profile.residency_status == ResidencyStatus.SELF_DECLARED


def test_a_step_that_needs_a_reason_is_refused_without_one(wijk, staff):
    profile = ProfileFactory(
        wijk=wijk, postcode="6441AB", residency_status=ResidencyStatus.SELF_DECLARED
    )

    with pytest.raises(ValidationError):
        transition_run(
            obj=profile,
            action="confirm",
            actor=staff,
            transitions=MACHINE,
            field="residency_status",
            reason="  ",
        )


def test_the_actions_offered_depend_on_status_and_user(wijk, staff):
    profile = ProfileFactory(
        wijk=wijk, postcode="6441AB", residency_status=ResidencyStatus.SELF_DECLARED
    )

    assert actions_available(
        obj=profile, user=staff, transitions=MACHINE, field="residency_status"
    ) == ["confirm"]
    assert (
        actions_available(
            obj=profile, user=profile.user, transitions=MACHINE, field="residency_status"
        )
        == []
    )

"""Support, volunteers, co-initiators, progress updates and moderation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives import services
from initiatives.models import (
    CoInitiatorInvitation,
    InitiativeMember,
    InitiatorRole,
    ReportStatus,
    Support,
)
from initiatives.models import (
    InitiativeStatus as S,
)
from plumbing import codes
from tests.factories import UserFactory
from tests.factories.initiatives import (
    ContentReportFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_creating_an_initiative_makes_the_creator_its_initiator(resident, wijk):
    initiative = services.initiative_create(
        actor=resident,
        wijk=wijk,
        data={
            "title": "  Bankjes bij de vijver ",
            "summary": "Drie bankjes",
            "description": "Zodat ouderen kunnen uitrusten.",
            "themes": ["ouderen"],
        },
    )

    assert initiative.status == S.CONCEPT
    assert initiative.title == "Bankjes bij de vijver"
    member = initiative.members.get()
    assert (member.user, member.role) == (resident, InitiatorRole.INITIATOR)
    assert initiative.history.first().history_user == resident


def test_a_resident_of_another_wijk_cannot_propose_here(outsider, wijk):
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            actor=outsider, wijk=wijk, data={"title": "x", "summary": "x", "description": "x"}
        )


def test_an_initiative_without_themes_is_refused_and_nothing_is_saved(resident, wijk):
    with pytest.raises(ValidationError) as error:
        services.initiative_create(
            actor=resident,
            wijk=wijk,
            data={"title": "x", "summary": "x", "description": "x", "themes": []},
        )
    assert "themes" in error.value.error_dict
    assert not InitiativeMember.objects.exists()


def test_support_is_once_per_resident_and_can_be_withdrawn_with_a_trail(make_initiative, resident):
    initiative = make_initiative(S.PUBLISHED)

    services.support_add(actor=resident, initiative=initiative)
    with pytest.raises(ValidationError, match="steunt dit initiatief al"):
        services.support_add(actor=resident, initiative=initiative)
    assert initiative.supports.count() == 1

    services.support_withdraw(actor=resident, initiative=initiative)
    assert initiative.supports.count() == 0
    removed = Support.history.filter(history_type="-").get()
    assert removed.history_user == resident
    assert removed.history_change_reason == "Steun ingetrokken"


@pytest.mark.parametrize("status", [S.CONCEPT, S.SUBMITTED, S.REJECTED, S.COMPLETED])
def test_support_is_only_possible_while_published_or_in_progress(make_initiative, resident, status):
    initiative = make_initiative(status)
    with pytest.raises(PermissionDenied):
        services.support_add(actor=resident, initiative=initiative)


def test_residents_of_another_wijk_cannot_support(make_initiative, outsider):
    with pytest.raises(PermissionDenied):
        services.support_add(actor=outsider, initiative=make_initiative(S.PUBLISHED))


def test_a_volunteer_signs_up_once_and_the_initiators_get_the_message(
    make_initiative, resident, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.PUBLISHED)

    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_signup(
            actor=resident, initiative=initiative, message="Ik heb een boormachine."
        )

    assert initiative.volunteers.get().message == "Ik heb een boormachine."
    mail = mailoutbox[0]
    assert mail.to == [initiative.created_by.email]
    assert "Ik heb een boormachine." in mail.body
    with pytest.raises(ValidationError):
        services.volunteer_signup(actor=resident, initiative=initiative, message="")
    services.volunteer_withdraw(actor=resident, initiative=initiative)
    assert not initiative.volunteers.exists()


def test_no_volunteers_when_none_are_asked_for(make_initiative, resident):
    initiative = make_initiative(S.PUBLISHED, needs_volunteers=False)
    with pytest.raises(PermissionDenied):
        services.volunteer_signup(actor=resident, initiative=initiative, message="")


def _token_from(mail) -> str:
    return re.search(r"/initiatieven/uitnodiging/([^/\s]+)/", mail.body).group(1)


def test_an_invitation_stores_only_a_hash_and_accepting_adds_a_co_initiator(
    make_initiative, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.CONCEPT)
    invitee = UserFactory(email="buurvrouw@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=initiative.created_by, initiative=initiative, email="Buurvrouw@example.org"
        )

    token = _token_from(mailoutbox[0])
    assert mailoutbox[0].to == ["buurvrouw@example.org"]
    assert token not in invitation.token_hash
    assert invitation.token_hash == codes.keyed_hash("initiative-invitation", token)

    member = services.invitation_accept(user=invitee, token=token)

    assert member.role == InitiatorRole.CO_INITIATOR
    assert initiative.members.filter(user=invitee).exists()
    with pytest.raises(ValidationError, match="al gebruikt"):
        services.invitation_accept(user=UserFactory(), token=token)


def test_an_unknown_or_expired_invitation_is_refused(make_initiative, time_machine):
    initiative = make_initiative(S.CONCEPT)
    with pytest.raises(ValidationError, match="niet geldig"):
        services.invitation_accept(user=UserFactory(), token="verzonnen")

    services.invitation_create(
        actor=initiative.created_by, initiative=initiative, email="a@example.org"
    )
    invitation = CoInitiatorInvitation.objects.get()
    token = "known-token"
    invitation.token_hash = codes.keyed_hash("initiative-invitation", token)
    invitation.save()
    time_machine.move_to(invitation.expires_at)
    with pytest.raises(ValidationError, match="verlopen"):
        services.invitation_accept(user=UserFactory(), token=token)


def test_only_initiators_invite_and_not_someone_already_on_board(make_initiative, resident):
    initiative = make_initiative(S.CONCEPT)
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=resident, initiative=initiative, email="x@example.org")
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=initiative.created_by,
            initiative=initiative,
            email=initiative.created_by.email.upper(),
        )


def test_initiators_post_progress_updates_once_published(make_initiative):
    initiative = make_initiative(S.IN_PROGRESS)

    update = services.update_post(
        actor=initiative.created_by,
        initiative=initiative,
        title="Eerste oogst",
        text="Vandaag de eerste tomaten.",
        date=datetime.date.today(),
    )
    assert update.initiative == initiative

    concept = make_initiative(S.CONCEPT)
    with pytest.raises(PermissionDenied):
        services.update_post(
            actor=concept.created_by,
            initiative=concept,
            title="x",
            text="x",
            date=datetime.date.today(),
        )


def test_staff_hide_a_reported_initiative_and_the_initiator_is_told_why(
    make_initiative, resident, staff, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.PUBLISHED)
    report = services.report_create(actor=resident, initiative=initiative, reason="Beledigend")

    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_hide(actor=staff, initiative=initiative, reason="Bevat scheldwoorden")

    initiative.refresh_from_db()
    assert initiative.hidden and initiative.hidden_reason == "Bevat scheldwoorden"
    record = initiative.history.first()
    assert record.history_user == staff
    assert "Bevat scheldwoorden" in record.history_change_reason
    report.refresh_from_db()
    assert report.status == ReportStatus.HIDDEN
    mail = next(m for m in mailoutbox if initiative.created_by.email in m.to)
    assert "Bevat scheldwoorden" in mail.body

    services.initiative_unhide(actor=staff, initiative=initiative, reason="Aangepast")
    initiative.refresh_from_db()
    assert not initiative.hidden


def test_hiding_needs_staff_and_a_reason(make_initiative, resident, staff):
    initiative = make_initiative(S.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.initiative_hide(actor=resident, initiative=initiative, reason="x")
    with pytest.raises(ValidationError):
        services.initiative_hide(actor=staff, initiative=initiative, reason="  ")
    initiative.refresh_from_db()
    assert not initiative.hidden


def test_staff_hide_an_update_and_dismiss_another_report(
    make_initiative, staff, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.PUBLISHED)
    update = ProgressUpdateFactory(initiative=initiative)
    other = ContentReportFactory(initiative=initiative)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_hide(actor=staff, update=update, reason="Persoonsgegevens van buren")
    services.report_dismiss(actor=staff, report=other, note="Niets aan de hand")

    update.refresh_from_db()
    assert update.hidden
    other.refresh_from_db()
    assert other.status == ReportStatus.DISMISSED
    assert any("Persoonsgegevens van buren" in m.body for m in mailoutbox)


def test_a_concept_cannot_be_reported(make_initiative, resident):
    with pytest.raises(PermissionDenied):
        services.report_create(actor=resident, initiative=make_initiative(S.CONCEPT), reason="x")

"""Privacy (AVG): a resident deletes their account; their initiatives and ballots stay, unlinked."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from budget import services as budget_services
from budget.models import Ballot, Participation
from core.models import (
    MutedNotification,
    Notification,
    PanelMembership,
    Profile,
    ResidencyCode,
    User,
)
from core.privacy import account_erase
from core.services import LetterAddress, residency_code_batch_create, residency_code_redeem
from initiatives.models import InitiativeStatus, Volunteer
from plumbing.mail import queue_email, send_private_email, unseal
from tests.core.privacy.support import (
    DB_QUEUE,
    EMAIL,
    NAME,
    OTHER_EMAIL,
    _cells_holding,
    _delete,
    _dump_all_tables,
    _outbox_to,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_deleting_asks_for_the_password_first(client, person):
    client.force_login(person)
    page = client.get(reverse("core:account_delete")).content.decode()
    assert "Account verwijderen" in page

    response = _delete(client, person, password="wrong")

    assert response.status_code == 400
    assert "Dit wachtwoord klopt niet" in response.content.decode()
    person.refresh_from_db()
    assert person.email == EMAIL and person.is_active


def test_deleting_needs_the_box_ticked(client, person):
    client.force_login(person)

    response = client.post(reverse("core:account_delete"), {"password": "correct horse battery"})

    assert response.status_code == 400
    assert "Vink het vakje aan" in response.content.decode()
    assert User.objects.get(pk=person.pk).is_active


def test_deletion_erases_personal_data_from_live_rows_and_history(client, active_person):
    pk = active_person.pk
    # A change first, so the history holds more than the creation.
    profile = active_person.profile
    profile.display_name = NAME + " Jr"
    profile.save()

    response = _delete(client, active_person)

    assert response.status_code == 302
    user = User.objects.get(pk=pk)
    assert user.is_erased and not user.is_active and not user.has_usable_password()
    assert str(user) == "voormalig bewoner"
    assert not Profile.objects.filter(user_id=pk).exists()
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    assert not Notification.objects.filter(user_id=pk).exists()
    assert not MutedNotification.objects.filter(user_id=pk).exists()
    assert not Volunteer.objects.filter(user_id=pk).exists()
    for row in User.history.filter(id=pk):
        assert row.email == user.email and row.first_name == "" and row.last_name == ""
    for row in Profile.history.filter(user_id=pk):
        assert (row.display_name, row.postcode, row.house_number, row.birth_year) == (
            "",
            "",
            "",
            None,
        )
    dump = _dump_all_tables()
    assert EMAIL not in dump
    assert NAME not in dump
    assert "06-12345678" not in dump  # the volunteer's message, also in its history
    # As a value of its own in any text (hex digests, salts and session keys hold "1961" by
    # chance), and in no birth-year column, of the profile's history or elsewhere.
    assert _cells_holding(r"(?<![0-9A-Za-z])1961(?![0-9A-Za-z])", integer=1961) == []


def test_deletion_ends_every_session_and_login(client, django_user_model, person):
    other_device = client.__class__()
    other_device.force_login(person)
    assert other_device.get(reverse("core:my_profile")).status_code == 200

    _delete(client, person)

    assert other_device.get(reverse("core:my_profile")).status_code == 302
    assert client.get(reverse("core:my_profile")).status_code == 302
    assert not client.login(email=EMAIL, password="correct horse battery")
    response = client.post(
        reverse("account_login"), {"login": EMAIL, "password": "correct horse battery"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200  # the login form again, with its error


def test_deleted_residents_initiatives_stay_as_by_a_former_resident(client, active_person):
    initiative = active_person.initiatives_created.get()

    _delete(client, active_person)

    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.PUBLISHED
    page = client.get(reverse("initiatives:detail", args=[initiative.pk])).content.decode()
    assert "Moestuin Op De Hoek" in page
    assert "voormalig bewoner" in page
    assert NAME not in page


def test_ballots_of_a_deleted_resident_still_count(client, active_person, round_with_votes, staff):
    before = {
        ballot.voter_key: ballot.choices for ballot in Ballot.objects.filter(round=round_with_votes)
    }
    after_voting = round_with_votes.voting_end + datetime.timedelta(hours=1)
    with time_machine.travel(after_voting):
        counted_before = budget_services.round_count(actor=staff, budget_round=round_with_votes)
        votes_before = (counted_before.votes, counted_before.funded, counted_before.ballot_count)

    _delete(client, active_person)

    after = {
        ballot.voter_key: ballot.choices for ballot in Ballot.objects.filter(round=round_with_votes)
    }
    assert after == before
    participations = Participation.objects.filter(round=round_with_votes)
    assert participations.count() == 2
    assert not participations.filter(user_id=active_person.pk).exists()
    assert not Participation.history.filter(user_id=active_person.pk).exists()
    assert not Participation.history.filter(history_user_id=active_person.pk).exists()
    with time_machine.travel(after_voting):
        counted = budget_services.round_count(actor=staff, budget_round=round_with_votes)
    assert (counted.votes, counted.funded, counted.ballot_count) == votes_before


def test_deletion_ends_panel_seats_and_keeps_written_reviews(client, active_person):
    review = active_person.panel_reviews.get()

    _delete(client, active_person)

    membership = PanelMembership.objects.get(member_id=active_person.pk)
    assert membership.term_end == timezone.localdate()
    review.refresh_from_db()
    assert review.reasoning == "Sterk plan van de buurt."
    assert str(review.member) == "voormalig bewoner"


def test_deletion_unlinks_the_used_residency_code(wijk, staff):
    user = UserFactory()
    from tests.factories import ProfileFactory

    ProfileFactory(user=user, wijk=wijk, postcode="6441AB", house_number="9")
    _batch, letters = residency_code_batch_create(
        actor=staff,
        wijk=wijk,
        addresses=[LetterAddress(street="Kerkstraat", house_number="9", postcode="6441AB")],
    )
    residency_code_redeem(user=user, code=letters[0][1])

    account_erase(actor=user, user=user)

    code = ResidencyCode.objects.get()
    assert code.used_by is None
    assert not ResidencyCode.history.filter(used_by_id=user.pk).exists()
    assert not ResidencyCode.history.filter(history_user_id=user.pk).exists()


def test_staff_cannot_delete_their_account_here(staff_client):
    response = staff_client.get(reverse("core:account_delete"))

    assert response.status_code == 403
    assert "beheerder" in response.content.decode()


def test_someone_else_cannot_erase_an_account(person, neighbour):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        account_erase(actor=neighbour, user=person)
    assert User.objects.get(pk=person.pk).email == EMAIL


def test_password_guessing_on_the_delete_page_is_limited(client, person):
    client.force_login(person)
    url = reverse("core:account_delete")
    for _ in range(5):
        assert client.post(url, {"password": "guess", "understood": "on"}).status_code == 400

    response = client.post(url, {"password": "correct horse battery", "understood": "on"})

    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert User.objects.get(pk=person.pk).is_active


def test_deletion_clears_the_persons_emails_from_the_outbox(client, person, neighbour, settings):
    settings.TASKS = DB_QUEUE
    queue_email(EmailMessage(subject="Uw stem", body="Ontvangstcode", to=[EMAIL]))
    queue_email(EmailMessage(subject="Buur", body="x", to=[OTHER_EMAIL]))

    account_erase(actor=person, user=person)

    assert not _outbox_to(EMAIL).exists()
    assert _outbox_to(OTHER_EMAIL).exists()


def test_deletion_clears_the_persons_sealed_receipt_mails_too(client, person, neighbour, settings):
    """A ballot receipt waits in the queue sealed (its address encrypted) until it is sent."""
    settings.TASKS = DB_QUEUE
    queue_email(EmailMessage(subject="Uw stem", body="Ontvangstcode", to=[EMAIL]), private=True)
    queue_email(EmailMessage(subject="Buur", body="x", to=[OTHER_EMAIL]), private=True)
    sealed = DBTaskResult.objects.filter(task_path=send_private_email.module_path)
    assert sealed.count() == 2

    account_erase(actor=person, user=person)

    remaining = [unseal(row.args_kwargs["kwargs"]["sealed"])["to"] for row in sealed]
    assert remaining == [[OTHER_EMAIL]]

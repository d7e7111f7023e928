"""Privacy (AVG): a resident's data download, account deletion and the retention run."""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from budget import services as budget_services
from budget.models import Ballot, Participation
from core import notifications
from core.mail import queue_email
from core.models import (
    MutedNotification,
    Notification,
    NotificationKind,
    PanelMembership,
    Profile,
    ResidencyCode,
    User,
)
from core.privacy import account_erase, retention_run, user_data_export
from core.services import LetterAddress, residency_code_batch_create, residency_code_redeem
from initiatives.models import InitiativeStatus, Volunteer
from tests.factories import PanelMembershipFactory, UserFactory, VerifiedProfileFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.initiatives import (
    InitiativeFactory,
    ProgressUpdateFactory,
    SupportFactory,
    VolunteerFactory,
)
from tests.factories.review import MemberReviewFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory

pytestmark = pytest.mark.django_db

NAME = "Jantje Privacyproef"
EMAIL = "jantje.privacyproef@example.org"
OTHER_NAME = "Pietje Buurman"
OTHER_EMAIL = "pietje.buurman@example.org"


@pytest.fixture
def person(wijk):
    """A verified resident with a recognisable name, e-mail address and birth year."""
    user = UserFactory(email=EMAIL)
    VerifiedProfileFactory(
        user=user,
        wijk=wijk,
        display_name=NAME,
        postcode="6441AB",
        house_number="77",
        birth_year=1961,
    )
    return user


@pytest.fixture
def neighbour(wijk):
    """Another resident of the same wijk, whose data must never show up in the export."""
    user = UserFactory(email=OTHER_EMAIL)
    VerifiedProfileFactory(user=user, wijk=wijk, display_name=OTHER_NAME, house_number="3")
    return user


@pytest.fixture
def round_with_votes(wijk, person, neighbour):
    """A round in which both voted: the person for Speeltuin, the neighbour for Bankjes."""
    budget_round = RoundFactory(wijk=wijk, phase="voting", min_choices=1, max_choices=2)
    speeltuin = ProjectFactory(round=budget_round, title="Speeltuin Zonnebloem", cost=6000)
    bankjes = ProjectFactory(round=budget_round, title="Bankjes Kerkplein", cost=3000)
    budget_services.ballot_cast(actor=person, budget_round=budget_round, choices={speeltuin.pk: 1})
    budget_services.ballot_cast(actor=neighbour, budget_round=budget_round, choices={bankjes.pk: 1})
    return budget_round


@pytest.fixture
def active_person(person, neighbour, wijk, round_with_votes):
    """The person has done a bit of everything on Wijkplein."""
    initiative = InitiativeFactory(
        wijk=wijk, created_by=person, title="Moestuin Op De Hoek", status="published"
    )
    ProgressUpdateFactory(initiative=initiative, author=person)
    neighbours_initiative = InitiativeFactory(
        wijk=wijk, created_by=neighbour, title="Buurtbarbecue", status="published"
    )
    SupportFactory(initiative=neighbours_initiative, user=person)
    VolunteerFactory(initiative=neighbours_initiative, user=person, message="Bel mij: 06-12345678")
    SupportFactory(initiative=initiative, user=neighbour)
    PanelMembershipFactory(wijk=wijk, member=person)
    MemberReviewFactory(member=person, reasoning="Sterk plan van de buurt.")
    ApplicationFactory(scheme=SchemeFactory(wijk=wijk), initiative=initiative, created_by=person)
    notifications.notification_preferences_set(
        user=person, muted_kinds={NotificationKind.VOTING_OPENS}
    )
    Notification.objects.create(
        user=person, kind=NotificationKind.DECISION, subject="Besluit", body=f"Beste {NAME}"
    )
    Notification.objects.create(
        user=neighbour, kind=NotificationKind.DECISION, subject="Besluit", body=OTHER_NAME
    )
    return person


def _download(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get(reverse("core:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    return json.loads(text), text


# --- Export ---------------------------------------------------------------------------


def test_the_download_holds_the_persons_data(client, active_person, wijk, round_with_votes):
    data, _text = _download(client, active_person)

    assert data["account"]["email"] == EMAIL
    assert data["profile"]["display_name"] == NAME
    assert data["profile"]["postcode"] == "6441AB"
    assert data["profile"]["birth_year"] == 1961
    assert data["profile"]["wijk"] == wijk.name
    assert data["profile"]["residency_status"] == "verified"
    preferences = {row["kind"]: row["email"] for row in data["notification_preferences"]}
    assert preferences["voting_opens"] is False and preferences["decision"] is True
    assert [row["body"] for row in data["notifications"]] == [f"Beste {NAME}"]
    assert [row["wijk"] for row in data["panel_memberships"]] == [wijk.name]
    assert [row["title"] for row in data["initiatives"]["started"]] == ["Moestuin Op De Hoek"]
    assert [row["title"] for row in data["initiatives"]["supported"]] == ["Buurtbarbecue"]
    assert data["initiatives"]["volunteered"][0]["message"] == "Bel mij: 06-12345678"
    assert data["review"]["reviews_written"][0]["reasoning"] == "Sterk plan van de buurt."
    assert data["subsidies"]["applications"][0]["iban"] == "NL91ABNA0417164300"
    assert {row["file_name"] for row in data["documents"]} == set()  # nothing uploaded
    votes = data["budget"]["votes_cast"]
    assert [vote["round"] for vote in votes] == [round_with_votes.name]
    assert votes[0]["via"] == "web" and votes[0]["voted_at"]


def test_the_download_holds_nothing_of_other_people(client, active_person, neighbour):
    _data, text = _download(client, active_person)

    assert OTHER_EMAIL not in text
    assert OTHER_NAME not in text


def test_the_download_never_says_what_was_voted(client, active_person, round_with_votes):
    _data, text = _download(client, active_person)

    assert "Speeltuin Zonnebloem" not in text  # the project the person voted for
    assert "choices" not in text
    for ballot in Ballot.objects.filter(round=round_with_votes):
        assert ballot.voter_key not in text
        assert ballot.receipt_digest not in text


def test_the_download_lists_uploaded_documents(client, person, wijk):
    from initiatives.subsidies.models import Attachment

    application = ApplicationFactory(scheme=SchemeFactory(wijk=wijk), created_by=person)
    Attachment.objects.create(
        application=application,
        kind="quote",
        file="subsidies/attachments/abc.pdf",
        original_name="offerte-springkussen.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=person,
    )

    data, _text = _download(client, person)

    assert [row["file_name"] for row in data["documents"]] == ["offerte-springkussen.pdf"]


def test_only_a_logged_in_person_downloads_and_only_their_own(client, person, neighbour):
    response = client.get(reverse("core:my_data_download"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    data, _text = _download(client, neighbour)
    assert data["account"]["email"] == OTHER_EMAIL


def test_the_profile_page_links_to_download_and_deletion(client, person):
    client.force_login(person)

    page = client.get(reverse("core:my_profile")).content.decode()

    assert reverse("core:my_data_download") in page
    assert reverse("core:account_delete") in page
    assert "Mijn gegevens downloaden" in page


# --- Deletion -------------------------------------------------------------------------


def _delete(client, user, password="correct horse battery"):
    client.force_login(user)
    return client.post(reverse("core:account_delete"), {"password": password, "understood": "on"})


def _dump_all_tables() -> str:
    """Every row of every table, as text (to prove a value is gone everywhere)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from Django
            parts.append(repr(cursor.fetchall()))
    return "\n".join(parts)


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
    # As a value of its own: hex digests, salts and session keys hold "1961" by chance.
    assert not re.search(r"\b1961\b", dump)


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


# --- Retention ------------------------------------------------------------------------


@pytest.fixture
def old_and_new(wijk, person, neighbour, staff, settings):
    """Data just past and just within each retention period."""
    settings.WIJKPLEIN_RETENTION_DAYS = {
        **settings.WIJKPLEIN_RETENTION_DAYS,
        "voter_registry": 90,
        "letter_codes": 90,
        "notifications": 365,
        "unverified_accounts": 30,
        "invitations": 30,
    }
    now = timezone.now()
    old_round = RoundFactory(wijk=wijk, phase="voting")
    new_round = RoundFactory(wijk=wijk, phase="voting")
    for budget_round in (old_round, new_round):
        project = ProjectFactory(round=budget_round)
        budget_services.ballot_cast(
            actor=person, budget_round=budget_round, choices={project.pk: 1}
        )
    # Voting closed 91 and 89 days ago.
    for budget_round, days in ((old_round, 91), (new_round, 89)):
        end = now - datetime.timedelta(days=days)
        RoundFactory._meta.model.objects.filter(pk=budget_round.pk).update(
            proposals_start=end - datetime.timedelta(days=3),
            review_start=end - datetime.timedelta(days=2),
            voting_start=end - datetime.timedelta(days=1),
            voting_end=end,
            realisation_start=end,
        )
    old_note = Notification.objects.create(
        user=person,
        kind="decision",
        subject="Oud",
        body="x",
        created_at=now - datetime.timedelta(days=366),
    )
    new_note = Notification.objects.create(
        user=person,
        kind="decision",
        subject="Nieuw",
        body="x",
        created_at=now - datetime.timedelta(days=364),
    )
    stale = UserFactory(email="nooit.bevestigd@example.org")
    EmailAddress.objects.filter(user=stale).update(verified=False)
    User.objects.filter(pk=stale.pk).update(date_joined=now - datetime.timedelta(days=31))
    fresh = UserFactory(email="net.aangemeld@example.org")
    EmailAddress.objects.filter(user=fresh).update(verified=False)
    User.objects.filter(pk=fresh.pk).update(date_joined=now - datetime.timedelta(days=29))
    confirmed = UserFactory(email="wel.bevestigd@example.org")
    User.objects.filter(pk=confirmed.pk).update(date_joined=now - datetime.timedelta(days=400))
    # Made by a command or by staff (no allauth address row): not a stale sign-up.
    made_by_command = UserFactory(email="door.beheer@example.org")
    EmailAddress.objects.filter(user=made_by_command).delete()
    User.objects.filter(pk=made_by_command.pk).update(
        date_joined=now - datetime.timedelta(days=400)
    )
    return {
        "made_by_command": made_by_command,
        "old_round": old_round,
        "new_round": new_round,
        "old_note": old_note,
        "new_note": new_note,
        "stale": stale,
        "fresh": fresh,
        "confirmed": confirmed,
    }


def test_retention_anonymises_only_what_is_past_its_period(old_and_new, person):
    ballots_before = sorted(Ballot.objects.values_list("voter_key", "choices"))

    lines = retention_run()

    old = Participation.objects.get(round=old_and_new["old_round"])
    assert old.user is None
    assert not old.history.filter(user_id=person.pk).exists()
    assert not old.history.filter(history_user_id=person.pk).exists()
    assert Participation.objects.get(round=old_and_new["new_round"]).user == person
    assert sorted(Ballot.objects.values_list("voter_key", "choices")) == ballots_before
    assert not Notification.objects.filter(pk=old_and_new["old_note"].pk).exists()
    assert Notification.objects.filter(pk=old_and_new["new_note"].pk).exists()
    assert not User.objects.filter(pk=old_and_new["stale"].pk).exists()
    assert not User.history.filter(id=old_and_new["stale"].pk).exists()
    assert User.objects.filter(pk=old_and_new["fresh"].pk).exists()
    assert User.objects.filter(pk=old_and_new["confirmed"].pk).exists()
    assert User.objects.filter(pk=old_and_new["made_by_command"].pk).exists()
    assert "budget: voter registry: 1 participation(s) unlinked from their account" in lines
    assert "core: notifications: 1 deleted" in lines
    assert "core: unconfirmed accounts: 1 deleted" in lines


def test_retention_is_idempotent(old_and_new):
    retention_run()

    lines = retention_run()

    assert "budget: voter registry: 0 participation(s) unlinked from their account" in lines
    assert "core: notifications: 0 deleted" in lines
    assert "core: unconfirmed accounts: 0 deleted" in lines


def test_retention_dry_run_changes_nothing(old_and_new, person):
    out = StringIO()

    call_command("privacy_retention", "--dry-run", stdout=out)

    assert "Dry run" in out.getvalue()
    assert "voter registry: 1 participation(s)" in out.getvalue()
    assert Participation.objects.get(round=old_and_new["old_round"]).user == person
    assert Notification.objects.filter(pk=old_and_new["old_note"].pk).exists()
    assert User.objects.filter(pk=old_and_new["stale"].pk).exists()


def test_retention_removes_addresses_of_old_used_residency_codes(wijk, staff, settings):
    settings.WIJKPLEIN_RETENTION_DAYS = {**settings.WIJKPLEIN_RETENTION_DAYS, "letter_codes": 90}
    from tests.factories import ProfileFactory

    users = [UserFactory() for _ in range(3)]
    for number, user in enumerate(users, start=1):
        ProfileFactory(user=user, wijk=wijk, postcode="6441AB", house_number=str(number))
    _batch, letters = residency_code_batch_create(
        actor=staff,
        wijk=wijk,
        addresses=[
            LetterAddress(street="Kerkstraat", house_number=str(n), postcode="6441AB")
            for n in (1, 2, 3)
        ],
    )
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=91)):
        residency_code_redeem(user=users[0], code=letters[0][1])
    with time_machine.travel(now - datetime.timedelta(days=89)):
        residency_code_redeem(user=users[1], code=letters[1][1])

    call_command("privacy_retention", stdout=StringIO())

    old, recent, unused = (ResidencyCode.objects.get(house_number=n) for n in ("", "2", "3"))
    assert (old.street, old.postcode, old.used_by) == ("", "", None)
    assert not ResidencyCode.history.filter(id=old.pk).exclude(postcode="").exists()
    assert recent.street == "Kerkstraat" and recent.used_by == users[1]
    assert unused.street == "Kerkstraat"


def test_retention_runs_from_the_scheduler():
    scheduler = Path(__file__).resolve().parents[2] / "platform" / "scheduler.sh"

    assert re.search(r"^\s*python manage.py privacy_retention\b", scheduler.read_text(), re.M)


def test_core_does_not_import_the_apps_it_serves():
    """Apps register with core.privacy; core itself never imports them."""
    core = Path(__file__).resolve().parents[2] / "core"
    offenders = [
        path.name
        for path in core.rglob("*.py")
        if re.search(r"^\s*(from|import) (initiatives|budget|cms)\b", path.read_text(), re.M)
    ]
    assert offenders == []


def test_export_sections_come_from_every_app(person):
    data = user_data_export(user=person)

    assert {"initiatives", "review", "subsidies", "budget"} <= set(data)


# --- The e-mail outbox (database task queue) --------------------------------------------

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _outbox_to(address: str):
    return DBTaskResult.objects.filter(args_kwargs__kwargs__to__0=address)


def test_retention_clears_sent_emails_from_the_outbox(person, wijk, settings):
    """The outbox row of a ballot receipt holds the voter's address next to the receipt code."""
    settings.TASKS = DB_QUEUE
    settings.WIJKPLEIN_RETENTION_DAYS = {**settings.WIJKPLEIN_RETENTION_DAYS, "sent_emails": 7}
    budget_round = RoundFactory(wijk=wijk, phase="voting")
    project = ProjectFactory(round=budget_round)
    cast = budget_services.ballot_cast(
        actor=person, budget_round=budget_round, choices={project.pk: 1}
    )
    receipt_row = _outbox_to(EMAIL).get()
    assert cast.receipt in json.dumps(receipt_row.args_kwargs)
    now = timezone.now()
    receipt_row.status = TaskResultStatus.SUCCESSFUL
    receipt_row.finished_at = now - datetime.timedelta(days=8)
    receipt_row.save()
    queue_email(EmailMessage(subject="Recent", body="x", to=[OTHER_EMAIL]))
    _outbox_to(OTHER_EMAIL).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - datetime.timedelta(days=6)
    )
    queue_email(EmailMessage(subject="Not sent yet", body="x", to=["wacht@example.org"]))

    lines = retention_run()

    assert not _outbox_to(EMAIL).exists()
    assert _outbox_to(OTHER_EMAIL).exists()
    assert _outbox_to("wacht@example.org").exists()  # the worker still has to send it
    assert "core: sent e-mails: 1 deleted from the outbox" in lines


def test_deletion_clears_the_persons_emails_from_the_outbox(client, person, neighbour, settings):
    settings.TASKS = DB_QUEUE
    queue_email(EmailMessage(subject="Uw stem", body="Ontvangstcode", to=[EMAIL]))
    queue_email(EmailMessage(subject="Buur", body="x", to=[OTHER_EMAIL]))

    account_erase(actor=person, user=person)

    assert not _outbox_to(EMAIL).exists()
    assert _outbox_to(OTHER_EMAIL).exists()

"""Privacy (AVG): a resident downloads their own data, and nothing that links them to a vote."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget.models import Ballot
from core.privacy import user_data_export
from tests.core.privacy.support import (
    EMAIL,
    NAME,
    OTHER_EMAIL,
    OTHER_NAME,
    _download,
)
from tests.factories.subsidies import ApplicationFactory, SchemeFactory

pytestmark = pytest.mark.django_db


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
    from subsidies.models import Attachment

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


def test_export_sections_come_from_every_app(person):
    data = user_data_export(user=person)

    assert {"initiatives", "review", "subsidies", "budget"} <= set(data)

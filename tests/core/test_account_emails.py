"""The account e-mails are our own Dutch texts, and password reset reveals no accounts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.test_accounts import SIGNUP

pytestmark = pytest.mark.django_db


def _reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_looks_the_same_for_a_known_and_an_unknown_address(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    known = _reset(client, resident.email, django_capture_on_commit_callbacks)
    unknown = _reset(client, "niemand@example.org", django_capture_on_commit_callbacks)

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Only the mailbox learns the answer.
    assert [mail.to for mail in mailoutbox] == [[resident.email], ["niemand@example.org"]]
    assert "Kies een nieuw wachtwoord" in mailoutbox[0].subject
    assert "geen Wijkplein-account" in mailoutbox[1].subject
    assert "niemand@example.org" in mailoutbox[1].body


def test_the_password_reset_mail_is_our_dutch_text(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    _reset(client, resident.email, django_capture_on_commit_callbacks)

    mail = mailoutbox[0]
    assert mail.subject == "[Wijkplein] Kies een nieuw wachtwoord"
    assert mail.body.startswith("Beste bewoner,")
    assert "nieuw wachtwoord gevraagd voor uw Wijkplein-account" in mail.body
    assert "Met vriendelijke groet," in mail.body
    assert "Hallo van" not in mail.body
    assert "Hello" not in mail.body


def test_the_sign_up_confirmation_mail_is_our_dutch_text(
    client, wijk, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)

    mail = mailoutbox[-1]
    assert mail.subject == "[Wijkplein] Bevestig uw e-mailadres"
    assert mail.body.startswith("Beste bewoner,")
    assert "Open deze link om uw e-mailadres te bevestigen" in mail.body
    assert "Hallo van" not in mail.body
    assert "Thank you" not in mail.body


def test_after_sign_up_the_page_says_so_in_correct_dutch(client, wijk):
    response = client.post(reverse("account_signup"), SIGNUP, follow=True)

    content = response.content.decode()
    assert "Bevestigingsmail verzonden naar nieuw@example.org." in content
    assert "Bevestigings e-mail" not in content

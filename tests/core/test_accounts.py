"""Sign-up, e-mail verification, login and password reset, in Dutch."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from core.models import Profile, ResidencyStatus, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "nieuw@example.org",
    "display_name": "Anouk",
    "postcode": "6441 ab",
    "house_number": "7b",
    "birth_year": "1990",
    "declares_residency": "on",
    "password1": "een-lang-wachtwoord-42",
    "password2": "een-lang-wachtwoord-42",
}


def _link_in(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


def test_signup_creates_profile_in_the_wijk_and_sends_verification(
    client, wijk, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.org")
    profile = user.profile
    assert profile.wijk == wijk
    assert profile.postcode == "6441AB"
    assert profile.house_number == "7B"
    assert profile.birth_year == 1990
    assert profile.residency_status == ResidencyStatus.SELF_DECLARED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nieuw@example.org"]
    assert "Bevestig" in mailoutbox[0].subject
    assert not EmailAddress.objects.get(user=user).verified


def test_login_is_refused_until_the_email_is_verified_then_allowed(
    client, wijk, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "nieuw@example.org", "password": "een-lang-wachtwoord-42"},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirm_url = _link_in(mailoutbox[-1])
    page = client.get(confirm_url)
    assert page.status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nieuw@example.org").verified
    assert client.get(reverse("core:my_profile")).status_code == 200


def test_signup_with_a_taken_email_says_so_in_dutch_and_keeps_input(client, wijk):
    UserFactory(email="nieuw@example.org")

    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Er is al een gebruiker geregistreerd met dit e-mailadres" in content
    assert 'value="Anouk"' in content
    assert User.objects.filter(email="nieuw@example.org").count() == 1
    assert Profile.objects.count() == 0


def test_signup_with_an_unknown_postcode_is_refused_and_keeps_input(client, wijk):
    response = client.post(reverse("account_signup"), {**SIGNUP, "postcode": "1012AB"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Deze postcode hoort niet bij een wijk" in content
    assert 'value="1012AB"' in content
    assert 'value="nieuw@example.org"' in content
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_signup_with_a_malformed_postcode_is_refused(client, wijk):
    response = client.post(reverse("account_signup"), {**SIGNUP, "postcode": "ABCD12"})

    assert response.status_code == 200
    assert "Vul een Nederlandse postcode in" in response.content.decode()
    assert not User.objects.exists()


def test_login_with_email_and_password(client, resident):
    response = client.post(
        reverse("account_login"),
        {"login": resident.email, "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:my_profile")).status_code == 200


def test_login_with_a_wrong_password_shows_a_dutch_message(client, resident):
    response = client.post(reverse("account_login"), {"login": resident.email, "password": "fout"})
    assert response.status_code == 200
    assert "Het e-mailadres en/of het wachtwoord kloppen niet." in (response.content.decode())


def test_failed_logins_are_rate_limited(client, resident):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": resident.email, "password": "fout"})
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": "correct horse battery"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": resident.email})

    assert len(mailoutbox) == 1
    link = _link_in(mailoutbox[0])
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "nieuw-wachtwoord-2026", "password2": "nieuw-wachtwoord-2026"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password("nieuw-wachtwoord-2026")


def test_account_pages_use_the_site_layout_in_dutch(client):
    response = client.get(reverse("account_login"))
    content = response.content.decode()
    assert '<html lang="nl"' in content
    assert 'href="#main"' in content
    assert "Inloggen" in content or "Aanmelden" in content


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_address_residents_formally(client, url_name):
    """allauth's own Dutch says "je"; ours overrides it with "u", like every other page."""
    page = client.get(reverse(url_name)).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\b([Jj]e|[Jj]ouw|[Jj]ij)\b", text)
    assert re.search(r"\b([Uu]|[Uu]w)\b", text)

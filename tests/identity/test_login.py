"""DigiD and eHerkenning logins through allauth's real views, the broker's answers given."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from core.models import Profile, User
from identity.models import LoginRecord, Organisation, OrganisationMember
from identity.refusals import MESSAGES
from identity.selectors import ACTING_ORGANISATION_SESSION_KEY
from tests.factories import UserFactory, make_staff
from tests.identity.conftest import BASIS, BSN, OTHER_BSN, digid_claims, eherkenning_claims

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/3rdparty/signup/"


def dutch(code: str, broker: str = "DigiD") -> str:
    with translation.override("nl"):
        return str(MESSAGES[code]) % {"broker": broker}


def sign_up(client, **fields):
    data = {
        "email": "jansen@example.org",
        "display_name": "Jan",
        "postcode": "6441 AB",
        "house_number": "12",
        **fields,
    }
    return client.post(SIGNUP, data)


def assert_nothing_created():
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert not LoginRecord.objects.exists()
    assert not Organisation.objects.exists()


def assert_refused(response, code: str, broker: str = "DigiD"):
    assert response.status_code == 403
    content = response.content.decode()
    assert f'data-refusal="{code}"' in content
    assert dutch(code, broker) in content


def test_a_first_digid_login_asks_for_the_details_then_logs_in(broker, client, wijk):
    response = broker.log_in("digid", digid_claims())
    assert response.status_code == 302 and response["Location"] == SIGNUP
    assert not User.objects.exists()

    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="jansen@example.org")
    assert client.get("/mijn-gegevens/").wsgi_request.user == user
    assert Profile.objects.get(user=user).wijk == wijk
    record = LoginRecord.objects.get(user=user)
    assert (record.method, record.level_of_assurance) == ("digid", "midden")


def test_the_bsn_is_stored_nowhere(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    account = SocialAccount.objects.get()
    assert BSN not in account.uid and len(account.uid) == 64
    assert account.extra_data == {"method": "digid", "level": "midden"}
    out = StringIO()
    call_command("dumpdata", stdout=out)
    assert BSN not in out.getvalue()
    for session in Session.objects.all():
        assert BSN not in json.dumps(session.get_decoded(), default=str)


def test_the_same_bsn_finds_the_same_account(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    client.logout()
    response = broker.log_in("digid", digid_claims())
    assert response.status_code == 302 and response["Location"] != SIGNUP
    assert User.objects.count() == 1
    assert LoginRecord.objects.count() == 2
    assert client.get("/mijn-gegevens/").wsgi_request.user.email == "jansen@example.org"


def test_another_bsn_is_another_person(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    client.logout()
    response = broker.log_in("digid", digid_claims(bsn=OTHER_BSN))
    assert response["Location"] == SIGNUP


def test_a_level_of_assurance_too_low_is_refused(broker):
    assert_refused(broker.log_in("digid", digid_claims(loa=BASIS)), "loa_too_low")
    assert_nothing_created()


def test_an_unknown_level_of_assurance_is_refused(broker):
    assert_refused(broker.log_in("digid", digid_claims(loa="urn:made:up")), "loa_too_low")
    assert_nothing_created()


def test_no_bsn_or_a_malformed_one_is_refused(broker):
    assert_refused(broker.log_in("digid", digid_claims(bsn="123456789")), "no_bsn")
    assert_refused(broker.log_in("digid", {"sub": "x", "loa": "midden"}), "no_bsn")
    assert_nothing_created()


def test_cancelled_at_the_broker(broker):
    assert_refused(broker.log_in("digid", error="access_denied"), "cancelled")
    assert_nothing_created()


def test_refused_by_the_broker(broker):
    assert_refused(broker.log_in("digid", error="server_error"), "denied")
    assert_nothing_created()


def test_a_replayed_or_unknown_state_is_refused(broker, client, wijk):
    state = broker.start("digid")
    broker.callback("digid", state, digid_claims())
    assert_refused(broker.callback("digid", state, digid_claims()), "expired")
    assert_refused(broker.callback("digid", "made-up-state", digid_claims()), "expired")
    assert not SocialAccount.objects.exists()


def test_an_invalid_or_expired_answer_from_the_broker_is_refused(broker):
    broker.token_error = OAuth2Error("invalid_grant: code already used")
    assert_refused(broker.log_in("digid", digid_claims()), "failed")
    assert_nothing_created()


def test_a_bsn_of_another_account_cannot_be_linked(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    client.logout()
    other = UserFactory()
    client.force_login(other)
    response = broker.callback("digid", broker.start("digid", process="connect"), digid_claims())
    assert_refused(response, "bsn_other_account")
    assert not SocialAccount.objects.filter(user=other).exists()
    assert SocialAccount.objects.count() == 1


def test_an_account_with_a_digid_cannot_take_a_second_one(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    response = broker.callback(
        "digid", broker.start("digid", process="connect"), digid_claims(bsn=OTHER_BSN)
    )
    assert_refused(response, "account_has_other_digid")
    assert SocialAccount.objects.count() == 1


def test_eherkenning_acts_for_the_organisation(broker, client):
    response = broker.log_in("eherkenning", eherkenning_claims())
    assert response["Location"] == SIGNUP
    page = client.get(SIGNUP).content.decode()
    assert 'name="postcode"' not in page
    response = client.post(SIGNUP, {"email": "penning@example.org", "display_name": "Piet"})
    assert response.status_code == 302
    user = User.objects.get(email="penning@example.org")
    organisation = Organisation.objects.get(kvk_number="12345678")
    assert organisation.name == "Stichting Buurtkracht"
    assert OrganisationMember.objects.filter(organisation=organisation, user=user).exists()
    assert client.session[ACTING_ORGANISATION_SESSION_KEY] == organisation.pk
    record = LoginRecord.objects.get(user=user)
    assert (record.method, record.level_of_assurance, record.organisation) == (
        "eherkenning",
        "loa3",
        organisation,
    )
    assert organisation.history.count() == 1


def test_eherkenning_without_the_authorisation_is_refused(broker):
    response = broker.log_in("eherkenning", eherkenning_claims(services=["andere-dienst"]))
    assert_refused(response, "no_authorisation", "eHerkenning")
    assert_nothing_created()


def test_eherkenning_without_a_kvk_number_is_refused(broker):
    assert_refused(
        broker.log_in("eherkenning", eherkenning_claims(kvk="")), "no_kvk", "eHerkenning"
    )
    assert_nothing_created()


def test_eherkenning_below_its_level_is_refused(broker):
    response = broker.log_in(
        "eherkenning", eherkenning_claims(loa="urn:etoegang:core:assurance-class:loa2")
    )
    assert_refused(response, "loa_too_low", "eHerkenning")
    assert_nothing_created()


def test_the_login_page_offers_digid_and_eherkenning(brokers, client):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/accounts/oidc/digid/login/"' in page
    assert 'action="/accounts/oidc/eherkenning/login/"' in page
    with translation.override("nl"):
        label = translation.gettext("Log in with %(name)s") % {"name": "DigiD"}
    assert label in page
    assert 'name="password"' in page


def test_without_brokers_the_login_page_is_the_password_form(client):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in page
    assert 'name="password"' in page


@override_settings(PASSWORD_LOGIN_ENABLED=False)
def test_password_login_switched_off_refuses_residents_but_not_staff(brokers, client, wijk):
    resident = UserFactory()
    response = client.post(
        "/accounts/login/", {"login": resident.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    staff = make_staff()
    client.post("/accounts/login/", {"login": staff.email, "password": "correct horse battery"})
    assert client.session.get("_auth_user_id") == str(staff.pk)


@override_settings(PASSWORD_LOGIN_ENABLED=False)
def test_password_signup_switched_off_but_digid_signup_open(broker, client, wijk):
    response = client.get("/accounts/signup/")
    assert 'name="password1"' not in response.content.decode()
    broker.log_in("digid", digid_claims())
    assert sign_up(client).status_code == 302
    assert User.objects.count() == 1


def test_every_refusal_has_its_dutch_text():
    strings = json.loads(Path("locale/nl/strings/identity.json").read_text(encoding="utf-8"))
    with translation.override("en"):
        msgids = [str(message) for message in MESSAGES.values()]
    assert all(msgid in strings for msgid in msgids)

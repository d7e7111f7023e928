"""A DigiD resident's export says how they logged in; deleting the account unlinks DigiD."""

from __future__ import annotations

import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.serializers.json import DjangoJSONEncoder

from core.models import User
from core.privacy import account_erase, user_data_export
from identity.models import LoginRecord
from tests.identity.conftest import BSN, digid_claims
from tests.identity.test_login import SIGNUP, sign_up

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_logins_without_the_bsn_or_its_hash(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    user = User.objects.get()
    exported = json.dumps(user_data_export(user=user), cls=DjangoJSONEncoder)
    section = user_data_export(user=user)["identity"]
    assert section["linked_logins"] == ["digid"]
    assert section["logins"][0]["level_of_assurance"] == "midden"
    assert BSN not in exported
    assert SocialAccount.objects.get().uid not in exported


def test_a_deleted_account_no_longer_answers_to_the_digid(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client)
    user = User.objects.get()
    account_erase(actor=user, user=user)
    assert not SocialAccount.objects.exists()
    assert not LoginRecord.objects.exists()
    client.logout()
    response = broker.log_in("digid", digid_claims())
    assert response["Location"] == SIGNUP

"""The BRP lookup (Haal Centraal BRP Personen) against a small HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from core.models import Profile, ResidencyStatus
from identity import brp
from identity.services import DIGID_BRP
from tests.identity.conftest import BSN, digid_claims
from tests.identity.test_login import SIGNUP, sign_up

API_KEY = "brp-test-key"
ADDRESSES = {BSN: {"postcode": "6441AB", "huisnummer": 7, "huisletter": "a"}}


class FakeBrp(BaseHTTPRequestHandler):
    """Answers POST /personen as the Haal Centraal BRP Personen API does (a stand-in)."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeBrp.requests.append({"path": self.path, "key": self.headers["X-API-KEY"], **body})
        if self.headers["X-API-KEY"] != API_KEY:
            self.send_response(401)
            self.end_headers()
            return
        people = [
            {"verblijfplaats": {"verblijfadres": ADDRESSES[number]}}
            for number in body["burgerservicenummer"]
            if number in ADDRESSES
        ]
        payload = json.dumps({"type": "RaadpleegMetBurgerservicenummer", "personen": people})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def brp_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBrp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeBrp.requests = []
    url = f"http://127.0.0.1:{server.server_address[1]}/haalcentraal/api/brp"
    try:
        with override_settings(BRP_ENABLED=True, BRP_API_URL=url, BRP_API_KEY=API_KEY):
            yield url
    finally:
        server.shutdown()
        server.server_close()


def test_the_address_comes_from_the_brp(brp_server):
    address = brp.address_for_bsn(bsn=BSN)
    assert address == brp.BrpAddress(postcode="6441AB", house_number="7a")
    request = FakeBrp.requests[0]
    assert request["path"] == "/haalcentraal/api/brp/personen"
    assert request["type"] == "RaadpleegMetBurgerservicenummer"
    assert request["key"] == API_KEY


def test_an_unknown_person_or_a_refused_key_gives_no_address(brp_server):
    assert brp.address_for_bsn(bsn="999991772") is None
    with override_settings(BRP_API_KEY="wrong"):
        assert brp.address_for_bsn(bsn=BSN) is None


def test_an_unreachable_brp_gives_no_address():
    with override_settings(BRP_ENABLED=True, BRP_API_URL="http://127.0.0.1:9", BRP_API_KEY="x"):
        assert brp.address_for_bsn(bsn=BSN) is None


@pytest.mark.django_db
def test_without_the_brp_setting_a_digid_signup_keeps_the_address_given(broker, client, wijk):
    broker.log_in("digid", digid_claims())
    sign_up(client, postcode="6441 CD", house_number="3", declares_residency="on")
    profile = Profile.objects.get()
    assert (profile.postcode, profile.house_number) == ("6441CD", "3")
    assert profile.residency_status == ResidencyStatus.SELF_DECLARED


@pytest.mark.django_db
def test_with_the_brp_a_digid_signup_is_verified_at_the_brp_address(
    brp_server, broker, client, wijk
):
    broker.log_in("digid", digid_claims())
    page = client.get(SIGNUP).content.decode()
    assert 'value="6441AB"' in page
    # The fixed fields are disabled: what the form posts for them is ignored.
    sign_up(client, postcode="9733 AA", house_number="99")
    profile = Profile.objects.get()
    assert (profile.postcode, profile.house_number, profile.wijk) == ("6441AB", "7A", wijk)
    assert profile.residency_status == ResidencyStatus.VERIFIED
    assert profile.verification_method == DIGID_BRP


@pytest.mark.django_db
def test_with_the_brp_a_later_digid_login_verifies_an_existing_resident(
    brp_server, broker, client, wijk
):
    with override_settings(BRP_ENABLED=False):
        broker.log_in("digid", digid_claims())
        sign_up(client, postcode="6441 CD", house_number="3")
    client.logout()
    assert Profile.objects.get().residency_status != ResidencyStatus.VERIFIED
    broker.log_in("digid", digid_claims())
    profile = Profile.objects.get()
    assert (profile.postcode, profile.house_number) == ("6441AB", "7A")
    assert profile.verification_method == DIGID_BRP
    assert profile.history.first().history_change_reason

"""The demo serves its three municipalities on three host names, each with its own page tree."""

from __future__ import annotations

import pytest

from cms.demo import load_demo
from core.models import Municipality

pytestmark = pytest.mark.django_db

HOSTS = {
    "brunssum.localhost": ("Gemeente Brunssum", "/brunssum-noord/"),
    "groningen.localhost": ("Gemeente Groningen", "/beijum/"),
    "leeuwarden.localhost": ("Gemeente Leeuwarden", "/bilgaard/"),
}


@pytest.fixture
def demo(settings):
    settings.ALLOWED_HOSTS = [*HOSTS, "127.0.0.1"]
    load_demo()
    load_demo()  # idempotent: a second run changes nothing it made


def test_each_host_shows_its_municipality_and_its_own_wijk(client, demo):
    for host, (name, wijk_path) in HOSTS.items():
        home = client.get("/", HTTP_HOST=host).content.decode()
        header = home.split('<header class="site-header">')[1].split("</header>")[0]
        assert name in header
        others = [other for other, _path in HOSTS.values() if other != name]
        assert not any(other in home for other in others)
        assert client.get(wijk_path, HTTP_HOST=host).status_code == 200
        assert client.get("/privacyverklaring/", HTTP_HOST=host).status_code == 200
    # A wijk page belongs to its municipality's tree only.
    assert client.get("/beijum/", HTTP_HOST="brunssum.localhost").status_code == 404


def test_the_default_address_is_brunssum(client, demo):
    home = client.get("/", HTTP_HOST="127.0.0.1").content.decode()

    assert "Gemeente Brunssum" in home
    assert sorted(Municipality.objects.values_list("slug", "wijken__slug")) == [
        ("brunssum", "brunssum-noord"),
        ("groningen", "beijum"),
        ("leeuwarden", "bilgaard"),
    ]

"""The accessibility and privacy statements exist on a fresh install (cms migration 0009),
so the footer's links to them never answer 404."""

from __future__ import annotations

import pytest

from cms.models import StandardPage

pytestmark = pytest.mark.django_db

STATEMENTS = {
    "/toegankelijkheidsverklaring/": "Toegankelijkheidsverklaring",
    "/privacyverklaring/": "Privacyverklaring",
}


def test_the_footer_links_to_both_statements_and_each_answers_on_a_fresh_database(client):
    home = client.get("/")
    assert home.status_code == 200
    footer = home.content.decode().split('<footer class="site-footer">')[1]

    for path, title in STATEMENTS.items():
        assert f'href="{path}"' in footer
        response = client.get(path)
        assert response.status_code == 200
        assert "<h1" in response.content.decode() and title in response.content.decode()


def test_the_statements_are_pages_editors_can_change():
    for path, title in STATEMENTS.items():
        page = StandardPage.objects.get(slug=path.strip("/"))
        assert page.title == title and page.live
        assert page.body[0].block_type == "paragraph"
        assert "gemeente" in page.body[0].value.source

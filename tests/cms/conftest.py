"""Fixtures for the cms tests."""

from __future__ import annotations

import pytest

from cms.models import HomePage, WijkPage


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def wijk_page(home, wijk):
    """The published page of Brunssum-Noord."""
    page = WijkPage(
        title="Brunssum-Noord",
        slug="brunssum-noord",
        wijk=wijk,
        wijkbedrijf_name="Wijkbedrijf Noord",
        address="Akerstraat 112\n6441 AN Brunssum",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page

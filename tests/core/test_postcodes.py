"""Which wijk a postcode belongs to."""

import pytest

from core.selectors import wijk_for_postcode
from tests.factories import WijkFactory, WijkPostcodeFactory

pytestmark = pytest.mark.django_db


def test_a_full_postcode_falls_in_its_four_digit_area(wijk):
    assert wijk_for_postcode(postcode="6441AB") == wijk
    assert wijk_for_postcode(postcode="6441 zz") == wijk


def test_a_six_character_exception_wins_over_the_area(wijk):
    neighbour = WijkFactory(name="Brunssum-Zuid", slug="brunssum-zuid")
    WijkPostcodeFactory(wijk=neighbour, code="6443")

    assert wijk_for_postcode(postcode="6443AB") == wijk
    assert wijk_for_postcode(postcode="6443AC") == neighbour


def test_an_unknown_or_incomplete_postcode_has_no_wijk(wijk):
    assert wijk_for_postcode(postcode="1012AB") is None
    assert wijk_for_postcode(postcode="6441") is None
    assert wijk_for_postcode(postcode="") is None

"""Residency letters: the printed letter (site address, QR code, municipality, tagged PDF), and a
resident who signed up asking for one from their profile (core/letters.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core import letters
from core.models import ResidencyLetterRequest, WijkCoordinator
from tests.factories import ProfileFactory, VerifiedProfileFactory
from tests.plumbing.test_pdf import _compact, _text, assert_accessible_pdf

pytestmark = pytest.mark.django_db

SITE = "https://wijkplein.brunssum.nl"


@pytest.fixture
def unverified(wijk):
    return ProfileFactory(wijk=wijk, postcode="6441AB", house_number="12").user


@pytest.fixture
def municipality(wijk):
    """Gemeente Brunssum, the municipality of `wijk`."""
    return wijk.municipality


@override_settings(SITE_URL=SITE)
def test_the_downloaded_letters_are_tagged_and_name_the_site_and_the_municipality(
    staff_client, wijk, municipality
):
    response = staff_client.post(
        reverse("core:staff_code_batches"),
        {"wijk": wijk.pk, "addresses": "Akerstraat 12, 6441 AB"},
    )

    assert response["Content-Type"] == "application/pdf"
    reader = assert_accessible_pdf(response.content, title="bewonerscode")
    text = _text(reader)
    assert f"{SITE}/mijn-gegevens/briefcode/" in _compact(text)
    assert "Gemeente Brunssum – wijk Brunssum-Noord" in text
    assert "Met vriendelijke groet, Gemeente Brunssum" in text


def test_the_qr_code_opens_the_code_page_with_the_code_filled_in(client, unverified):
    client.force_login(unverified)

    response = client.get(reverse("core:residency_code") + "?code=ABCD-EFGH-JKMN")

    assert response.status_code == 200
    assert 'value="ABCD-EFGH-JKMN"' in response.content.decode()


def test_a_resident_who_signed_up_asks_for_a_letter_once(client, unverified):
    client.force_login(unverified)
    url = reverse("core:residency_letter_request")

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    assert ResidencyLetterRequest.objects.filter(profile=unverified.profile).count() == 1
    assert "De gemeente stuurt een brief met een code naar uw adres." in first.content.decode()
    assert "U heeft al een brief aangevraagd op" in second.content.decode()
    # The profile page says the letter is on its way instead of offering the button again.
    page = client.get(reverse("core:my_profile")).content.decode()
    assert "U heeft op" in page and url not in page
    request = ResidencyLetterRequest.objects.get()
    assert request.history.first().history_user == unverified


def test_the_profile_offers_the_letter_to_an_unverified_resident(client, unverified):
    client.force_login(unverified)

    page = client.get(reverse("core:my_profile")).content.decode()

    assert reverse("core:residency_letter_request") in page


def test_a_verified_resident_or_one_outside_the_wijken_gets_no_letter(wijk):
    verified = VerifiedProfileFactory(wijk=wijk).user
    outside = ProfileFactory(wijk=None, postcode="9999ZZ").user

    with pytest.raises(ValidationError, match="al geverifieerd"):
        letters.residency_letter_request(actor=verified)
    with pytest.raises(ValidationError, match="niet in een wijk"):
        letters.residency_letter_request(actor=outside)
    assert not ResidencyLetterRequest.objects.exists()


def test_asking_needs_a_login_and_a_post(client):
    url = reverse("core:residency_letter_request")

    assert client.post(url).status_code == 302
    assert reverse("account_login") in client.post(url)["Location"]


def test_staff_see_the_requests_and_printing_the_address_closes_them(
    staff_client, staff, wijk, unverified
):
    letters.residency_letter_request(actor=unverified)
    other = ProfileFactory(wijk=wijk, postcode="6441AB", house_number="30").user
    letters.residency_letter_request(actor=other)

    home = staff_client.get(reverse("core:staff_home")).content.decode()
    assert "2 bewoners hebben een brief aangevraagd" in home
    page = staff_client.get(reverse("core:staff_code_batches")).content.decode()
    assert unverified.profile.display_name in page
    assert "6441 AB 12" in page

    staff_client.post(
        reverse("core:staff_code_batches"),
        {"wijk": wijk.pk, "addresses": "Akerstraat 12, 6441 AB"},
    )

    printed = ResidencyLetterRequest.objects.get(profile=unverified.profile)
    assert printed.handled_at is not None and printed.handled_by == staff
    assert printed.batch is not None
    waiting = ResidencyLetterRequest.objects.get(profile=other.profile)
    assert waiting.handled_at is None


def test_staff_close_a_request_handled_at_the_desk(staff_client, unverified):
    request = letters.residency_letter_request(actor=unverified)

    response = staff_client.post(
        reverse("core:staff_letter_request_close", kwargs={"pk": request.pk}),
        {"reason": "Geverifieerd aan de balie"},
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.handled_at is not None
    assert "Geverifieerd aan de balie" in request.history.first().history_change_reason


def test_residents_cannot_see_or_close_requests(client, unverified, resident):
    request = letters.residency_letter_request(actor=unverified)
    client.force_login(resident)

    assert client.get(reverse("core:staff_code_batches")).status_code == 403
    url = reverse("core:staff_letter_request_close", kwargs={"pk": request.pk})
    assert client.post(url, {"reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        letters.residency_letter_request_close(actor=resident, letter_request=request, reason="x")


def test_staff_keep_the_letter_details_of_their_municipality_in_the_cms_and_residents_cannot(
    staff, staff_client, client, resident, municipality
):
    # The coordinators of its wijken keep its letter details, as they kept the letter settings.
    WijkCoordinator.objects.get_or_create(wijk=municipality.wijken.get(), user=staff)
    url = reverse("municipalities:edit", args=[municipality.pk])

    page = staff_client.get(url)
    assert page.status_code == 200
    response = staff_client.post(
        url,
        {
            "name": "Gemeente Brunssum",
            "signatory_name": "J. Jansen",
            "signatory_role": "teamleider Wijken",
            "objection_address": "Postbus 250\n6440 AG Brunssum",
            "objection_email": "bezwaar@brunssum.nl",
        },
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    details = letters.letter_details(municipality=municipality)
    assert details.municipality == "Gemeente Brunssum"
    assert details.municipality_in_text == "de gemeente Brunssum"
    assert details.objection_email == "bezwaar@brunssum.nl"
    assert municipality.history.first().history_user == staff

    client.force_login(resident)
    assert client.get(url).status_code in (302, 403)


def test_a_resident_verified_meanwhile_drops_off_the_staff_list(staff, unverified):
    letters.residency_letter_request(actor=unverified)
    assert list(letters.letter_requests_for_staff())

    unverified.profile.residency_status = "verified"
    unverified.profile.verified_at = timezone.now()
    unverified.profile.save()

    assert not list(letters.letter_requests_for_staff())

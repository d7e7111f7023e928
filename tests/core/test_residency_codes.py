"""Letter codes for residency: one use, hashed, bound to an address, rate limited, in a PDF."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from core import services
from core.models import ResidencyCode, ResidencyStatus
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _batch(staff, wijk, lines="Akerstraat 12, 6441 AB\nAkerstraat 14, 6441AB"):
    addresses = services.parse_address_lines(text=lines, wijk=wijk)
    return services.residency_code_batch_create(actor=staff, wijk=wijk, addresses=addresses)


@pytest.fixture
def unverified(wijk):
    return ProfileFactory(wijk=wijk, postcode="6441AB", house_number="12").user


def test_codes_are_stored_only_as_salted_hashes(staff, wijk):
    batch, letters = _batch(staff, wijk)

    assert len(letters) == 2
    rows = list(ResidencyCode.objects.filter(batch=batch))
    assert {row.salt for row in rows}.__len__() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_residencycode")
        dump = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM core_historicalresidencycode")
        dump += repr(cursor.fetchall())
    for _address, code in letters:
        plain = code.replace("-", "")
        assert plain not in dump
        assert plain[4:] not in dump


def test_a_valid_code_verifies_the_resident_once(staff, wijk, unverified):
    _batch_obj, letters = _batch(staff, wijk)
    code = letters[0][1]

    profile = services.residency_code_redeem(user=unverified, code=code.lower())

    assert profile.residency_status == ResidencyStatus.VERIFIED
    assert profile.verification_method == "letter_code"
    with pytest.raises(ValidationError, match="al gebruikt|already been used"):
        services.residency_code_redeem(user=unverified, code=code)


def test_a_code_for_another_address_is_refused(staff, wijk, unverified):
    _batch_obj, letters = _batch(staff, wijk)
    code_for_14 = letters[1][1]

    with pytest.raises(ValidationError):
        services.residency_code_redeem(user=unverified, code=code_for_14)
    unverified.profile.refresh_from_db()
    assert unverified.profile.residency_status == ResidencyStatus.UNVERIFIED
    assert ResidencyCode.objects.filter(used_at__isnull=False).count() == 0


def test_a_voided_batch_no_longer_verifies(staff, wijk, unverified):
    batch, letters = _batch(staff, wijk)
    services.residency_code_batch_void(actor=staff, batch=batch, reason="Brieven kwijt")

    with pytest.raises(ValidationError):
        services.residency_code_redeem(user=unverified, code=letters[0][1])


def test_only_staff_generate_codes(resident, wijk):
    addresses = services.parse_address_lines(text="Akerstraat 12, 6441 AB", wijk=wijk)
    with pytest.raises(PermissionDenied):
        services.residency_code_batch_create(actor=resident, wijk=wijk, addresses=addresses)


def test_address_lines_outside_the_wijk_are_all_reported_and_nothing_is_made(
    staff, wijk, other_wijk
):
    with pytest.raises(ValidationError) as error:
        services.parse_address_lines(
            text="Akerstraat 12, 6441 AB\nBeijumerweg 1, 9733 AA\nzomaar wat", wijk=wijk
        )
    messages = error.value.message_dict["addresses"]
    assert len(messages) == 2
    assert ResidencyCode.objects.count() == 0


def test_the_download_is_a_pdf_with_every_code_and_address(staff_client, wijk):
    response = staff_client.post(
        reverse("core:staff_code_batches"),
        {"wijk": wijk.pk, "addresses": "Akerstraat 12, 6441 AB\nAkerstraat 14, 6441 AB"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Akerstraat 12" in text
    assert "Akerstraat 14" in text
    assert "6441 AB" in text
    codes = [
        line.strip()
        for line in text.splitlines()
        if line.count("-") == 2 and len(line.strip()) == 14
    ]
    assert len(codes) == 2
    assert ResidencyCode.objects.count() == 2


def test_the_letter_code_page_verifies_and_the_timeline_shows_it(client, staff, wijk, unverified):
    _batch_obj, letters = _batch(staff, wijk)
    client.force_login(unverified)

    response = client.post(reverse("core:residency_code"), {"code": letters[0][1]}, follow=True)

    content = response.content.decode()
    assert "Bedankt: uw adres is nu geverifieerd." in content
    assert "Geverifieerd met een briefcode" in content


def test_a_wrong_code_gets_a_dutch_message_and_keeps_the_input(client, unverified):
    client.force_login(unverified)

    response = client.post(reverse("core:residency_code"), {"code": "ABCD-EFGH-JKMN"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Deze code is niet geldig" in content
    assert 'value="ABCD-EFGH-JKMN"' in content


def test_code_entry_is_rate_limited_even_for_a_correct_code(client, staff, wijk, unverified):
    _batch_obj, letters = _batch(staff, wijk)
    client.force_login(unverified)
    for _attempt in range(5):
        client.post(reverse("core:residency_code"), {"code": "ABCD-EFGH-JKMN"})

    response = client.post(reverse("core:residency_code"), {"code": letters[0][1]})

    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    unverified.profile.refresh_from_db()
    assert unverified.profile.residency_status == ResidencyStatus.UNVERIFIED


def test_generating_codes_is_in_the_batch_history(staff, wijk):
    batch, _letters = _batch(staff, wijk)

    record = batch.history.first()
    assert record.history_user == staff
    assert "2" in record.history_change_reason

"""IBAN check (ISO 13616 mod 97), masking, and the markup check (CSV cells: tests/plumbing)."""

import pytest
from django.core.exceptions import ValidationError

from subsidies.validators import (
    iban_is_valid,
    mask_iban,
    normalize_iban,
    validate_no_markup,
)


@pytest.mark.parametrize(
    "iban",
    ["NL91ABNA0417164300", "nl91 abna 0417 1643 00", "BE68539007547034", "DE89370400440532013000"],
)
def test_valid_ibans_pass(iban):
    assert iban_is_valid(iban)


@pytest.mark.parametrize(
    "iban", ["NL91ABNA0417164301", "NL91ABNA041716430", "1234", "", "NL91ABNA04171643000"]
)
def test_wrong_ibans_fail(iban):
    assert not iban_is_valid(iban)


def test_an_iban_is_stored_normalised_and_shown_masked():
    assert normalize_iban("nl91 abna-0417 1643 00") == "NL91ABNA0417164300"
    assert mask_iban("NL91ABNA0417164300") == "NL** **** **** **43 00"


@pytest.mark.parametrize(
    "text", ["<b>vet</b>", "<script>x</script>", "< img src=x>", "javascript:alert(1)"]
)
def test_markup_is_refused(text):
    with pytest.raises(ValidationError):
        validate_no_markup(text)


@pytest.mark.parametrize("text", ["3 < 4 en 5 > 2", "Kosten: € 300,-", "a<3"])
def test_plain_text_with_angle_brackets_passes(text):
    validate_no_markup(text)

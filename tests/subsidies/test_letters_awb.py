"""Decision letters that stand up as Awb decisions: addressee, date and reference, grounds,
advice, amounts and payment terms, who signs, where and when to object; the settlement
decision (vaststellingsbeschikking) after the report; every letter a tagged PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from review.models import Advice
from subsidies import services
from subsidies.forms import ApplicationForm
from subsidies.letters import (
    addressee_errors,
    decision_letter_issue,
    decision_letter_reissue,
    letter_bytes,
    settlement_letter_issue,
)
from subsidies.models import DecisionLetter, LetterKind, Status
from tests.factories import MunicipalityFactory
from tests.plumbing.test_pdf import _text, assert_accessible_pdf
from tests.subsidies.conftest import bring_to, conclude_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(draft):
    """Gemeente Brunssum, the municipality of the application's wijk, with its letter details."""
    municipality = draft.wijk.municipality
    municipality.name = "Gemeente Brunssum"
    municipality.signatory_name = "drs. A. de Vries"
    municipality.signatory_role = "teamleider Wijken en Subsidies"
    municipality.objection_address = "Postbus 250\n6440 AG Brunssum"
    municipality.objection_email = "bezwaar@brunssum.nl"
    municipality.save()
    return municipality


@pytest.fixture
def addressed(draft):
    draft.applicant_name = "Stichting Buurtfeest Noord"
    draft.applicant_street = "Akerstraat"
    draft.applicant_house_number = "12a"
    draft.applicant_postcode = "6441AB"
    draft.applicant_town = "Brunssum"
    draft.save()
    return draft


def _letter_text(letter: DecisionLetter) -> str:
    pdf = letter_bytes(letter)
    return _text(assert_accessible_pdf(pdf, title=letter.application.reference))


def test_the_decision_letter_has_everything_an_awb_decision_needs(
    addressed, applicant, staff, panel_chair, municipality, committed
):
    application = bring_to(addressed, Status.IN_REVIEW, staff=staff, applicant=applicant)
    application = conclude_review(
        application, actor=panel_chair, advice=Advice.POSITIVE, text="Goed voor de buurt."
    )
    with committed():
        services.application_decide(
            actor=staff,
            application=application,
            action="grant",
            amount=None,
            grounds="Het feest past binnen de regeling.",
        )

    letter = DecisionLetter.objects.get(application=addressed)
    assert letter.kind == LetterKind.DECISION
    text = _letter_text(letter)
    addressed.refresh_from_db()
    # The addressee: legal name and full postal address.
    assert "Stichting Buurtfeest Noord" in text
    assert "Akerstraat 12a" in text and "6441 AB Brunssum" in text
    # Date and reference, the grounds and the panel's advice.
    assert f"Kenmerk {addressed.reference}" in text
    assert "Datum besluit" in text
    assert "Het feest past binnen de regeling." in text
    assert "Goed voor de buurt." in text
    # The amount and when it is paid.
    assert "wij verlenen u subsidie van € 500,00" in text
    assert "€ 400,00" in text and "binnen zes weken na de datum van deze beschikking" in text
    # Who signs, on whose behalf.
    assert "namens het college van burgemeester en wethouders van de gemeente Brunssum" in text
    assert "drs. A. de Vries" in text and "teamleider Wijken en Subsidies" in text
    # Where and within which term to object.
    assert "binnen zes weken" in text and "bezwaarschrift" in text
    assert "Postbus 250" in text and "6440 AG Brunssum" in text
    assert "bezwaar@brunssum.nl" in text


def test_without_an_address_in_the_application_the_profile_address_is_used(draft, applicant, staff):
    application = bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)

    text = _letter_text(decision_letter_issue(application=application, actor=staff))

    assert str(applicant) in text
    assert applicant.profile.address_label in text
    # Without a signing official, signed with the name of the wijk's municipality.
    assert "Gemeente Brunssum" in text


def test_the_decision_letter_of_a_wijk_in_another_municipality_is_that_municipalitys(
    draft, applicant, staff, municipality
):
    groningen = MunicipalityFactory(
        name="Gemeente Groningen",
        signatory_name="M. de Boer",
        signatory_role="gebiedsmanager Oost",
        objection_address="Postbus 30026\n9700 RM Groningen",
        objection_email="bezwaar@groningen.nl",
    )
    wijk = draft.wijk
    wijk.municipality = groningen
    wijk.save()
    application = bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)

    text = _letter_text(decision_letter_issue(application=application, actor=staff))

    assert "namens het college van burgemeester en wethouders van de gemeente Groningen" in text
    assert "M. de Boer" in text and "gebiedsmanager Oost" in text
    assert "Postbus 30026" in text and "9700 RM Groningen" in text
    assert "bezwaar@groningen.nl" in text
    assert "bezwaar@brunssum.nl" not in text and "de Vries" not in text


@pytest.mark.parametrize(
    ("final", "status", "expected"),
    [
        ("450.00", Status.SETTLED, "Wij betalen u € 50,00 binnen zes weken"),
        ("300.00", Status.RECLAIMED, "U betaalt € 100,00 terug binnen zes weken"),
        ("400.00", Status.SETTLED, "Er volgt geen betaling meer"),
    ],
)
def test_settling_issues_a_settlement_decision(
    addressed, applicant, staff, municipality, committed, final, status, expected
):
    application = bring_to(addressed, Status.REPORT_SUBMITTED, staff=staff, applicant=applicant)
    decision = decision_letter_issue(application=application, actor=staff)

    with committed():
        application = services.application_settle(
            actor=staff,
            application=application,
            final_amount=Decimal(final),
            note="Bonnen klopten.",
        )

    assert application.status == status
    letter = DecisionLetter.objects.get(application=addressed, kind=LetterKind.SETTLEMENT)
    text = _letter_text(letter)
    assert "Beschikking tot vaststelling van de subsidie" in text
    assert f"wij stellen de subsidie vast op € {final.replace('.', ',')}" in text
    assert expected in text
    assert "Bonnen klopten." in text
    assert "Stichting Buurtfeest Noord" in text
    assert "bezwaar@brunssum.nl" in text and "drs. A. de Vries" in text
    # The decision letter stays stored next to it; the settlement is the newest version.
    assert DecisionLetter.objects.filter(pk=decision.pk).exists()
    assert letter.version == decision.version + 1


def test_reclaiming_without_a_report_issues_a_settlement_of_nothing(
    addressed, applicant, staff, municipality, committed
):
    application = bring_to(addressed, Status.ADVANCE_PAID, staff=staff, applicant=applicant)

    with committed():
        services.application_reclaim(
            actor=staff, application=application, reason="Geen verantwoording ontvangen"
        )

    letter = DecisionLetter.objects.get(application=addressed, kind=LetterKind.SETTLEMENT)
    text = _letter_text(letter)
    assert "wij stellen de subsidie vast op € 0,00" in text
    assert "Zonder aanvaardbare verantwoording" in text
    assert "U betaalt € 400,00 terug" in text


def test_the_settlement_letter_is_stored_once_and_a_reissue_keeps_its_kind(
    addressed, applicant, staff
):
    application = bring_to(addressed, Status.REPORT_SUBMITTED, staff=staff, applicant=applicant)
    decision = decision_letter_issue(application=application, actor=staff)
    with pytest.raises(ValidationError):
        settlement_letter_issue(application=application, actor=staff)
    application = services.application_settle(
        actor=staff, application=application, final_amount=Decimal("450.00")
    )

    first = settlement_letter_issue(application=application, actor=staff)
    again = settlement_letter_issue(application=application, actor=staff)
    reissued = decision_letter_reissue(actor=staff, application=application, reason="Tikfout")

    assert first.pk == again.pk
    assert reissued.kind == LetterKind.SETTLEMENT
    assert reissued.version == first.version + 1
    assert first.version == decision.version + 1
    assert decision_letter_issue(application=application, actor=staff).pk == decision.pk


def test_the_application_form_asks_for_the_legal_name_and_full_address(draft):
    form = ApplicationForm(
        {
            "applicant_name": "Stichting Buurtfeest Noord",
            "applicant_street": "Akerstraat",
            "applicant_house_number": "12a",
            "applicant_postcode": "64 41",
            "applicant_town": "Brunssum",
        },
        instance=draft,
    )

    html = str(form)
    assert form.errors["applicant_postcode"]
    for name, autocomplete in [
        ("applicant_name", "name"),
        ("applicant_street", "address-line1"),
        ("applicant_postcode", "postal-code"),
        ("applicant_town", "address-level2"),
    ]:
        assert f'name="{name}"' in html
        assert f'autocomplete="{autocomplete}"' in html


def test_the_addressee_check_names_each_missing_part(addressed):
    assert addressee_errors(addressed) == {}
    addressed.applicant_town = ""
    addressed.applicant_name = " "
    assert set(addressee_errors(addressed)) == {"applicant_town", "applicant_name"}


def test_the_applicant_sees_to_whom_the_decision_letter_is_addressed(client, addressed, applicant):
    client.force_login(applicant)

    page = client.get(f"/subsidie/aanvraag/{addressed.pk}/").content.decode()

    assert "Beschikking gericht aan" in page
    assert "Stichting Buurtfeest Noord" in page and "Akerstraat 12a" in page

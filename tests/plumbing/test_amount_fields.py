"""Amounts are typed as each language writes them: "1.250" is twelve hundred and fifty in Dutch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from plumbing.forms_fields import AmountField, parse_amount
from subsidies.models import Application
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator


@pytest.mark.parametrize(
    ("typed", "dutch", "english"),
    [
        ("1.250", "1250", "1.25"),
        ("1.250,50", "1250.50", "1250.50"),
        ("1,250.50", "1250.50", "1250.50"),
        ("1.250.000", "1250000", "1250000"),
        ("250", "250", "250"),
        ("12,50", "12.50", "12.50"),
        # One dot followed by other than three digits is a decimal point (Django's #22171).
        ("1.25", "1.25", "1.25"),
        ("12.5", "12.5", "12.5"),
        ("€ 1.250,-", "1250", "1.25"),
        ("1 250,50", "1250.50", "1250.50"),
        ("1,250", "1.250", "1250"),
    ],
)
def test_an_amount_is_read_in_the_language_of_the_page(typed, dutch, english):
    with translation.override("nl"):
        assert parse_amount(typed) == Decimal(dutch)
    with translation.override("en"):
        assert parse_amount(typed) == Decimal(english)


@pytest.mark.parametrize("typed", ["twaalf", "1,2,3", "1.2.3", "12.34.56", "1,250,5", "-", "12€5"])
def test_an_unreadable_amount_is_refused_with_an_example_in_dutch(typed):
    field = AmountField()
    refusals = {}
    for language in ("nl", "en"):
        with translation.override(language), pytest.raises(ValidationError) as refusal:
            field.clean(typed)
        with translation.override(language):
            refusals[language] = refusal.value.messages

    assert refusals == {
        "nl": ["Vul een bedrag in euro in, zoals 1.250 of 1.250,50."],
        "en": ["Enter an amount in euros, such as 1,250 or 1,250.50."],
    }


def test_negative_amounts_and_fractions_of_cents_are_refused_in_plain_dutch():
    field = AmountField()
    with translation.override("nl"):
        for typed, message in [
            ("-5", "Een bedrag kan niet negatief zijn."),
            ("1.250,505", "Gebruik hoogstens 2 cijfers na de komma."),
            ("123.456.789.012", "Dit bedrag is te groot."),
        ]:
            with pytest.raises(ValidationError) as refusal:
                field.clean(typed)
            assert refusal.value.messages == [message]


def test_a_stored_amount_is_shown_as_the_language_writes_it_in_a_text_box():
    field = AmountField()
    with translation.override("nl"):
        html = field.widget.render("amount", Decimal("1250.50"))
        assert 'value="1.250,50"' in html
        assert 'type="text"' in html
        assert 'inputmode="decimal"' in html
        assert "step=" not in html
    with translation.override("en"):
        assert 'value="1,250.50"' in field.widget.render("amount", Decimal("1250.50"))


# --- On the pages ---------------------------------------------------------------------------


def _initiative_data(**changes):
    data = {
        "title": "Buurtbarbecue",
        "summary": "Een barbecue voor de hele straat.",
        "description": "Op het plein, met muziek.",
        "themes": ["ontmoeting"],
        "place": "Marktplein",
        "latitude": "",
        "longitude": "",
        "estimated_cost": "1.250",
        "needs_volunteers": "on",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_initiative_costing_1_250_is_stored_as_twelve_hundred_and_fifty(client, resident, wijk):
    client.force_login(resident)

    client.post(reverse("initiatives:create", kwargs={"slug": wijk.slug}), _initiative_data())

    assert Initiative.objects.get().estimated_cost == Decimal("1250")


@pytest.mark.django_db
def test_the_typed_amount_is_shown_again_as_typed_after_an_error(client, resident, wijk):
    client.force_login(resident)

    response = client.post(
        reverse("initiatives:create", kwargs={"slug": wijk.slug}),
        _initiative_data(themes=[], estimated_cost="1.250,50"),
    )

    content = response.content.decode()
    assert "Kies ten minste één thema." in content
    assert 'value="1.250,50"' in content
    assert not Initiative.objects.exists()


@pytest.mark.django_db
def test_an_unreadable_cost_is_explained_in_dutch_and_nothing_is_saved(client, resident, wijk):
    client.force_login(resident)

    response = client.post(
        reverse("initiatives:create", kwargs={"slug": wijk.slug}),
        _initiative_data(estimated_cost="twaalf"),
    )

    content = response.content.decode()
    assert "Vul een bedrag in euro in, zoals 1.250 of 1.250,50." in content
    assert 'value="twaalf"' in content
    assert not Initiative.objects.exists()


def _application_data(draft, **changes):
    data = {
        "purpose": draft.purpose,
        "requested_amount": "1.250,50",
        "other_funding": "",
        "other_funding_amount": "0",
        "starts_on": draft.starts_on.isoformat(),
        "ends_on": draft.ends_on.isoformat(),
        "expected_participants": "80",
        "account_holder": draft.account_holder,
        "iban": "NL91 ABNA 0417 1643 00",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Springkussen",
        "lines-0-category": "rent",
        "lines-0-amount": "1.000",
        "lines-1-description": "Boodschappen",
        "lines-1-category": "catering",
        "lines-1-amount": "250,50",
        "action": "save",
    }
    data.update(changes)
    return data


@pytest.fixture
def draft(wijk):
    applicant, initiative = make_initiator(wijk=wijk)
    scheme = SchemeFactory(wijk=wijk, max_amount=Decimal("2500"))
    return ApplicationFactory(scheme=scheme, initiative=initiative, created_by=applicant)


@pytest.mark.django_db
def test_a_subsidy_application_takes_dutch_amounts(client, draft):
    client.force_login(draft.created_by)
    url = reverse("subsidies:application_edit", args=[draft.pk])

    response = client.post(url, _application_data(draft))

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("1250.50")
    assert sorted(line.amount for line in draft.cost_lines.all()) == [
        Decimal("250.50"),
        Decimal("1000.00"),
    ]
    page = client.get(url).content.decode()
    assert 'value="1.250,50"' in page
    assert 'value="1.000,00"' in page
    assert 'inputmode="decimal"' in page
    assert 'type="number"' not in page.split('name="requested_amount"')[0][-200:]


@pytest.mark.django_db
def test_an_unreadable_line_amount_keeps_what_was_typed_and_saves_nothing(client, draft):
    client.force_login(draft.created_by)
    before = Application.history.filter(id=draft.pk).count()
    url = reverse("subsidies:application_edit", args=[draft.pk])

    response = client.post(url, _application_data(draft, **{"lines-1-amount": "1,2,3"}))

    content = response.content.decode()
    assert response.status_code == 400
    assert "Vul een bedrag in euro in, zoals 1.250 of 1.250,50." in content
    assert 'value="1,2,3"' in content
    assert 'value="1.250,50"' in content
    assert Application.history.filter(id=draft.pk).count() == before

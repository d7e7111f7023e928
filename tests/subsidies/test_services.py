"""Bad input is refused with a clear Dutch message, and nothing is saved half."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from review.models import Advice
from subsidies import services
from subsidies.models import Application, Status
from subsidies.selectors import application_timeline, scheme_committed
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator
from tests.subsidies.conftest import bring_to, conclude_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _data(draft, **changes) -> dict:
    data = {name: getattr(draft, name) for name in services.applications.APPLICATION_FIELDS}
    data.update(changes)
    return data


LINES = [services.LineInput("Springkussen", "rent", Decimal("2000.00"))]


def test_an_amount_over_the_maximum_is_refused_and_nothing_is_saved(draft, applicant):
    with pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=applicant,
            application=draft,
            data=_data(draft, requested_amount=Decimal("3000.00"), purpose="Nieuw plan"),
            lines=LINES,
        )
    assert "maximum van deze regeling is € 2.500,00" in _messages(caught.value)
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("500.00")
    assert draft.purpose != "Nieuw plan"
    assert draft.cost_lines.count() == 2


def test_asking_more_than_the_budget_needs_is_refused(draft, applicant):
    with pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=applicant,
            application=draft,
            data=_data(draft, requested_amount=Decimal("600.00")),
            lines=[services.LineInput("Springkussen", "rent", Decimal("600.00"))],
        )
    assert "vraag maximaal € 500,00" in _messages(caught.value)


def test_a_wrong_iban_is_refused(draft, applicant):
    with pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=applicant,
            application=draft,
            data=_data(draft, iban="NL91ABNA0417164301"),
            lines=LINES[:0],
        )
    assert "geen geldig IBAN" in _messages(caught.value)
    draft.refresh_from_db()
    assert draft.iban == "NL91ABNA0417164300"


def test_html_in_a_text_field_is_refused(draft, applicant):
    with pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=applicant,
            application=draft,
            data=_data(draft, purpose="<script>alert(1)</script>"),
            lines=[],
        )
    assert "HTML" in _messages(caught.value)
    draft.refresh_from_db()
    assert "script" not in draft.purpose


def test_a_draft_is_saved_with_normalised_iban_and_the_trail_masks_it(draft, applicant):
    services.application_update(
        actor=applicant,
        application=draft,
        data=_data(draft, iban="de89 3704 0044 0532 0130 00"),
        lines=[services.LineInput("Springkussen", "rent", Decimal("600.00"))],
    )

    draft.refresh_from_db()
    assert draft.iban == "DE89370400440532013000"
    text = " ".join(
        f"{e.reason} {e.subject} {e.changes}" for e in application_timeline(application=draft)
    )
    assert "DE89370400440532013000" not in text
    assert "**30 00" in text
    assert "Springkussen" in text


def test_a_closed_scheme_accepts_no_application(wijk, applicant):
    closed = SchemeFactory(
        wijk=wijk,
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        services.application_create(actor=applicant, initiative=applicant.initiative, scheme=closed)
    assert "gesloten" in _messages(caught.value)
    assert not Application.objects.exists()


def test_a_draft_cannot_be_submitted_once_the_scheme_closed(draft, applicant):
    draft.scheme.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    draft.scheme.opens_on = timezone.localdate() - datetime.timedelta(days=10)
    draft.scheme.save()

    with pytest.raises(ValidationError):
        services.application_submit(actor=applicant, application=draft)
    draft.refresh_from_db()
    assert draft.status == Status.CONCEPT


def test_an_empty_pot_accepts_no_application(wijk, applicant, staff):
    scheme = SchemeFactory(wijk=wijk, pot=Decimal("500.00"), max_amount=Decimal("500.00"))
    first = ApplicationFactory(scheme=scheme)
    user, _initiative = make_initiator(wijk=wijk, initiative=first.initiative)
    bring_to(first, Status.GRANTED, staff=staff, applicant=user)

    with pytest.raises(ValidationError) as caught:
        services.application_create(actor=applicant, initiative=applicant.initiative, scheme=scheme)
    assert "budget" in _messages(caught.value) or "pot" in _messages(caught.value)


def test_an_incomplete_draft_cannot_be_submitted(scheme, applicant):
    draft = services.application_create(
        actor=applicant, initiative=applicant.initiative, scheme=scheme
    )

    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=applicant, application=draft)
    assert set(caught.value.message_dict) >= {"purpose", "iban", "declaration", "lines"}
    draft.refresh_from_db()
    assert draft.status == Status.CONCEPT
    assert draft.reference is None


def test_someone_who_does_not_run_the_initiative_cannot_apply(scheme, resident, applicant):
    with pytest.raises(PermissionDenied):
        services.application_create(actor=resident, initiative=applicant.initiative, scheme=scheme)


def test_a_grant_over_the_pot_is_refused(wijk, staff):
    scheme = SchemeFactory(wijk=wijk, pot=Decimal("800.00"))
    first = ApplicationFactory(scheme=scheme)
    second = ApplicationFactory(scheme=scheme)
    for application in (first, second):
        user, _ = make_initiator(wijk=wijk, initiative=application.initiative)
        bring_to(application, Status.ADVISED, staff=staff, applicant=user)
    services.application_decide(
        actor=staff, application=first, action="grant", amount=None, grounds="Goed."
    )

    with pytest.raises(ValidationError) as caught:
        services.application_decide(
            actor=staff, application=second, action="grant", amount=None, grounds="Goed."
        )
    assert "€ 300,00" in _messages(caught.value)
    second.refresh_from_db()
    assert second.status == Status.ADVISED
    assert scheme_committed(scheme=scheme) == Decimal("500.00")


def test_granting_against_negative_advice_needs_reasons(draft, applicant, staff, panel_chair):
    application = bring_to(draft, Status.IN_REVIEW, staff=staff, applicant=applicant)
    application = conclude_review(application, actor=panel_chair, advice=Advice.NEGATIVE)

    with pytest.raises(ValidationError) as caught:
        services.application_decide(
            actor=staff, application=application, action="grant", amount=None, grounds="Goed."
        )
    assert "deviation_reasons" in caught.value.message_dict

    application = services.application_decide(
        actor=staff,
        application=application,
        action="grant",
        amount=None,
        grounds="Goed.",
        deviation_reasons="Het panel kende de nieuwe offerte nog niet.",
    )
    assert application.status == Status.GRANTED
    assert application.deviation_reasons.startswith("Het panel")


def test_rejecting_against_positive_advice_needs_reasons(draft, applicant, staff, panel_chair):
    application = bring_to(draft, Status.ADVISED, staff=staff, applicant=applicant)

    with pytest.raises(ValidationError) as caught:
        services.application_decide(
            actor=staff, application=application, action="reject", amount=None, grounds="Nee."
        )
    assert "deviation_reasons" in caught.value.message_dict


def test_a_decision_needs_grounds_and_a_valid_partial_amount(draft, applicant, staff):
    application = bring_to(draft, Status.ADVISED, staff=staff, applicant=applicant)

    with pytest.raises(ValidationError) as caught:
        services.application_decide(
            actor=staff,
            application=application,
            action="partly_grant",
            amount=Decimal("500.00"),
            grounds=" ",
        )
    assert set(caught.value.message_dict) == {"grounds", "amount"}


def test_the_final_amount_cannot_exceed_the_grant(draft, applicant, staff):
    application = bring_to(draft, Status.REPORT_SUBMITTED, staff=staff, applicant=applicant)

    with pytest.raises(ValidationError):
        services.application_settle(
            actor=staff, application=application, final_amount=Decimal("501.00")
        )


def test_the_report_needs_a_receipt_and_a_story(draft, applicant, staff):
    application = bring_to(draft, Status.ADVANCE_PAID, staff=staff, applicant=applicant)

    with pytest.raises(ValidationError) as caught:
        services.report_submit(actor=applicant, application=application)
    assert {"participants", "story", "lines", "receipt"} <= set(caught.value.message_dict)


def test_the_pot_cannot_drop_below_what_is_granted(draft, applicant, staff):
    bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)

    with pytest.raises(ValidationError) as caught:
        services.scheme_update(actor=staff, scheme=draft.scheme, data={"pot": Decimal("400.00")})
    assert "pot" in caught.value.message_dict


def test_only_staff_manage_schemes(wijk, resident, staff):
    data = {
        "wijk": wijk,
        "year": 2026,
        "name": "Regeling",
        "pot": Decimal("1000"),
        "min_amount": Decimal("0"),
        "max_amount": Decimal("500"),
        "opens_on": datetime.date(2026, 1, 1),
        "closes_on": datetime.date(2026, 12, 31),
    }
    with pytest.raises(PermissionDenied):
        services.scheme_create(actor=resident, data=data)
    scheme = services.scheme_create(actor=staff, data=data)
    assert scheme.decision_weeks == 8
    assert scheme.advance_percentage == 80
    assert scheme.history.first().history_user == staff


def test_the_applicants_legal_name_and_address_are_saved_for_the_decision_letter(draft, applicant):
    services.application_update(
        actor=applicant,
        application=draft,
        data=_data(
            draft,
            applicant_name="Stichting Buurtfeest Brunssum",
            applicant_street="Akerstraat",
            applicant_house_number="112",
            applicant_postcode="6441 AN",
            applicant_town="Brunssum",
        ),
        lines=LINES,
    )

    draft.refresh_from_db()
    assert draft.applicant_name == "Stichting Buurtfeest Brunssum"
    assert (draft.applicant_street, draft.applicant_house_number) == ("Akerstraat", "112")
    assert (draft.applicant_postcode, draft.applicant_town) == ("6441 AN", "Brunssum")


def test_an_initiative_that_is_still_a_draft_cannot_apply(scheme, applicant):
    initiative = applicant.initiative
    initiative.status = "concept"
    initiative.save()

    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        services.application_create(actor=applicant, initiative=initiative, scheme=scheme)

    assert "Het initiatief is nog een concept" in _messages(caught.value)
    assert not Application.objects.filter(initiative=initiative).exists()


def test_a_second_undecided_application_to_the_same_scheme_is_refused(draft, applicant):
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        services.application_create(
            actor=applicant, initiative=applicant.initiative, scheme=draft.scheme
        )

    assert "heeft al een aanvraag bij deze regeling" in _messages(caught.value)
    assert Application.objects.filter(initiative=applicant.initiative).count() == 1


def test_an_activity_that_ended_before_the_application_is_refused(draft, applicant):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=applicant,
            application=draft,
            data=_data(draft, starts_on=yesterday - datetime.timedelta(days=3), ends_on=yesterday),
            lines=LINES,
        )

    assert "De activiteit eindigde op" in _messages(caught.value)
    draft.refresh_from_db()
    assert draft.ends_on > timezone.localdate()

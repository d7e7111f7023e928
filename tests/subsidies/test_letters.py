"""The decision letter: its text, stored once with its SHA-256, e-mailed after the decision."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from review.models import Advice
from subsidies import services
from subsidies.letters import (
    decision_letter_issue,
    decision_letter_reissue,
    letter_bytes,
)
from subsidies.models import DecisionLetter, Status
from tests.subsidies.conftest import bring_to, conclude_review

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_letter_states_amount_grounds_advice_and_the_objection_clause(
    draft,
    applicant,
    staff,
    panel_chair,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    application = bring_to(draft, Status.IN_REVIEW, staff=staff, applicant=applicant)
    application = conclude_review(
        application, actor=panel_chair, advice=Advice.NEGATIVE, text="Te weinig draagvlak."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            actor=staff,
            application=application,
            action="partly_grant",
            amount=Decimal("350.00"),
            grounds="Alleen het springkussen past binnen de regeling.",
            conditions="Vermeld de gemeente op de flyer.",
            deviation_reasons="De buurtenquête toont wel draagvlak.",
        )

    draft.refresh_from_db()
    letter = DecisionLetter.objects.get(application=draft)
    pdf = letter_bytes(letter)
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    text = _text(pdf)
    assert draft.reference in text
    assert "€ 350,00" in text
    assert "gedeeltelijk subsidie" in text
    assert "Alleen het springkussen past binnen de regeling." in text
    assert "Vermeld de gemeente op de flyer." in text
    assert "negatief" in text and "Te weinig draagvlak." in text
    assert "De buurtenquête toont wel draagvlak." in text
    assert "binnen zes weken" in text and "bezwaar" in text
    assert "€ 280,00" in text  # 80 % advance
    assert "NL91ABNA0417164300" not in text and "**43 00" in text
    # The applicants hear of it, with a link to the page where the letter is.
    decided = [m for m in mailoutbox if "Besluit op uw subsidieaanvraag" in m.subject]
    assert len(decided) == 1
    assert f"/subsidie/aanvraag/{draft.pk}/" in decided[0].body


def test_a_rejection_letter_says_so(draft, applicant, staff, django_capture_on_commit_callbacks):
    application = bring_to(draft, Status.ADVISED, staff=staff, applicant=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            actor=staff,
            application=application,
            action="reject",
            amount=None,
            grounds="Het initiatief valt buiten de regeling.",
            deviation_reasons="Commercieel karakter.",
        )

    text = _text(letter_bytes(DecisionLetter.objects.get(application=draft)))
    assert "wij wijzen uw aanvraag af" in text
    assert "Het initiatief valt buiten de regeling." in text
    assert "binnen zes weken" in text


def test_the_letter_is_stored_once_and_not_regenerated(draft, applicant, staff):
    application = bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)

    first = decision_letter_issue(application=application, actor=staff)
    second = decision_letter_issue(application=application, actor=staff)

    assert first.pk == second.pk
    assert first.sha256 == second.sha256
    assert DecisionLetter.objects.filter(application=application).count() == 1


def test_a_reissue_is_explicit_keeps_the_old_letter_and_is_in_the_timeline(draft, applicant, staff):
    application = bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)
    decision_letter_issue(application=application, actor=staff)

    letter = decision_letter_reissue(
        actor=staff, application=application, reason="Tikfout in de naam"
    )

    assert letter.version == 2
    assert DecisionLetter.objects.filter(application=application).count() == 2
    assert "Tikfout in de naam" in letter.history.first().history_change_reason


def test_applicants_cannot_reissue(draft, applicant, staff):
    application = bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)
    with pytest.raises(PermissionDenied):
        decision_letter_reissue(actor=applicant, application=application, reason="x")

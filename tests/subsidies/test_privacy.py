"""Subsidy applications when the applicant deletes their account (see docs/privacy.md)."""

from __future__ import annotations

import pytest

from core.privacy import account_erase, user_data_export
from subsidies import services
from subsidies.models import Application
from tests.factories.subsidies import VALID_IBAN, ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_applicants_applications(draft, applicant):
    data = user_data_export(user=applicant)

    (row,) = data["subsidies"]["applications"]
    assert row["iban"] == VALID_IBAN and row["account_holder"] == "Stichting Buurtfeest"
    assert row["requested_amount"] == draft.requested_amount


def test_a_submitted_application_is_kept_whole_after_deletion(draft, applicant):
    services.application_submit(actor=applicant, application=draft)

    account_erase(actor=applicant, user=applicant)

    application = Application.objects.get(pk=draft.pk)
    assert application.iban == VALID_IBAN  # legal retention: the payment record
    assert application.reference and application.submitted_at
    assert str(application.created_by) == "voormalig bewoner"


def test_a_draft_loses_its_bank_details_also_in_history(scheme, applicant):
    draft = ApplicationFactory(scheme=scheme, initiative=applicant.initiative, created_by=applicant)
    draft.iban = "NL02ABNA0123456789"
    draft.save()

    account_erase(actor=applicant, user=applicant)

    draft.refresh_from_db()
    assert (draft.iban, draft.account_holder) == ("", "")
    assert draft.purpose  # the rest of the draft stays
    assert not Application.history.filter(id=draft.pk).exclude(iban="").exists()
    assert not Application.history.filter(id=draft.pk).exclude(account_holder="").exists()

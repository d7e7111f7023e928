"""Council staff manage subsidy schemes and follow applications in the Wagtail admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from subsidies import services
from subsidies.models import Scheme, Status
from tests.subsidies.conftest import bring_to

pytestmark = pytest.mark.django_db


def _scheme_data(wijk, **overrides):
    data = {
        "wijk": wijk.pk,
        "year": "2027",
        "name": "Stimuleringsregeling 2027",
        "pot": "20000",
        "min_amount": "100",
        "max_amount": "2500",
        "opens_on": "2027-01-01",
        "closes_on": "2027-12-31",
        "eligibility": "Voor bewonersinitiatieven in de wijk.",
        "decision_weeks": "8",
        "advice_required": "on",
        "review_due_days": "14",
        "advance_percentage": "80",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_staff_create_a_scheme_through_the_service(staff_client, staff, wijk):
    assert staff_client.get(reverse("subsidy_scheme:index")).status_code == 200

    response = staff_client.post(reverse("subsidy_scheme:add"), _scheme_data(wijk))

    assert response.status_code == 302, response.context["form"].errors
    scheme = Scheme.objects.get(name="Stimuleringsregeling 2027")
    record = scheme.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "Regeling aangemaakt"


def test_the_pot_cannot_drop_below_what_is_granted(staff_client, staff, scheme, draft, applicant):
    bring_to(draft, Status.GRANTED, staff=staff, applicant=applicant)
    granted = draft.__class__.objects.get(pk=draft.pk).granted_amount
    data = _scheme_data(
        scheme.wijk,
        year=str(scheme.year),
        name=scheme.name,
        opens_on=scheme.opens_on.isoformat(),
        closes_on=scheme.closes_on.isoformat(),
        pot=str(granted - Decimal("1")),
        min_amount=str(scheme.min_amount),
        max_amount=str(granted - Decimal("1")),
    )

    response = staff_client.post(reverse("subsidy_scheme:edit", args=[scheme.pk]), data)

    assert response.status_code == 200
    assert "het budget kan niet lager zijn" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.pot == Decimal("10000.00")


def test_staff_take_an_application_into_review_through_the_workflow(
    staff_client, staff, draft, applicant
):
    application = services.application_submit(actor=applicant, application=draft)
    inspect = staff_client.get(reverse("subsidy_application:inspect", args=[application.pk]))
    step_url = reverse("subsidy_application:step", args=[application.pk, "start_review"])
    assert step_url in inspect.content.decode()

    response = staff_client.post(step_url, {"reason": ""})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application.history.first().history_user == staff


def test_a_step_the_workflow_does_not_allow_changes_nothing(staff_client, draft, applicant):
    application = services.application_submit(actor=applicant, application=draft)

    response = staff_client.post(
        reverse("subsidy_application:step", args=[application.pk, "pay_advance"]), {}
    )

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_asking_for_information_needs_a_question(staff_client, draft, applicant):
    application = services.application_submit(actor=applicant, application=draft)
    url = reverse("subsidy_application:step", args=[application.pk, "request_info"])

    assert staff_client.post(url, {"reason": ""}).status_code == 200
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    assert staff_client.post(url, {"reason": "Graag een offerte."}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CONCEPT


def test_applications_have_no_free_status_field_in_the_admin(staff_client, draft):
    for name in ("add", "edit", "delete"):
        args = [] if name == "add" else [draft.pk]
        response = staff_client.get(reverse(f"subsidy_application:{name}", args=args))
        assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    "url_name", ["subsidy_scheme:index", "subsidy_scheme:add", "subsidy_application:index"]
)
def test_editors_and_applicants_do_not_get_in(client, editor, applicant, url_name):
    for user in (editor, applicant):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code in (302, 403)


def test_an_editor_cannot_take_a_step(client, editor, draft, applicant):
    application = services.application_submit(actor=applicant, application=draft)
    client.force_login(editor)

    response = client.post(
        reverse("subsidy_application:step", args=[application.pk, "start_review"]), {}
    )

    assert response.status_code in (302, 403)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_staff_open_the_scheme_and_application_pages(staff_client, scheme, draft, applicant):
    application = services.application_submit(actor=applicant, application=draft)
    for url in (
        reverse("subsidy_scheme:index"),
        reverse("subsidy_scheme:add"),
        reverse("subsidy_scheme:edit", args=[scheme.pk]),
        reverse("subsidy_scheme:inspect", args=[scheme.pk]),
        reverse("subsidy_application:index"),
        reverse("subsidy_application:inspect", args=[application.pk]),
    ):
        assert staff_client.get(url).status_code == 200, url
    listing = staff_client.get(reverse("subsidy_application:index")).content.decode()
    assert application.reference in listing

"""Subsidy decisions and published wijkbudget results prepare draft decision pages too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from budget import services as budget_services
from cms.models import DecisionPage
from subsidies.models import Status
from tests.budget.test_results import _after_close, counted_round  # noqa: F401 - fixture
from tests.factories import make_staff
from tests.factories.budget import publish_result
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator
from tests.subsidies.conftest import bring_to

pytestmark = pytest.mark.django_db


def test_a_subsidy_decision_prepares_a_draft_page_without_the_applicants_details(
    home, wijk, staff, django_capture_on_commit_callbacks
):
    applicant, initiative = make_initiator(wijk=wijk)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk, name="Stimuleringsregeling Brunssum-Noord"),
        initiative=initiative,
        created_by=applicant,
        applicant_name="Stichting Geheimhouding",
    )

    with django_capture_on_commit_callbacks(execute=True):
        bring_to(application, Status.GRANTED, staff=staff, applicant=applicant)

    page = DecisionPage.objects.get(kind="subsidy")
    assert not page.live
    assert page.title == f"{initiative.title}: Stimuleringsregeling Brunssum-Noord"
    assert page.summary == "Verleend: € 500,00"
    assert page.decided_url == reverse("initiatives:detail", kwargs={"pk": initiative.pk})
    assert "Geheimhouding" not in page.title + page.summary
    assert list(page.wijken.all()) == [wijk]


def test_publishing_a_result_prepares_a_draft_decision_page(
    home,
    staff,
    counted_round,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    budget_round, _projects = counted_round
    with _after_close(budget_round):
        budget_services.round_count(actor=staff, budget_round=budget_round)
        with django_capture_on_commit_callbacks(execute=True):
            publish_result(
                budget_round=budget_round,
                asked_by=staff,
                confirmed_by=make_staff(email="collega@example.org"),
            )

    page = DecisionPage.objects.get(kind="budget_result")
    assert not page.live
    assert page.title == budget_round.name
    assert page.decided_url == reverse("budget:result", args=[budget_round.pk])
    assert list(page.wijken.all()) == [budget_round.wijk]

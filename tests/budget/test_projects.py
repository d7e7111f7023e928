"""Project proposals: proposed by residents, reviewed by the wijkpanel, decided by staff."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budget import services
from budget.models import ProjectStatus
from initiatives.models import Initiative
from plumbing.workflow import TransitionNotAllowed
from review.models import ReviewStatus
from review.selectors import review_for
from review.services import review_proceed_without_advice
from tests.factories.budget import RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_round(wijk):
    return RoundFactory(wijk=wijk, phase="proposals", review_due_days=10)


def _propose(resident, proposal_round):
    return services.project_propose(
        actor=resident, budget_round=proposal_round, title="Jeu de boules", summary="Een baan"
    )


def test_proposal_review_and_decision(resident, staff, proposal_round):
    project = _propose(resident, proposal_round)
    assert project.status == ProjectStatus.SUBMITTED

    project = services.project_transition(actor=staff, project=project, action="send_to_review")
    review = review_for(subject=project)
    assert project.status == ProjectStatus.IN_REVIEW
    assert review.status == ReviewStatus.OPEN and review.wijk == proposal_round.wijk
    assert (review.due_date - review.opened_at.date()).days == 10

    with time_machine.travel(review.due_date + datetime.timedelta(days=1)):
        review_proceed_without_advice(actor=staff, review=review, reason="Geen quorum")
    project.refresh_from_db()
    assert project.status == ProjectStatus.REVIEWED

    with pytest.raises(ValidationError, match="reden|reason"):
        services.project_transition(
            actor=staff, project=project, action="mark_ineligible", reason=""
        )

    with pytest.raises(ValidationError, match="kostenraming|cost estimate"):
        services.project_transition(
            actor=staff, project=project, action="mark_eligible", reason="Haalbaar"
        )
    project = services.project_transition(
        actor=staff, project=project, action="mark_eligible", reason="Haalbaar", cost=Decimal(900)
    )
    assert project.status == ProjectStatus.ELIGIBLE and project.cost == Decimal(900)
    assert project.history.order_by("-history_id").first().history_change_reason == "Haalbaar"


def test_refused_steps(resident, other_resident, staff, proposal_round, wijk):
    project = _propose(resident, proposal_round)
    with pytest.raises(TransitionNotAllowed):
        services.project_transition(
            actor=staff, project=project, action="mark_eligible", reason="x", cost=Decimal(1)
        )
    with pytest.raises(PermissionDenied):
        services.project_transition(actor=resident, project=project, action="send_to_review")
    with pytest.raises(PermissionDenied):
        services.project_propose(
            actor=other_resident, budget_round=proposal_round, title="X", summary="Y"
        )
    voting = RoundFactory(wijk=wijk, phase="voting")
    with pytest.raises(PermissionDenied):
        services.project_propose(actor=resident, budget_round=voting, title="X", summary="Y")


def test_the_proposer_withdraws(resident, proposal_round):
    project = _propose(resident, proposal_round)
    project = services.project_transition(actor=resident, project=project, action="withdraw")
    assert project.status == ProjectStatus.WITHDRAWN


def test_putting_forward_an_existing_initiative(resident, proposal_round, other_wijk):
    mine = Initiative.objects.create(
        wijk=proposal_round.wijk,
        title="Buurtmoestuin",
        summary="s",
        description="d",
        status="published",
        created_by=resident,
    )
    elsewhere = Initiative.objects.create(
        wijk=other_wijk,
        title="Elders",
        summary="s",
        description="d",
        status="published",
        created_by=resident,
    )
    project = services.project_propose(
        actor=resident, budget_round=proposal_round, title="Moestuin", summary="s", initiative=mine
    )
    assert project.initiative == mine
    with pytest.raises(ValidationError):
        services.project_propose(
            actor=resident,
            budget_round=proposal_round,
            title="X",
            summary="s",
            initiative=elsewhere,
        )


def test_proposal_page_for_residents_only(client, resident, other_resident, proposal_round):
    url = reverse("budget:project_propose", args=[proposal_round.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_resident)
    assert client.get(url).status_code == 403
    client.force_login(resident)
    response = client.post(url, {"title": "", "summary": "Een baan"})
    assert response.status_code == 200
    assert "Een baan" in response.content.decode()  # what was typed stays
    response = client.post(url, {"title": "Jeu de boules", "summary": "Een baan"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Jeu de boules" in page and "Ingediend" in page


def test_a_project_in_review_cannot_be_withdrawn_or_rejected_so_no_review_is_left_open(
    resident, staff, proposal_round
):
    """Withdrawal is only possible before the panel is asked, a decision only after it."""
    project = _propose(resident, proposal_round)
    project = services.project_transition(actor=staff, project=project, action="send_to_review")

    for actor, action in ((resident, "withdraw"), (staff, "mark_ineligible")):
        with pytest.raises(TransitionNotAllowed):
            services.project_transition(actor=actor, project=project, action=action, reason="x")

    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_REVIEW
    assert review_for(subject=project).status == ReviewStatus.OPEN

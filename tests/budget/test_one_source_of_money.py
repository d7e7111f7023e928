"""One initiative, one source of money: a subsidy and a budget project fund it only with a reason.

Budget direction: a project whose initiative already has a granted subsidy goes on the ballot
only when staff state why. Subsidy direction: a subsidy for an initiative whose project a round
funds, or has on a ballot still to be counted, is granted only when staff state why. Either
refusal changes nothing; the reason is kept with the acting staff member in the history.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from budget import services as budget_services
from budget.forms import ProjectDecisionForm
from budget.models import Project, ProjectStatus, Result
from budget.services import rounds
from subsidies import services as subsidy_services
from subsidies.forms import DecisionForm
from subsidies.models import Application, Status
from subsidies.services import decisions
from subsidies.services.funding import other_funding
from tests.factories import make_staff
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, SubsidyInitiativeFactory

pytestmark = pytest.mark.django_db

WHY = "De subsidie betaalde het ontwerp; de wijk stemt over de aanleg."


@pytest.fixture
def initiative(wijk):
    return SubsidyInitiativeFactory(wijk=wijk, title="Speelplek Kloosterstraat")


@pytest.fixture
def granted(wijk, initiative, staff):
    """A subsidy granted for the initiative."""
    return ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk),
        initiative=initiative,
        status=Status.GRANTED,
        granted_amount=Decimal("500.00"),
        reference="SR-2026-0001",
        decided_at=timezone.now(),
        decided_by=staff,
    )


@pytest.fixture
def reviewed(wijk, initiative):
    """A project of the initiative, reviewed by the panel, waiting for staff's decision."""
    budget_round = RoundFactory(wijk=wijk, phase="review", name="Wijkbudget 2027")
    return ProjectFactory(
        round=budget_round,
        initiative=initiative,
        title="Speelplek",
        status=ProjectStatus.REVIEWED,
        cost=None,
    )


@pytest.fixture
def advised(wijk, initiative):
    """A subsidy application for the initiative, advised by the panel, waiting for a decision."""
    return ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk, name="Stimuleringsregeling 2027"),
        initiative=initiative,
        status=Status.ADVISED,
        reference="SR-2026-0002",
    )


def _admit(staff, project, **kwargs):
    return budget_services.project_transition(
        actor=staff,
        project=project,
        action="mark_eligible",
        reason="Haalbaar en binnen budget.",
        cost=Decimal("4000.00"),
        **kwargs,
    )


def _grant(staff, application, **kwargs):
    return subsidy_services.application_decide(
        actor=staff, application=application, action="grant", amount=None, grounds="Past.", **kwargs
    )


# Budget direction: the initiative already has a subsidy.


def test_a_subsidised_initiative_is_not_put_on_the_ballot_without_a_reason(
    staff, granted, reviewed
):
    with pytest.raises(ValidationError) as caught:
        _admit(staff, reviewed)

    assert "SR-2026-0001" in caught.value.message_dict["funding_overlap_reason"][0]
    reviewed.refresh_from_db()
    assert reviewed.status == ProjectStatus.REVIEWED  # nothing changed
    assert reviewed.cost is None and reviewed.funding_overlap_reason == ""
    assert reviewed.history.count() == 1  # only its creation


def test_the_refusal_is_in_dutch(staff, granted, reviewed):
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        _admit(staff, reviewed)
    message = caught.value.message_dict["funding_overlap_reason"][0]
    assert "één bron" in message and "SR-2026-0001" in message


def test_with_a_reason_it_goes_on_the_ballot_and_the_reason_is_kept_with_who_gave_it(
    staff, granted, reviewed
):
    project = _admit(staff, reviewed, funding_overlap_reason=f"  {WHY}  ")

    assert project.status == ProjectStatus.ELIGIBLE
    assert project.funding_overlap_reason == WHY
    latest = Project.history.filter(id=project.pk).latest("history_date")
    assert latest.history_user == staff
    assert latest.funding_overlap_reason == WHY
    assert WHY in latest.history_change_reason and "SR-2026-0001" in latest.history_change_reason


def test_without_a_granted_subsidy_no_reason_is_asked(staff, wijk, initiative, reviewed, advised):
    # An application still waiting for its decision, or a rejected one, is no source of money.
    ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk), initiative=initiative, status=Status.REJECTED
    )
    project = _admit(staff, reviewed)
    assert project.status == ProjectStatus.ELIGIBLE
    assert project.funding_overlap_reason == ""


def test_the_staff_decision_form_asks_the_reason_only_when_there_is_a_subsidy(
    staff, granted, reviewed, wijk
):
    assert "funding_overlap_reason" in ProjectDecisionForm(project=reviewed).fields
    other = ProjectFactory(round=reviewed.round, status=ProjectStatus.REVIEWED, cost=None)
    assert "funding_overlap_reason" not in ProjectDecisionForm(project=other).fields


def test_the_staff_project_page_refuses_then_admits_with_a_reason(staff_client, granted, reviewed):
    url = reverse("budget:staff_project", kwargs={"pk": reviewed.pk})
    page = staff_client.get(url)
    assert 'name="funding_overlap_reason"' in page.content.decode()

    data = {
        "form": "decision",
        "action": "mark_eligible",
        "cost": "4000",
        "reason": "Haalbaar en binnen budget.",
    }
    refused = staff_client.post(url, data)
    assert refused.status_code == 200
    assert "SR-2026-0001" in refused.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == ProjectStatus.REVIEWED

    admitted = staff_client.post(url, {**data, "funding_overlap_reason": WHY})
    assert admitted.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == ProjectStatus.ELIGIBLE
    assert reviewed.funding_overlap_reason == WHY


# Subsidy direction: a budget round funds the initiative, or has it on its ballot.


def test_a_subsidy_for_an_initiative_on_a_ballot_is_not_granted_without_a_reason(
    staff, wijk, initiative, advised
):
    ProjectFactory(
        round=RoundFactory(wijk=wijk, phase="voting", name="Wijkbudget 2027"),
        initiative=initiative,
        title="Speelplek",
    )

    with pytest.raises(ValidationError) as caught:
        _grant(staff, advised)

    message = caught.value.message_dict["funding_overlap_reason"][0]
    assert "Speelplek" in message and "Wijkbudget 2027" in message
    advised.refresh_from_db()
    assert advised.status == Status.ADVISED  # nothing changed
    assert advised.granted_amount is None and advised.decided_at is None


def test_with_a_reason_the_subsidy_is_granted_and_the_reason_kept_with_who_gave_it(
    staff, wijk, initiative, advised
):
    ProjectFactory(round=RoundFactory(wijk=wijk, phase="voting"), initiative=initiative)

    application = _grant(staff, advised, funding_overlap_reason=WHY)

    assert application.status == Status.GRANTED
    latest = Application.history.filter(id=application.pk).latest("history_date")
    assert latest.history_user == staff
    assert WHY in latest.history_change_reason


def test_rejecting_needs_no_reason(staff, wijk, initiative, advised):
    ProjectFactory(round=RoundFactory(wijk=wijk, phase="voting"), initiative=initiative)
    application = subsidy_services.application_decide(
        actor=staff, application=advised, action="reject", amount=None, grounds="Dubbel."
    )
    assert application.status == Status.REJECTED


def test_a_funded_project_counts_and_a_counted_but_unfunded_one_does_not(staff, wijk, initiative):
    budget_round = RoundFactory(wijk=wijk, phase="realisation", name="Wijkbudget 2026")
    project = ProjectFactory(round=budget_round, initiative=initiative, title="Speelplek")
    result = Result.objects.create(round=budget_round, rule="greedy", funded=[], counted_by=staff)
    assert other_funding(initiative=initiative) == []  # counted, not funded

    result.funded = [project.pk]
    result.save()
    with translation.override("en"):
        assert other_funding(initiative=initiative) == [
            "wijkbudget project “Speelplek” in Wijkbudget 2026 (funded)"
        ]


def test_a_proposal_still_in_review_is_no_source_of_money(wijk, initiative):
    ProjectFactory(
        round=RoundFactory(wijk=wijk, phase="review"),
        initiative=initiative,
        status=ProjectStatus.IN_REVIEW,
        cost=None,
    )
    assert other_funding(initiative=initiative) == []


def test_the_decision_form_asks_the_reason_only_when_a_round_funds_the_initiative(
    staff_client, wijk, initiative, advised
):
    url = reverse("subsidies:staff_decide", kwargs={"pk": advised.pk})
    assert 'name="funding_overlap_reason"' not in staff_client.get(url).content.decode()
    assert "funding_overlap_reason" not in DecisionForm().fields

    ProjectFactory(round=RoundFactory(wijk=wijk, phase="voting"), initiative=initiative)
    page = staff_client.get(url).content.decode()
    assert 'name="funding_overlap_reason"' in page

    refused = staff_client.post(url, {"decision": "grant", "grounds": "Past."})
    assert refused.status_code == 400
    advised.refresh_from_db()
    assert advised.status == Status.ADVISED

    granted = staff_client.post(
        url, {"decision": "grant", "grounds": "Past.", "funding_overlap_reason": WHY}
    )
    assert granted.status_code == 302
    advised.refresh_from_db()
    assert advised.status == Status.GRANTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_grant_and_a_ballot_admission_at_the_same_time_do_not_both_pass_without_a_reason(
    wijk, monkeypatch
):
    """Both lock the initiative's row before they look at the other source of money."""
    staff = make_staff(email="race-one-source@example.org")
    initiative = SubsidyInitiativeFactory(wijk=wijk)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk), initiative=initiative, status=Status.ADVISED
    )
    project = ProjectFactory(
        round=RoundFactory(wijk=wijk, phase="review"),
        initiative=initiative,
        status=ProjectStatus.REVIEWED,
        cost=None,
    )
    # The decision letter is not what this test is about.
    no_letter = SimpleNamespace(enqueue=lambda **kwargs: None)
    monkeypatch.setattr(decisions, "tasks", SimpleNamespace(issue_decision_letter=no_letter))

    # Each side looks, then dawdles before it writes: without the lock both would pass.
    def slowly(look):
        def looked(*args, **kwargs):
            seen = look(*args, **kwargs)
            time.sleep(0.5)
            return seen

        return looked

    monkeypatch.setattr(decisions, "other_funding", slowly(decisions.other_funding))
    monkeypatch.setattr(rounds, "subsidy_overlap", slowly(rounds.subsidy_overlap))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, step):
        try:
            barrier.wait()
            step()
            outcomes[name] = "done"
        except ValidationError as error:
            outcomes[name] = (
                "refused" if "funding_overlap_reason" in error.message_dict else str(error)
            )
        except BaseException as error:  # noqa: BLE001 - asserted below
            outcomes[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("grant", lambda: _grant(staff, application))),
        threading.Thread(target=run, args=("admit", lambda: _admit(staff, project))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["done", "refused"], outcomes
    application.refresh_from_db()
    project.refresh_from_db()
    assert (application.status == Status.GRANTED) != (project.status == ProjectStatus.ELIGIBLE)

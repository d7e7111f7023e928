"""Council staff manage wijkbudget rounds in the Wagtail admin, under the domain's rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget import services
from budget.models import Round
from tests.factories.budget import ProjectFactory, RoundFactory, phase_dates

pytestmark = pytest.mark.django_db

DATES = ("proposals_start", "review_start", "voting_start", "voting_end", "realisation_start")


@pytest.fixture
def voting_round(wijk):
    """A round in its voting phase whose dates are whole minutes, as the admin form shows them."""
    now = timezone.now().replace(second=0, microsecond=0)
    budget_round = RoundFactory(wijk=wijk, **phase_dates("voting", now=now))
    for title in ("Speeltuin", "Bankjes"):
        ProjectFactory(round=budget_round, title=title, cost=Decimal("3000"))
    return budget_round


@pytest.fixture
def projects(voting_round):
    return {project.title: project for project in voting_round.projects.all()}


@pytest.fixture
def editor_client(client, editor):
    """The admin as a web editor who is not council staff."""
    client.force_login(editor)
    return client


def _form_data(budget_round=None, wijk=None, **overrides):
    now = timezone.localtime()
    data = {
        "name": "Wijkbudget 2027",
        "description": "",
        "budget": "25000",
        "ballot_style": "approval",
        "min_choices": "1",
        "max_choices": "3",
        "min_budget_share": "0",
        "points_total": "10",
        "rule": "greedy",
        "min_age": "",
        "electorate": "per_resident",
        "review_due_days": "14",
    }
    for n, name in enumerate(DATES):
        when = (
            timezone.localtime(getattr(budget_round, name))
            if budget_round
            else now + datetime.timedelta(days=10 * (n + 1))
        )
        data[name] = when.strftime("%Y-%m-%d %H:%M")
    if budget_round is not None:
        for name in ("name", "ballot_style", "rule", "min_choices", "max_choices", "electorate"):
            data[name] = str(getattr(budget_round, name))
        data["budget"] = str(budget_round.budget)
    if wijk is not None:
        data["wijk"] = wijk.pk
    data.update(overrides)
    return data


def test_staff_list_and_create_a_round_through_the_service(staff_client, staff, wijk):
    assert staff_client.get(reverse("budget_round:index")).status_code == 200

    response = staff_client.post(reverse("budget_round:add"), _form_data(wijk=wijk))

    assert response.status_code == 302, response.context["form"].errors
    budget_round = Round.objects.get(name="Wijkbudget 2027")
    assert budget_round.wijk == wijk
    assert budget_round.created_by == staff  # set by round_create, not by the form
    record = budget_round.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "Ronde geopend"


def test_staff_change_the_budget_before_voting(staff_client, voting_round):
    response = staff_client.post(
        reverse("budget_round:edit", args=[voting_round.pk]),
        _form_data(voting_round, budget="12000"),
    )

    assert response.status_code == 302
    voting_round.refresh_from_db()
    assert voting_round.budget == Decimal("12000")


def test_the_budget_of_a_round_with_ballots_cannot_change_in_the_admin(
    staff_client, staff, voting_round, projects, resident
):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )

    response = staff_client.post(
        reverse("budget_round:edit", args=[voting_round.pk]),
        _form_data(voting_round, budget="99999", name="Nieuwe naam"),
    )

    assert response.status_code == 200
    assert "Het stemmen is begonnen" in response.content.decode()
    voting_round.refresh_from_db()
    assert voting_round.budget == Decimal("10000.00")
    assert voting_round.name != "Nieuwe naam"  # nothing of the refused edit is kept


def test_the_name_of_a_round_with_ballots_still_changes(
    staff_client, staff, voting_round, projects, resident
):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Bankjes"].pk: 1}
    )

    response = staff_client.post(
        reverse("budget_round:edit", args=[voting_round.pk]),
        _form_data(voting_round, name="Wijkbudget Noord"),
    )

    assert response.status_code == 302
    voting_round.refresh_from_db()
    assert voting_round.name == "Wijkbudget Noord"
    assert voting_round.history.first().history_user == staff


@pytest.mark.parametrize("url", ["index", "add", "edit", "inspect"])
def test_editors_and_residents_do_not_reach_rounds(editor_client, voting_round, resident, url):
    args = [] if url in ("index", "add") else [voting_round.pk]
    response = editor_client.get(reverse(f"budget_round:{url}", args=args))
    assert response.status_code in (302, 403)
    assert editor_client.post(
        reverse("budget_round:add"), _form_data(wijk=voting_round.wijk)
    ).status_code in (302, 403)
    assert Round.objects.count() == 1

    editor_client.force_login(resident)
    assert editor_client.get(reverse(f"budget_round:{url}", args=args)).status_code in (302, 403)


def test_editors_do_not_see_the_menu_items(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert reverse("budget_round:index") not in response.content.decode()


def test_rounds_are_not_deleted_in_the_admin(staff_client, voting_round):
    response = staff_client.post(reverse("budget_round:delete", args=[voting_round.pk]))

    assert response.status_code in (302, 403)
    assert Round.objects.filter(pk=voting_round.pk).exists()


def test_staff_open_every_round_page_of_the_admin(staff_client, voting_round):
    for url in (
        reverse("budget_round:index"),
        reverse("budget_round:add"),
        reverse("budget_round:edit", args=[voting_round.pk]),
        reverse("budget_round:inspect", args=[voting_round.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
    assert voting_round.name in staff_client.get(reverse("budget_round:index")).content.decode()

"""The pages: the ballot without JavaScript, bad input, and each role on each page."""

from __future__ import annotations

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from budget.models import Ballot, Participation
from tests.factories.budget import RoundFactory

pytestmark = pytest.mark.django_db


def _ballot_url(budget_round):
    return reverse("budget:ballot", args=[budget_round.pk])


def test_vote_check_confirm_and_receipt(
    client, resident, voting_round, projects, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    url = _ballot_url(voting_round)
    page = client.get(url).content.decode()
    assert "Speeltuin" in page and "Budget over" in page and "10.000,00" in page

    choice = {"projects": [projects["Speeltuin"].pk, projects["Moestuin"].pk]}
    review = client.post(url, {**choice, "step": "review"}).content.decode()
    assert "Bevestig uw stem" in review and "2.000,00" in review  # budget left 10,000 - 8,000
    assert not Ballot.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**choice, "step": "confirm"})
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "Uw ontvangstcode" in thanks and "gemaild" in thanks
    assert len(mailoutbox) == 1
    # The receipt is shown once and never kept server-side in the voter's session.
    assert client.get(response["Location"]).status_code == 302
    assert not any("receipt" in key for key in client.session.keys())  # noqa: SIM118 - not iterable

    page = client.get(url).content.decode()
    assert "U heeft al gestemd" in page
    assert page.count("checked") == 2  # the voter sees (only) their own choice to change it


@pytest.mark.parametrize(
    "data, message",
    [
        ({"projects": ["abc"]}, "niet op dit stembiljet"),
        ({"projects": ["999999"]}, "niet op dit stembiljet"),
        ({}, "Kies minstens 1"),
    ],
)
def test_bad_ballots_show_a_dutch_message_and_keep_the_earlier_ballot(
    client, resident, voting_round, projects, data, message
):
    client.force_login(resident)
    url = _ballot_url(voting_round)
    client.post(url, {"projects": [projects["Bankjes"].pk], "step": "confirm"})
    before = Ballot.objects.get().choices

    response = client.post(url, {**data, "step": "confirm"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Ballot.objects.get().choices == before


def test_too_many_projects_keeps_what_was_ticked(client, resident, voting_round, projects):
    client.force_login(resident)
    response = client.post(
        _ballot_url(voting_round),
        {"projects": [p.pk for p in projects.values()], "step": "review"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kies hoogstens 2 projecten" in page
    assert page.count("checked") == 3


def test_voting_after_the_close_is_refused(client, resident, voting_round, projects):
    client.force_login(resident)
    with time_machine.travel(voting_round.voting_end, tick=False):
        response = client.post(
            _ballot_url(voting_round), {"projects": [projects["Bankjes"].pk], "step": "confirm"}
        )
    assert response.status_code == 403
    assert "Het stemmen is gesloten" in response.content.decode()
    assert not Participation.objects.exists()


ROLE_FIXTURES = ["resident", "other_resident", "panel_member", "panel_chair", "staff"]


@pytest.mark.parametrize(
    "page, expected",
    [
        ("budget:round_detail", {"anonymous": 200, "default": 200}),
        (
            "budget:ballot",
            {
                "anonymous": 302,
                "resident": 200,
                "panel_member": 200,
                "panel_chair": 200,
                "default": 403,
            },
        ),
        ("budget:staff_round", {"anonymous": 302, "staff": 200, "default": 403}),
        ("budget:staff_round_edit", {"anonymous": 302, "staff": 200, "default": 403}),
        ("budget:staff_paper", {"anonymous": 302, "staff": 200, "default": 403}),
        ("budget:result", {"anonymous": 403, "staff": 404, "default": 403}),
    ],
)
def test_each_role_on_each_page(page, expected, request, voting_round, projects):
    url = reverse(page, args=[voting_round.pk])
    assert Client().get(url).status_code == expected["anonymous"]
    for role in ROLE_FIXTURES:
        user = request.getfixturevalue(role)
        client = Client()
        if role == "staff":
            TOTP.activate(user, generate_totp_secret())
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected.get(role, expected["default"]), role


def test_staff_pages_list_and_create_rounds(staff_client, wijk):
    assert staff_client.get(reverse("budget:staff_rounds")).status_code == 200
    data = {
        "wijk": wijk.pk,
        "name": "Wijkbudget 2027",
        "budget": "25000",
        "proposals_start": "2027-01-01T09:00",
        "review_start": "2027-02-01T09:00",
        "voting_start": "2027-03-01T09:00",
        "voting_end": "2027-03-15T17:00",
        "realisation_start": "2027-04-01T09:00",
        "ballot_style": "knapsack",
        "min_choices": 1,
        "max_choices": 5,
        "min_budget_share": 0,
        "points_total": 10,
        "rule": "equalshares/add1",
        "review_due_days": 14,
    }
    bad = staff_client.post(
        reverse("budget:staff_round_create"), {**data, "voting_end": "2027-02-01T09:00"}
    )
    assert bad.status_code == 200 and "Wijkbudget 2027" in bad.content.decode()
    response = staff_client.post(reverse("budget:staff_round_create"), data)
    assert response.status_code == 302
    assert "Wijkbudget 2027" in staff_client.get(response["Location"]).content.decode()


def test_staff_generate_voting_letters_as_pdf(staff_client, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="review", allow_letter_codes=True)
    response = staff_client.post(
        reverse("budget:staff_codes", args=[budget_round.pk]),
        {"addresses": "Akerstraat 12, 6441 AB"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"

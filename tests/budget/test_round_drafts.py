"""Rounds start as drafts only staff see; staff publish them, take them back, or delete them.

Drafts are in no public list (rounds, wijk page, search, statistics, notifications) and
their pages answer 404 for everyone but staff; new rounds refuse phase dates in the past.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from budget import selectors, services
from budget.models import PaperEntry, Project, Round, RoundStatus, VotingCodeBatch
from cms.models import HomePage, WijkPage
from core.services import LetterAddress
from tests.budget.conftest import make_residents
from tests.factories.budget import ProjectFactory, RoundFactory

pytestmark = pytest.mark.django_db

DATES = ("proposals_start", "review_start", "voting_start", "voting_end", "realisation_start")


def _form_data(wijk, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "wijk": str(wijk.pk),
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
        data[name] = (now + datetime.timedelta(days=10 * (n + 1))).strftime("%Y-%m-%dT%H:%M")
    return data | overrides


def _future_fields() -> dict:
    now = timezone.now()
    return {
        "name": "Wijkbudget 2027",
        "budget": Decimal("25000"),
        **{name: now + datetime.timedelta(days=10 * (n + 1)) for n, name in enumerate(DATES)},
    }


@pytest.fixture
def wijk_page(wijk):
    """The published page of the wijk (it lists the wijk's open rounds)."""
    page = WijkPage(title="Brunssum-Noord", slug="brunssum-noord", wijk=wijk)
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def draft(wijk):
    """A draft round in its voting phase, with a project, that only staff may see."""
    budget_round = RoundFactory(
        wijk=wijk, name="Geheime ronde", status=RoundStatus.DRAFT, allow_letter_codes=True
    )
    ProjectFactory(round=budget_round, title="Verborgen vlonder")
    return budget_round


# --- Creating ---------------------------------------------------------------------------


def test_a_new_round_is_a_draft_and_its_opening_is_recorded(staff_client, staff, wijk):
    response = staff_client.post(reverse("budget:staff_round_create"), _form_data(wijk))

    budget_round = Round.objects.get(name="Wijkbudget 2027")
    assert response.status_code == 302
    assert budget_round.status == RoundStatus.DRAFT
    record = budget_round.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "Ronde geopend"
    page = staff_client.get(response.url).content.decode()
    assert "alleen medewerkers zien haar tot u haar publiceert" in page
    assert "Deze ronde is een concept" in page


def test_the_budget_is_typed_as_dutch_writes_it(staff_client, wijk):
    response = staff_client.post(
        reverse("budget:staff_round_create"), _form_data(wijk, budget="25.000")
    )

    assert response.status_code == 302
    assert Round.objects.get(name="Wijkbudget 2027").budget == Decimal("25000")


def test_phase_dates_in_the_past_are_refused_on_create_on_their_field(staff_client, wijk):
    yesterday = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = staff_client.post(
        reverse("budget:staff_round_create"), _form_data(wijk, proposals_start=yesterday)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["proposals_start"] == [
        "Deze datum ligt in het verleden. De fasen van een nieuwe ronde beginnen vanaf nu."
    ]
    assert "Deze datum ligt in het verleden" in response.content.decode()
    assert not Round.objects.exists()


def test_the_service_refuses_past_dates_too_and_saves_nothing(staff, wijk):
    fields = _future_fields()
    fields["voting_start"] = timezone.now() - datetime.timedelta(hours=1)
    fields["proposals_start"] = fields["review_start"] = fields["voting_start"]

    with pytest.raises(ValidationError) as refused:
        services.round_create(actor=staff, wijk=wijk, **fields)

    assert set(refused.value.message_dict) == {"proposals_start", "review_start", "voting_start"}
    assert not Round.objects.exists()


def test_later_changes_of_a_round_may_keep_dates_that_have_passed(staff, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="voting")  # proposals began days ago

    changed = services.round_update(actor=staff, budget_round=budget_round, name="Nieuwe naam")

    assert changed.name == "Nieuwe naam"
    assert changed.proposals_start < timezone.now()


def test_a_resident_cannot_open_a_round(resident, wijk):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=resident, wijk=wijk, **_future_fields())
    assert not Round.objects.exists()


# --- What residents do not see ----------------------------------------------------------


@pytest.fixture(params=["anonymous", "resident"])
def visitor(request, client, resident):
    if request.param == "resident":
        client.force_login(resident)
    return client


def test_a_draft_is_in_no_public_list(visitor, draft, wijk_page):
    published = RoundFactory(wijk=draft.wijk, name="Openbare ronde")
    ProjectFactory(round=published, title="Zichtbare vlonder")

    pages = {
        "rounds": visitor.get(reverse("budget:round_list")),
        "wijk page": visitor.get(wijk_page.url),
        "search": visitor.get(reverse("cms:search"), {"q": "vlonder"}),
        "statistics": visitor.get(reverse("stats:overview")),
        "wijk statistics": visitor.get(reverse("stats:wijk", kwargs={"slug": draft.wijk.slug})),
    }

    for where, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, where
        assert "Geheime ronde" not in page and "Verborgen vlonder" not in page, where
    assert "Openbare ronde" in pages["rounds"].content.decode()
    assert "Openbare ronde" in pages["wijk page"].content.decode()
    assert "Zichtbare vlonder" in pages["search"].content.decode()


@pytest.mark.parametrize(
    "name", ["round_detail", "ballot", "code_enter", "receipt", "result", "result_pdf", "result_pb"]
)
def test_the_pages_of_a_draft_are_not_found(visitor, draft, name):
    assert visitor.get(reverse(f"budget:{name}", kwargs={"pk": draft.pk})).status_code == 404


def test_the_project_pages_of_a_draft_are_not_found(client, resident, draft):
    project = draft.projects.get()
    client.force_login(resident)
    proposals = RoundFactory(wijk=draft.wijk, phase="proposals", status=RoundStatus.DRAFT)

    assert client.get(reverse("budget:project_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("budget:project_propose", args=[proposals.pk])).status_code == 404


def test_staff_see_the_draft_marked_as_such(staff_client, draft):
    listing = staff_client.get(reverse("budget:staff_rounds")).content.decode()
    public_page = staff_client.get(reverse("budget:round_detail", args=[draft.pk]))

    assert "Geheime ronde</a> (concept)" in listing
    assert public_page.status_code == 200


def test_nobody_votes_or_proposes_in_a_draft(client, staff, resident, draft, wijk):
    proposals = RoundFactory(wijk=wijk, phase="proposals", status=RoundStatus.DRAFT)
    client.force_login(resident)

    response = client.post(
        reverse("budget:ballot", args=[draft.pk]),
        {"projects": [draft.projects.get().pk], "step": "confirm"},
    )
    assert response.status_code == 404
    assert not draft.ballots.exists()
    with pytest.raises(PermissionDenied):
        services.project_propose(
            actor=resident, budget_round=proposals, title="Bankje", summary="Een bankje."
        )
    assert not resident.has_perm("budget.view_round", draft)
    # Not through the services either, with a letter code or an account.
    projects = {draft.projects.get().pk: 1}
    with pytest.raises(PermissionDenied, match="nog niet gepubliceerd"):
        services.ballot_cast(actor=resident, budget_round=draft, choices=projects)
    _batch, letters = services.voting_code_batch_create(
        actor=staff,
        budget_round=draft,
        addresses=[LetterAddress(street="Akerstraat", house_number="12", postcode="6441AB")],
    )
    code = services.voting_code_check(budget_round=draft, code=letters[0][1])
    with pytest.raises(PermissionDenied, match="nog niet gepubliceerd"):
        services.ballot_cast_with_code(code=code, budget_round=draft, choices=projects)
    assert not draft.ballots.exists()


def test_staff_enter_no_paper_ballots_in_a_draft(staff, resident, draft):
    with pytest.raises(PermissionDenied):
        services.paper_ballot_enter(
            actor=staff,
            budget_round=draft,
            choices={draft.projects.get().pk: 1},
            resident=resident,
        )
    assert not PaperEntry.objects.exists()


def test_residents_are_not_told_about_voting_in_a_draft(draft, mailoutbox):
    make_residents(draft.wijk, 2)
    now = timezone.now()

    assert list(selectors.rounds_due_voting_opens(now=now)) == []
    services.round_notices_send(now=now)
    assert mailoutbox == []


# --- Publishing and taking back ---------------------------------------------------------


def test_staff_publish_a_draft_after_confirming_and_it_is_recorded(
    staff_client, staff, client, draft
):
    url = reverse("budget:staff_round_publish", args=[draft.pk])
    confirm = staff_client.get(url).content.decode()
    assert "Weet u het zeker? Na publicatie ziet iedereen de ronde" in confirm

    response = staff_client.post(url, {"reason": "Data gecontroleerd"})

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == RoundStatus.PUBLISHED
    record = draft.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == (
        "Ronde gepubliceerd: bewoners zien haar: Data gecontroleerd"
    )
    staff_client.logout()
    assert "Geheime ronde" in client.get(reverse("budget:round_list")).content.decode()


def test_publishing_twice_is_refused_and_changes_nothing(staff, draft):
    services.round_transition(actor=staff, budget_round=draft, action="publish")
    rows = draft.history.count()

    with pytest.raises(ValidationError, match="niet mogelijk|not possible"):
        services.round_transition(actor=staff, budget_round=draft, action="publish")
    assert draft.history.count() == rows


def test_a_resident_cannot_publish_a_draft(client, resident, draft):
    client.force_login(resident)
    with pytest.raises(PermissionDenied):
        services.round_transition(actor=resident, budget_round=draft, action="publish")

    assert client.post(reverse("budget:staff_round_publish", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT


def test_a_rehearsal_is_never_published(staff, wijk):
    rehearsal = RoundFactory(wijk=wijk, is_rehearsal=True, status=RoundStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        services.round_transition(actor=staff, budget_round=rehearsal, action="publish")


def test_back_to_draft_needs_a_reason_and_works_while_nobody_took_part(staff_client, staff, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="upcoming")
    url = reverse("budget:staff_round_back_to_draft", args=[budget_round.pk])

    refused = staff_client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Dit is een verplicht veld." in refused.content.decode()
    budget_round.refresh_from_db()
    assert budget_round.status == RoundStatus.PUBLISHED

    staff_client.post(url, {"reason": "Verkeerde wijk gekozen"})
    budget_round.refresh_from_db()
    assert budget_round.status == RoundStatus.DRAFT
    record = budget_round.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == "Ronde terug naar concept: Verkeerde wijk gekozen"


def test_a_round_with_proposals_stays_published(staff_client, staff, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="proposals")
    ProjectFactory(round=budget_round)
    rows = budget_round.history.count()

    response = staff_client.post(
        reverse("budget:staff_round_back_to_draft", args=[budget_round.pk]), {"reason": "Oeps"}
    )

    assert response.status_code == 400
    assert "blijft dus gepubliceerd" in response.content.decode()
    budget_round.refresh_from_db()
    assert budget_round.status == RoundStatus.PUBLISHED
    assert budget_round.history.count() == rows


# --- Deleting ---------------------------------------------------------------------------


def test_staff_delete_a_round_without_ballots_after_confirming(staff_client, staff, draft):
    url = reverse("budget:staff_round_delete", args=[draft.pk])
    assert "Weet u het zeker? De ronde en haar projecten" in staff_client.get(url).content.decode()
    pk, project_pk = draft.pk, draft.projects.get().pk

    response = staff_client.post(url, {"reason": "Dubbel aangemaakt"})

    assert response.status_code == 302
    assert response.url == reverse("budget:staff_rounds")
    assert not Round.objects.filter(pk=pk).exists()
    assert not Project.objects.filter(pk=project_pk).exists()
    deleted = Round.history.filter(id=pk).first()
    assert deleted.history_type == "-"
    assert deleted.history_user == staff
    assert deleted.history_change_reason == "Ronde verwijderd: Dubbel aangemaakt"
    assert Project.history.filter(id=project_pk).first().history_user == staff


def test_unused_letter_codes_go_with_the_round(staff, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="upcoming", allow_letter_codes=True)
    batch, _letters = services.voting_code_batch_create(
        actor=staff,
        budget_round=budget_round,
        addresses=[LetterAddress(street="Akerstraat", house_number="3", postcode="6441AB")],
    )

    services.round_delete(actor=staff, budget_round=budget_round)

    assert not Round.objects.filter(pk=budget_round.pk).exists()
    assert not VotingCodeBatch.objects.filter(pk=batch.pk).exists()


def test_a_round_with_a_ballot_cannot_be_deleted(staff_client, voting_round, resident, projects):
    services.ballot_cast(
        actor=resident, budget_round=voting_round, choices={projects["Speeltuin"].pk: 1}
    )
    url = reverse("budget:staff_round_delete", args=[voting_round.pk])

    page = staff_client.get(url).content.decode()
    response = staff_client.post(url, {"reason": "Weg ermee"})

    message = "In deze ronde is al gestemd, dus ze kan niet meer worden verwijderd."
    assert message in page and "Ronde verwijderen</button>" not in page
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Round.objects.filter(pk=voting_round.pk).exists()
    staff_page = staff_client.get(reverse("budget:staff_round", args=[voting_round.pk]))
    assert url not in staff_page.content.decode()


def test_a_round_with_a_paper_ballot_cannot_be_deleted(staff, voting_round, resident, projects):
    services.paper_ballot_enter(
        actor=staff,
        budget_round=voting_round,
        choices={projects["Speeltuin"].pk: 1},
        resident=resident,
    )
    assert PaperEntry.objects.exists()

    with pytest.raises(ValidationError, match="papieren stembiljetten|paper ballots"):
        services.round_delete(actor=staff, budget_round=voting_round)
    assert Round.objects.filter(pk=voting_round.pk).exists()


def test_a_resident_cannot_delete_a_round(client, resident, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="upcoming")
    client.force_login(resident)

    with pytest.raises(PermissionDenied):
        services.round_delete(actor=resident, budget_round=budget_round)
    assert (
        client.post(reverse("budget:staff_round_delete", args=[budget_round.pk])).status_code == 403
    )
    assert Round.objects.filter(pk=budget_round.pk).exists()


# --- Constraint messages ----------------------------------------------------------------


def test_every_constraint_of_the_wijkbudget_has_its_own_message_in_dutch():
    for model in apps.get_app_config("budget").get_models():
        for constraint in model._meta.constraints:
            message = constraint.violation_error_message
            assert message, (model, constraint.name)
            assert message != constraint.default_violation_error_message, constraint.name
            with translation.override("nl"):
                dutch = str(message)
            with translation.override("en"):
                english = str(message)
            assert dutch != english and constraint.name not in dutch, constraint.name


def test_no_constraint_name_reaches_the_page(staff_client, wijk):
    data = _form_data(wijk)
    data["voting_end"], data["voting_start"] = data["voting_start"], data["voting_end"]

    response = staff_client.post(reverse("budget:staff_round_create"), data)

    page = response.content.decode()
    assert "round_phases_in_order" not in page and "geschonden" not in page
    assert "De fasen moeten op elkaar volgen" in page
    assert not Round.objects.exists()

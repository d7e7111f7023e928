"""The scoped council roles (#17), role x object: every kind of staff member against an
object of their own wijk or scheme and one of another, a refused action for each role,
and the staff lists showing only their own objects.

The base group opens /beheer/ and gives no right to act; a wijkcoördinator acts in their
own wijken, a budget officer runs the rounds of their own wijken, a subsidy officer decides
the applications of their own schemes, and the functional administrator assigns roles but
sees no content.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from budget import selectors as budget_selectors
from budget import services as budget_services
from core import selectors as core_selectors
from core.models import ResidencyStatus
from core.roles import FUNCTIONAL_ADMINS
from core.services import resident_verify_by_staff
from initiatives import selectors as initiative_selectors
from initiatives import services as initiative_services
from initiatives.models import InitiativeStatus
from review.selectors import review_for
from subsidies import selectors as subsidy_selectors
from subsidies import services as subsidy_services
from subsidies.models import Status
from tests.factories import (
    ProfileFactory,
    make_base_staff,
    make_budget_officer,
    make_coordinator,
    make_staff,
    make_subsidy_officer,
)
from tests.factories.budget import RoundFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator
from tests.subsidies.conftest import bring_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def schemes(wijk, other_wijk):
    return {"own": SchemeFactory(wijk=wijk), "other": SchemeFactory(wijk=other_wijk)}


@pytest.fixture
def people(wijk, other_wijk, schemes):
    """Every kind of council staff member, scoped to `wijk` or to its scheme."""
    return {
        "all_round_staff": make_staff(email="alles@example.org"),
        "base_staff": make_base_staff(email="basis@example.org"),
        "coordinator": make_coordinator(wijk, email="coordinator@example.org"),
        "budget_officer": make_budget_officer(wijk, email="budget@example.org"),
        "subsidy_officer": make_subsidy_officer(schemes["own"], email="subsidie@example.org"),
        "functional_admin": make_base_staff(FUNCTIONAL_ADMINS, email="beheer@example.org"),
    }


@pytest.fixture
def objects(wijk, other_wijk, schemes, people):
    """For each kind of object, one in `wijk` (or its scheme) and one elsewhere."""
    staff = people["all_round_staff"]
    result = {}
    for side, place in (("own", wijk), ("other", other_wijk)):
        applicant, initiative = make_initiator(wijk=place)
        application = bring_to(
            ApplicationFactory(scheme=schemes[side], initiative=initiative, created_by=applicant),
            Status.SUBMITTED,
            staff=staff,
            applicant=applicant,
        )
        # A second application, in review by the wijkpanel.
        other_applicant, other_initiative = make_initiator(wijk=place)
        in_review = bring_to(
            ApplicationFactory(
                scheme=schemes[side], initiative=other_initiative, created_by=other_applicant
            ),
            Status.IN_REVIEW,
            staff=staff,
            applicant=other_applicant,
        )
        result[side] = {
            "wijk": place,
            "application_review": review_for(subject=in_review),
            "profile": ProfileFactory(wijk=place),
            "initiative": InitiativeFactory(wijk=place, status=InitiativeStatus.SUBMITTED),
            "round": RoundFactory(wijk=place, phase="voting"),
            "application": application,
            "scheme": schemes[side],
        }
    return result


# perm -> (the object it is asked about, the roles that hold it for the object of `wijk`)
# The all-round staff hold every one of them, on both sides; no scoped role holds any on
# the other side.
PERMS = {
    "core.verify_resident": ("profile", {"coordinator"}),
    "core.view_profile": ("profile", {"coordinator"}),
    "core.generate_residency_codes": ("wijk", {"coordinator"}),
    "core.add_panelmembership": ("wijk", {"coordinator"}),
    "core.change_wijk": ("wijk", {"coordinator"}),
    "initiatives.decide_initiative": ("initiative", {"coordinator"}),
    "initiatives.moderate": ("initiative", {"coordinator"}),
    "initiatives.view_initiative": ("initiative", {"coordinator"}),
    "budget.manage_round": ("round", {"budget_officer"}),
    "budget.enter_paper_ballot": ("round", {"budget_officer"}),
    "budget.publish_round": ("round", {"budget_officer"}),
    "subsidies.manage_application": ("application", {"subsidy_officer"}),
    "subsidies.view_application": ("application", {"subsidy_officer"}),
    "subsidies.view_application_private": ("application", {"subsidy_officer"}),
    "subsidies.manage_schemes": ("scheme", {"subsidy_officer"}),
    "review.view_overview": ("wijk", {"coordinator"}),
    # A review's staff: the coordinator of its wijk and the officer of the subject (here the
    # subsidy officer of the application's scheme), through "<app>.act_on_review".
    "review.view_review": ("application_review", {"coordinator", "subsidy_officer"}),
    "review.proceed_without_advice": ("application_review", {"coordinator", "subsidy_officer"}),
    "review.name_substitute": ("application_review", {"coordinator", "subsidy_officer"}),
    # The detailed statistics of a wijk: its coordinators.
    "stats.view_detailed": ("wijk", {"coordinator"}),
}


@pytest.mark.parametrize("perm", sorted(PERMS))
def test_each_role_holds_its_rights_in_its_own_wijk_or_scheme_only(perm, people, objects):
    kind, holders = PERMS[perm]
    for side in ("own", "other"):
        obj = objects[side][kind]
        allowed = {name for name, user in people.items() if user.has_perm(perm, obj)}
        expected = {"all_round_staff"} | (holders if side == "own" else set())
        assert allowed == expected, (perm, side)


def test_the_base_group_opens_beheer_and_nothing_more(people, client):
    user = people["base_staff"]
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    home = client.get(reverse("core:staff_home"))
    assert home.status_code == 200
    for link in ("core:staff_residents", "budget:staff_rounds", "subsidies:staff_overview"):
        assert reverse(link) not in home.content.decode()
        assert client.get(reverse(link)).status_code == 403


def test_a_coordinator_of_another_wijk_cannot_verify_a_resident(people, objects, other_wijk):
    outsider = make_coordinator(other_wijk, email="elders@example.org")
    profile = objects["own"]["profile"]
    with pytest.raises(PermissionDenied):
        resident_verify_by_staff(actor=outsider, profile=profile, reason="Paspoort gezien")
    profile.refresh_from_db()
    assert profile.residency_status != ResidencyStatus.VERIFIED


def test_a_coordinator_of_another_wijk_cannot_decide_an_initiative(objects, other_wijk):
    outsider = make_coordinator(other_wijk, email="elders@example.org")
    initiative = objects["own"]["initiative"]
    with pytest.raises(PermissionDenied):
        initiative_services.initiative_transition(
            actor=outsider, initiative=initiative, action="publish", reason="Mooi plan"
        )
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED


def test_a_budget_officer_of_another_wijk_cannot_change_a_round(objects, other_wijk):
    outsider = make_budget_officer(other_wijk, email="elders@example.org")
    budget_round = objects["own"]["round"]
    with pytest.raises(PermissionDenied):
        budget_services.round_update(actor=outsider, budget_round=budget_round, name="Overgenomen")
    budget_round.refresh_from_db()
    assert budget_round.name != "Overgenomen"


def test_a_subsidy_officer_of_another_scheme_cannot_decide(objects, schemes):
    outsider = make_subsidy_officer(schemes["other"], email="elders@example.org")
    application = objects["own"]["application"]
    with pytest.raises(PermissionDenied):
        subsidy_services.application_transition(
            actor=outsider, application=application, action="start_review", reason=""
        )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_the_functional_administrator_sees_no_content(people, objects, client):
    admin = people["functional_admin"]
    own = objects["own"]
    for perm, kind in (
        ("core.view_profile", "profile"),
        ("subsidies.view_application", "application"),
        ("budget.manage_round", "round"),
        ("initiatives.view_initiative", "initiative"),
    ):
        assert not admin.has_perm(perm, own[kind]), perm
    assert admin.has_perm("core.add_wijkcoordinator")
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    assert client.get(reverse("core:staff_residents")).status_code == 403
    url = reverse("subsidies:application_detail", kwargs={"pk": own["application"].pk})
    assert client.get(url).status_code == 403


def test_staff_lists_show_only_the_own_wijk_or_scheme(people, objects):
    own, other = objects["own"], objects["other"]
    coordinator = people["coordinator"]
    assert list(core_selectors.wijken_coordinated_by(user=coordinator)) == [own["wijk"]]
    residents = set(core_selectors.residents_for_staff(user=coordinator))
    assert own["profile"] in residents and other["profile"] not in residents
    initiatives = initiative_selectors.initiatives_for_staff(user=coordinator)
    assert own["initiative"] in initiatives and other["initiative"] not in initiatives

    officer = people["budget_officer"]
    rounds = set(budget_selectors.rounds_for_staff(user=officer))
    assert own["round"] in rounds and other["round"] not in rounds

    subsidy_officer = people["subsidy_officer"]
    applications = subsidy_selectors.applications_for_staff(user=subsidy_officer)
    assert own["application"] in applications and other["application"] not in applications
    assert {application.scheme for application in applications} == {own["scheme"]}
    assert list(subsidy_selectors.schemes_for_staff(user=subsidy_officer)) == [own["scheme"]]

    for nobody in (people["base_staff"], people["functional_admin"]):
        assert not core_selectors.residents_for_staff(user=nobody).exists()
        assert not budget_selectors.rounds_for_staff(user=nobody).exists()
        assert subsidy_selectors.applications_for_staff(user=nobody) == []


def test_staff_list_pages_show_only_the_own_wijk(people, objects, client):
    coordinator = people["coordinator"]
    TOTP.activate(coordinator, generate_totp_secret())
    client.force_login(coordinator)
    page = client.get(reverse("initiatives:staff_list")).content.decode()
    assert objects["own"]["initiative"].title in page
    assert objects["other"]["initiative"].title not in page
    page = client.get(reverse("core:staff_residents")).content.decode()
    assert objects["own"]["profile"].display_name in page
    assert objects["other"]["profile"].display_name not in page


def test_the_detailed_figures_over_all_wijken_are_for_a_coordinator_of_every_wijk(people):
    assert people["all_round_staff"].has_perm("stats.view_detailed", None)
    assert not people["coordinator"].has_perm("stats.view_detailed", None)

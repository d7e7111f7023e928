"""Shared setup of the security tests: the six kinds of visitor and one of every object.

`world` builds, through the factories and the real services, an object of every kind a
URL can point at, in wijk A (Brunssum-Noord) unless said otherwise; `clients` logs each
role in on its own test client. Nobody in a role has a hand in the objects (the
initiators, applicants and proposers are other people), so what a role may do follows
from the rules for residents, panel members and staff alone.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core import mail
from django.test import Client

from budget import services as budget_services
from budget.models import ProjectStatus, RoundStatus
from core import notifications
from core import services as core_services
from core.models import NotificationKind
from core.roles import FUNCTIONAL_ADMINS
from initiatives import services as initiative_services
from initiatives.models import InitiativeStatus
from review.selectors import review_for
from subsidies import services as subsidy_services
from subsidies.models import AttachmentKind, Status
from tests.factories import (
    PanelMembershipFactory,
    VerifiedProfileFactory,
    WijkFactory,
    make_base_staff,
    make_budget_officer,
    make_coordinator,
    make_staff,
    make_subsidy_officer,
)
from tests.factories.budget import ProjectFactory, RoundFactory, publish_result
from tests.factories.initiatives import (
    ContentReportFactory,
    InitiativeFactory,
    ProgressUpdateFactory,
    verified_resident,
)
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator
from tests.subsidies.conftest import bring_to, pdf_upload

# The roles, in the order of every row of the expectation tables.
ROLES = ("anonymous", "resident", "other_resident", "panel_member", "panel_chair", "staff")

# The scoped council roles (core/roles.py): "_a" in wijk A (where the world's objects are,
# or the world's scheme of A), "_c" in a third wijk C with a scheme of its own, so that both
# wijk A's and wijk B's objects are outside their scope.
SCOPED_ROLES = (
    "base_staff",
    "coordinator_a",
    "coordinator_c",
    "budget_officer_a",
    "budget_officer_c",
    "subsidy_officer_a",
    "subsidy_officer_c",
    "functional_admin",
)

# The apps whose rows and history tell whether a refused request changed anything.
OUR_APPS = ("core", "initiatives", "review", "subsidies", "budget", "cms")


@pytest.fixture
def people(wijk, other_wijk, resident, staff, panel_chair):
    """One user per role (None for anonymous); staff have TOTP, as the site demands."""
    member = PanelMembershipFactory(wijk=wijk).member
    VerifiedProfileFactory(user=member, wijk=wijk, postcode="6441AD")
    TOTP.activate(staff, generate_totp_secret())
    return {
        "anonymous": None,
        "resident": resident,
        "other_resident": VerifiedProfileFactory(
            wijk=other_wijk, postcode="9733AA", house_number="1"
        ).user,
        "panel_member": member,
        "panel_chair": panel_chair,
        "staff": staff,
    }


@pytest.fixture
def clients(people):
    """A logged-in test client per role."""
    result = {}
    for role, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


@pytest.fixture
def world(wijk, other_wijk, people, django_capture_on_commit_callbacks):
    """One object of every kind a URL points at, made as the site makes them."""
    staff = people["staff"]
    w = SimpleNamespace(wijk=wijk, other_wijk=other_wijk, people=people)
    with django_capture_on_commit_callbacks(execute=True):
        # Initiatives: a concept, a published one with an update and a report, one in review.
        w.draft = InitiativeFactory(wijk=wijk, title="Concept van een buur")
        w.public = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
        w.update = ProgressUpdateFactory(initiative=w.public)
        w.report = ContentReportFactory(initiative=w.public, reporter=verified_resident(wijk))
        w.in_review = InitiativeFactory(wijk=wijk, status=InitiativeStatus.SUBMITTED)
        initiative_services.initiative_transition(
            actor=staff, initiative=w.in_review, action="start_review", reason=""
        )
        w.in_review.refresh_from_db()
        w.review = review_for(subject=w.in_review)
        w.hidden = InitiativeFactory(
            wijk=wijk, status=InitiativeStatus.PUBLISHED, hidden=True, hidden_reason="Spam."
        )
        w.withdrawn_initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.WITHDRAWN)
        w.rejected = InitiativeFactory(
            wijk=wijk, status=InitiativeStatus.REJECTED, decision_reason="Niet haalbaar."
        )
        # The same in wijk B: the panel of A has no business there.
        w.in_review_b = InitiativeFactory(wijk=other_wijk, status=InitiativeStatus.SUBMITTED)
        initiative_services.initiative_transition(
            actor=staff, initiative=w.in_review_b, action="start_review", reason=""
        )
        w.review_b = review_for(subject=w.in_review_b)

        # Subsidies: an open scheme, a granted application with a quote, a concept.
        w.scheme = SchemeFactory(wijk=wijk)
        applicant, initiative = make_initiator(wijk=wijk)
        w.application = ApplicationFactory(
            scheme=w.scheme, initiative=initiative, created_by=applicant
        )
        w.attachment = subsidy_services.attachment_add(
            actor=applicant,
            application=w.application,
            kind=AttachmentKind.QUOTE,
            upload=pdf_upload(),
        )
        w.application = bring_to(w.application, Status.GRANTED, staff=staff, applicant=applicant)
        applicant_b, initiative_b = make_initiator(wijk=other_wijk)
        w.application_b = bring_to(
            ApplicationFactory(
                scheme=SchemeFactory(wijk=other_wijk),
                initiative=initiative_b,
                created_by=applicant_b,
            ),
            Status.SUBMITTED,
            staff=staff,
            applicant=applicant_b,
        )
        other_applicant, other_initiative = make_initiator(wijk=wijk)
        w.concept_application = ApplicationFactory(
            scheme=w.scheme, initiative=other_initiative, created_by=other_applicant
        )

        # Letter codes for residency.
        addresses = core_services.parse_address_lines(text="Akerstraat 12, 6441 AB", wijk=wijk)
        w.residency_batch, _letters = core_services.residency_code_batch_create(
            actor=staff, wijk=wijk, addresses=addresses
        )

        # Wijkbudget: a round taking proposals, one in its voting phase (letter codes,
        # a paper ballot waiting for a colleague), one with a published result.
        proposer = verified_resident(wijk)
        w.proposals_round = RoundFactory(wijk=wijk, phase="proposals")
        w.proposal = ProjectFactory(
            round=w.proposals_round, proposed_by=proposer, status=ProjectStatus.SUBMITTED
        )
        w.withdrawn = ProjectFactory(
            round=w.proposals_round, proposed_by=proposer, status=ProjectStatus.WITHDRAWN
        )
        w.voting_round = RoundFactory(wijk=wijk, phase="voting", allow_letter_codes=True)
        w.project = ProjectFactory(round=w.voting_round, title="Speeltuin")
        ProjectFactory(round=w.voting_round, title="Moestuin")
        addresses = core_services.parse_address_lines(
            text="Akerstraat 14, 6441 AB\nAkerstraat 16, 6441 AB", wijk=wijk
        )
        w.voting_batch, _letters = budget_services.voting_code_batch_create(
            actor=staff, budget_round=w.voting_round, addresses=addresses
        )
        # Entered against the voter register: the letter code handed in with the form.
        w.paper_ballot = budget_services.paper_ballot_enter(
            actor=staff, budget_round=w.voting_round, choices={w.project.pk: 1}, code=_letters[0][1]
        )
        # And one a colleague discarded, with the reason the paper page shows.
        discarded = budget_services.paper_ballot_enter(
            actor=staff, budget_round=w.voting_round, choices={w.project.pk: 1}, code=_letters[1][1]
        )
        colleague = make_staff(email="collega@example.org")
        budget_services.paper_ballot_discard(
            actor=colleague,
            entry=discarded,
            reason="Twee vakjes aangekruist",
            set_aside=True,
        )
        w.voting_round_b = RoundFactory(wijk=other_wijk, phase="voting")
        ProjectFactory(round=w.voting_round_b, title="Jeu-de-boulesbaan")
        # A rehearsal loaded from a .pb file: for staff only.
        w.rehearsal = RoundFactory(wijk=wijk, phase="voting", is_rehearsal=True)
        w.rehearsal_project = ProjectFactory(round=w.rehearsal)
        w.results_round = RoundFactory(wijk=wijk, phase="results")
        ProjectFactory(round=w.results_round, title="Fietsenstalling")
        budget_services.round_count(actor=staff, budget_round=w.results_round)
        publish_result(budget_round=w.results_round, asked_by=staff, confirmed_by=colleague)
        # A draft round (with a project) only staff see; and a counted result whose
        # publication a colleague has asked for, for staff to confirm or send back.
        w.draft_round = RoundFactory(wijk=wijk, phase="upcoming", status=RoundStatus.DRAFT)
        w.draft_project = ProjectFactory(round=w.draft_round, title="Concept-project")
        w.asked_round = RoundFactory(wijk=wijk, phase="results")
        ProjectFactory(round=w.asked_round, title="Bloembakken")
        budget_services.round_count(actor=staff, budget_round=w.asked_round)
        budget_services.result_publication_request(actor=colleague, budget_round=w.asked_round)

        w.unsubscribe_token = notifications.unsubscribe_token(
            user=people["resident"], kind=NotificationKind.DECISION
        )
    mail.outbox.clear()
    return w


@pytest.fixture
def scoped_clients(world, wijk):
    """A logged-in test client (with TOTP) per scoped role, built after the world so the
    subsidy officer of A can hold the world's scheme."""
    wijk_c = WijkFactory(name="Bilgaard", slug="bilgaard", municipality="Leeuwarden")
    scheme_c = SchemeFactory(wijk=wijk_c)
    people = {
        "base_staff": make_base_staff(email="basis@example.org"),
        "coordinator_a": make_coordinator(wijk, email="coordinator-a@example.org"),
        "coordinator_c": make_coordinator(wijk_c, email="coordinator-c@example.org"),
        "budget_officer_a": make_budget_officer(wijk, email="budget-a@example.org"),
        "budget_officer_c": make_budget_officer(wijk_c, email="budget-c@example.org"),
        "subsidy_officer_a": make_subsidy_officer(world.scheme, email="subsidie-a@example.org"),
        "subsidy_officer_c": make_subsidy_officer(scheme_c, email="subsidie-c@example.org"),
        # At the municipality a functional administrator is council staff too.
        "functional_admin": make_base_staff(FUNCTIONAL_ADMINS, email="beheer@example.org"),
    }
    result = {}
    for role, user in people.items():
        TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)
        result[role] = client
    return result


def db_fingerprint() -> dict[str, int]:
    """Row counts of every table of our apps, their history tables included, and the outbox.

    Every change to a domain model writes a history row, so a refused request that changed
    anything shows up here.
    """
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }
    counts["mail.outbox"] = len(mail.outbox)
    return counts

"""Every public page (and the resident's and staff's list pages) takes as many database
queries with 100 objects as with 5: no query per row (issue #7, "Fast pages").

Each test builds data with 5 objects, counts the queries of a GET, adds 95 more and counts
again. It also checks that the page shows the objects it was given, so that a page showing
nothing cannot pass. On failure the message lists the queries that differ.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budget.models import Ballot, RealisationStage, Result, Via
from cms.models import WijkContact, WijkPage
from core.models import Notification, NotificationKind
from initiatives.models import InitiativeMember, InitiativeStatus, InitiatorRole, ReportStatus
from initiatives.subsidies.models import Status
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory, WijkFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.cms import (
    DecisionPageFactory,
    EventPageFactory,
    ImageFactory,
    NewsPageFactory,
)
from tests.factories.initiatives import (
    ContentReportFactory,
    InitiativeFactory,
    ProgressUpdateFactory,
    SupportFactory,
    VolunteerFactory,
)
from tests.factories.review import MemberReviewFactory, ReviewFactory, ReviewInitiativeFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 100

# A unique number per object, so each test can name the objects it expects to see.
_serial = itertools.count(1)


def _normalise(sql: str) -> str:
    """A query without its literal numbers and strings, to compare the shapes of queries."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _get(client, url: str, shown: Iterable[str]) -> list[str]:
    """GET `url` (after one warming GET), check it shows `shown`; the queries it made."""
    # The first request fills per-process caches (content types, Wagtail's site root
    # paths, image renditions); what we measure is every request after that.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.content.decode()
    for text in shown:
        assert text in content, f"{url} does not show {text!r}"
    return [query["sql"] for query in queries.captured_queries]


def assert_queries_constant(
    client, url: str | Callable[[], str], add: Callable[[int], Iterable[str]]
) -> None:
    """GET `url` with SMALL objects (made by `add(n)`) and with LARGE: as many queries.

    `add(n)` makes n more objects and returns texts the page must show afterwards (for a
    paginated page, some of those on its first page).
    """

    def target() -> str:
        return url() if callable(url) else url

    small = _get(client, target(), list(add(SMALL)))
    large = _get(client, target(), list(add(LARGE - SMALL)))
    if len(small) != len(large):
        before, after = Counter(map(_normalise, small)), Counter(map(_normalise, large))
        diff = "\n".join(
            f"  {after[sql] - before[sql]:+d} x {sql[:300]}"
            for sql in before | after
            if before[sql] != after[sql]
        )
        pytest.fail(
            f"{target()}: {len(small)} queries with {SMALL} objects, {len(large)} with "
            f"{LARGE}; the queries whose number changed:\n{diff}"
        )


def _n() -> int:
    return next(_serial)


# --- Fixtures -----------------------------------------------------------------------


@pytest.fixture
def totp_client(client):
    """Log a user in as someone who has set up two-factor authentication."""

    def login(user):
        TOTP.activate(user, generate_totp_secret())
        client.force_login(user)
        return client

    return login


def _published_initiatives(wijk, n: int, **kwargs) -> list[str]:
    titles = []
    for _ in range(n):
        title = f"Moestuin nummer {_n()}"
        initiative = InitiativeFactory(
            wijk=wijk, title=title, status=InitiativeStatus.PUBLISHED, **kwargs
        )
        SupportFactory(initiative=initiative)
        titles.append(title)
    return titles


# --- Home, wijk page and the cms listings ---------------------------------------------


def test_home_page(client, wijk_page, wijk):
    def add(n):
        for _ in range(n):
            number = _n()
            NewsPageFactory(title=f"Nieuws {number}", wijken=[wijk], image=ImageFactory())
            DecisionPageFactory(title=f"Besluit {number}", wijken=[wijk])
            EventPageFactory(title=f"Activiteit {number}", wijken=[wijk])
            other = WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}")
            page = WijkPage(title=f"Wijkpagina {number}", slug=f"wijk-{number}", wijk=other)
            wijk_page.get_parent().add_child(instance=page)
            page.save_revision().publish()
            RoundFactory(wijk=other, name=f"Wijkbudget {number}", phase="voting")
        titles = _published_initiatives(wijk, n)
        return [f"Nieuws {number}", f"Besluit {number}", f"Wijkpagina {number}", titles[-1]]

    assert_queries_constant(client, "/", add)


def test_wijk_page(client, wijk_page, wijk):
    def add(n):
        for _ in range(n):
            number = _n()
            NewsPageFactory(title=f"Nieuws {number}", wijken=[wijk], image=ImageFactory())
            DecisionPageFactory(title=f"Besluit {number}", wijken=[wijk])
            EventPageFactory(title=f"Activiteit {number}", wijken=[wijk])
            WijkContact.objects.create(page=wijk_page, name=f"Contactpersoon {number}")
            RoundFactory(wijk=wijk, name=f"Wijkbudget {number}", phase="proposals")
        titles = _published_initiatives(wijk, n)
        return [f"Nieuws {number}", f"Contactpersoon {number}", f"Wijkbudget {number}", titles[-1]]

    assert_queries_constant(client, "/brunssum-noord/", add)


@pytest.mark.parametrize("query", ["", "?wijk=brunssum-noord", "?tag=groen", "?page=2"])
def test_news_index(client, wijk_page, wijk, query):
    def add(n):
        shown = []
        for _ in range(n):
            page = NewsPageFactory(
                title=f"Nieuws {_n()}", wijken=[wijk, wijk_page.wijk], image=ImageFactory()
            )
            page.tags.add("groen")
            page.save_revision().publish()
            shown.append(page.title)
        return [] if query == "?page=2" else shown[-3:]

    assert_queries_constant(client, f"/nieuws/{query}", add)


def test_news_page(client, wijk):
    page = NewsPageFactory(title="Bloembollen op het Akerplein", image=ImageFactory())

    def add(n):
        for _ in range(n):
            number = _n()
            page.wijken.add(WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}"))
            page.tags.add(f"onderwerp-{number}")
            NewsPageFactory(title=f"Ander nieuws {number}")
        page.save_revision().publish()
        return ["Bloembollen op het Akerplein", f"Wijk {number}"]

    assert_queries_constant(client, lambda: page.url, add)


@pytest.mark.parametrize("query", ["", "?wijk=brunssum-noord&kind=subsidy"])
def test_decision_index(client, wijk_page, wijk, query):
    def add(n):
        titles = [
            DecisionPageFactory(title=f"Besluit {_n()}", wijken=[wijk]).title for _ in range(n)
        ]
        return titles[-3:]

    assert_queries_constant(client, f"/besluiten/{query}", add)


def test_decision_page(client, wijk):
    page = DecisionPageFactory(title="Subsidie voor de Akerstraat")

    def add(n):
        for _ in range(n):
            number = _n()
            page.wijken.add(WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}"))
            DecisionPageFactory(title=f"Ander besluit {number}")
        page.save_revision().publish()
        return ["Subsidie voor de Akerstraat", f"Wijk {number}"]

    assert_queries_constant(client, lambda: page.url, add)


def test_event_index_and_page(client, wijk):
    page = EventPageFactory(title="Werkdag op het Akerplein")

    def add(n):
        for _ in range(n):
            number = _n()
            page.wijken.add(WijkFactory(name=f"Wijk {number}", slug=f"wijk-{number}"))
            EventPageFactory(title=f"Andere activiteit {number}", wijken=[wijk])
        page.save_revision().publish()
        return ["Werkdag op het Akerplein", f"Wijk {number}"]

    assert_queries_constant(client, lambda: page.url, add)
    assert_queries_constant(client, "/agenda/", add)


# --- Initiatives ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/initiatieven/",
        "/initiatieven/?q=moestuin&theme=groen&status=published",
        "/initiatieven/?page=2",
        "/wijken/brunssum-noord/initiatieven/",
    ],
)
def test_initiative_list(client, wijk, url):
    def add(n):
        titles = _published_initiatives(wijk, n)
        return [] if "page=2" in url else titles[-3:]

    assert_queries_constant(client, url, add)


@pytest.mark.parametrize("viewer", ["anonymous", "supporter", "initiator"])
def test_initiative_detail(client, wijk, viewer):
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    if viewer == "initiator":
        client.force_login(initiative.created_by)
    elif viewer == "supporter":
        client.force_login(SupportFactory(initiative=initiative).user)

    def add(n):
        for _ in range(n):
            number = _n()
            SupportFactory(initiative=initiative)
            VolunteerFactory(initiative=initiative)
            ProgressUpdateFactory(initiative=initiative, title=f"Voortgang {number}")
            member = VerifiedProfileFactory(wijk=wijk, display_name=f"Buurman {number}").user
            InitiativeMember.objects.create(
                initiative=initiative, user=member, role=InitiatorRole.CO_INITIATOR
            )
        return [f"Voortgang {number}", f"Buurman {number}"]

    assert_queries_constant(client, f"/initiatieven/{initiative.pk}/", add)


def test_initiative_volunteers_for_the_initiator(client, wijk):
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    client.force_login(initiative.created_by)

    def add(n):
        for _ in range(n):
            user = VerifiedProfileFactory(wijk=wijk, display_name=f"Helper {_n()}").user
            VolunteerFactory(initiative=initiative, user=user)
        return [user.profile.display_name]

    assert_queries_constant(client, f"/initiatieven/{initiative.pk}/vrijwilligers/", add)


# --- Wijkbudget -------------------------------------------------------------------------


def _projects(budget_round, n: int, **kwargs) -> list[str]:
    return [
        ProjectFactory(round=budget_round, title=f"Project {_n()}", **kwargs).title
        for _ in range(n)
    ]


@pytest.mark.parametrize("phase", ["proposals", "voting"])
def test_round_page(client, wijk, phase):
    budget_round = RoundFactory(wijk=wijk, phase=phase)
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)
    proposer = VerifiedProfileFactory(wijk=wijk).user

    def add(n):
        return _projects(budget_round, n, initiative=initiative, proposed_by=proposer)

    assert_queries_constant(client, f"/wijkbudget/{budget_round.pk}/", add)


def test_round_list(client, wijk):
    def add(n):
        return [RoundFactory(wijk=wijk, name=f"Ronde {_n()}").name for _ in range(n)]

    assert_queries_constant(client, "/wijkbudget/", add)


def test_ballot_page_for_an_eligible_resident(client, resident, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="voting", max_choices=3)
    client.force_login(resident)

    def add(n):
        return _projects(budget_round, n)

    assert_queries_constant(client, f"/wijkbudget/{budget_round.pk}/stemmen/", add)


def test_project_page(client, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="voting")
    project = ProjectFactory(round=budget_round, title="Speeltuin Akerplein")

    def add(n):
        _projects(budget_round, n)
        return ["Speeltuin Akerplein"]

    assert_queries_constant(client, f"/wijkbudget/project/{project.pk}/", add)


def test_results_page(client, wijk, staff):
    budget_round = RoundFactory(wijk=wijk, phase="realisation")
    projects = []

    def add(n):
        projects.extend(
            ProjectFactory(round=budget_round, title=f"Project {_n()}") for _ in range(n)
        )
        for number in range(20 * n):  # many ballots: the page reads the stored count
            Ballot.objects.create(
                round=budget_round,
                voter_key=f"{len(projects)}-{number:060d}",
                choices={str(projects[number % len(projects)].pk): 1},
                via=Via.WEB,
            )
        funded = [p.pk for p in projects[::2]]
        for project in projects[::2]:
            project.updates.create(
                stage=RealisationStage.IN_PROGRESS,
                text=f"Voortgang van {project.title}",
                created_by=staff,
            )
        Result.objects.update_or_create(
            round=budget_round,
            defaults={
                "rule": "greedy",
                "funded": funded,
                "votes": {str(p.pk): 20 for p in projects},
                "figures": {
                    "greedy": {"funded": funded, "total_cost": "0", "voters": 1, "reached": 1}
                },
                "ballot_count": 20 * len(projects),
                "eligible_count": 40 * len(projects),
                "budget_used": Decimal("1000"),
                "published_at": timezone.now(),
            },
        )
        return [projects[0].title, projects[-1].title]

    assert_queries_constant(client, f"/wijkbudget/{budget_round.pk}/uitslag/", add)


# --- Search, feed, sitemap --------------------------------------------------------------


def test_search_results(client, wijk):
    def add(n):
        for _ in range(n):
            NewsPageFactory(title=f"Akerplein bloeit {_n()}", wijken=[wijk])
        return ["Akerplein bloeit"]

    # One page type matches: Wagtail loads the results' specific pages with one query per
    # type, a number that does not grow with the data.
    assert_queries_constant(client, "/zoeken/?q=bloeit", add)
    assert_queries_constant(client, "/zoeken/?q=bloeit&page=2", add)


def test_rss_feed(client, wijk):
    def add(n):
        titles = []
        for _ in range(n):
            number = _n()
            NewsPageFactory(title=f"Nieuws {number}", wijken=[wijk])
            titles.append(DecisionPageFactory(title=f"Besluit {number}", wijken=[wijk]).title)
        return [titles[-1]]

    assert_queries_constant(client, "/wijken/brunssum-noord/feed/", add)


def test_sitemap(client, wijk):
    def add(n):
        for _ in range(n):
            page = NewsPageFactory(wijken=[wijk])
            EventPageFactory(wijken=[wijk])
        return [page.slug]

    assert_queries_constant(client, "/sitemap.xml", add)


# --- The resident's own pages -----------------------------------------------------------


def test_own_profile_page(client, resident, wijk):
    client.force_login(resident)
    profile = resident.profile

    def add(n):
        for _ in range(n):
            profile.display_name = f"Naam {_n()}"
            profile._change_reason = "Naam gewijzigd"
            profile.save()
            PanelMembershipFactory(member=resident, wijk=WijkFactory())
        return [profile.display_name]

    assert_queries_constant(client, "/mijn-gegevens/", add)


def test_own_notifications(client, resident):
    client.force_login(resident)

    def add(n):
        for _ in range(n):
            subject = f"Uw initiatief is gepubliceerd ({_n()})"
            Notification.objects.create(
                user=resident,
                kind=NotificationKind.values[0],
                subject=subject,
                body="Het staat nu op de site.",
                link="/initiatieven/",
            )
        return [subject]

    assert_queries_constant(client, "/mijn-gegevens/meldingen/", add)


def test_own_initiatives(client, resident, wijk):
    client.force_login(resident)

    def add(n):
        for _ in range(n):
            initiative = InitiativeFactory(wijk=wijk, title=f"Buurtfeest {_n()}")
            InitiativeMember.objects.create(
                initiative=initiative, user=resident, role=InitiatorRole.CO_INITIATOR
            )
            SupportFactory(initiative=initiative)
        return [initiative.title]

    assert_queries_constant(client, "/mijn-initiatieven/", add)


def test_own_applications(client, resident, wijk):
    client.force_login(resident)
    scheme = SchemeFactory(wijk=wijk)

    def add(n):
        for _ in range(n):
            application = ApplicationFactory(scheme=scheme, created_by=resident)
            application.initiative.title = f"Buurtfeest {_n()}"
            application.initiative.save()
            InitiativeMember.objects.create(
                initiative=application.initiative, user=resident, role=InitiatorRole.INITIATOR
            )
        return [application.initiative.title]

    assert_queries_constant(client, "/subsidie/mijn-aanvragen/", add)


# --- Staff list pages ---------------------------------------------------------------------


def test_subsidy_applications_for_staff(staff_client, wijk):
    scheme = SchemeFactory(wijk=wijk)

    def add(n):
        for _ in range(n):
            application = ApplicationFactory(
                scheme=scheme, status=Status.SUBMITTED, submitted_at=timezone.now()
            )
            application.initiative.title = f"Buurtfeest {_n()}"
            application.initiative.save()
        return [application.initiative.title]

    assert_queries_constant(staff_client, "/beheer/subsidie/", add)


def test_subsidy_schemes(staff_client, client, wijk):
    def add(n):
        for _ in range(n):
            scheme = SchemeFactory(wijk=WijkFactory(), name=f"Regeling {_n()}")
            ApplicationFactory(scheme=scheme, status=Status.GRANTED, granted_amount=Decimal(500))
        return [scheme.name]

    assert_queries_constant(staff_client, "/beheer/subsidie/regelingen/", add)
    assert_queries_constant(staff_client, "/subsidie/", add)


def test_review_queue_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            subject = ReviewInitiativeFactory(wijk=wijk, title=f"Moestuin {_n()}")
            review = ReviewFactory(subject=subject)
            MemberReviewFactory(review=review)
        return [subject.title]

    assert_queries_constant(staff_client, "/beheer/wijkpanel/", add)


def test_review_dashboard_of_a_panel_member(totp_client, panel_chair, wijk):
    client = totp_client(panel_chair)

    def add(n):
        for _ in range(n):
            subject = ReviewInitiativeFactory(wijk=wijk, title=f"Moestuin {_n()}")
            review = ReviewFactory(subject=subject)
            MemberReviewFactory(review=review)
        return [subject.title]

    assert_queries_constant(client, "/wijkpanel/", add)


def test_rounds_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            budget_round = RoundFactory(wijk=WijkFactory(), name=f"Ronde {_n()}")
            _projects(budget_round, 2)
        return [budget_round.name]

    assert_queries_constant(staff_client, "/beheer/wijkbudget/", add)


def test_projects_for_staff(staff_client, wijk):
    budget_round = RoundFactory(wijk=wijk, phase="review")
    initiative = InitiativeFactory(wijk=wijk, status=InitiativeStatus.PUBLISHED)

    def add(n):
        shown = []
        for _ in range(n):
            proposer = VerifiedProfileFactory(wijk=wijk).user
            shown += _projects(budget_round, 1, initiative=initiative, proposed_by=proposer)
        return shown[-1:]

    assert_queries_constant(staff_client, f"/beheer/wijkbudget/{budget_round.pk}/", add)


def test_initiatives_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            initiative = InitiativeFactory(
                wijk=wijk, title=f"Moestuin {_n()}", status=InitiativeStatus.SUBMITTED
            )
            ContentReportFactory(initiative=initiative, status=ReportStatus.OPEN)
        return [initiative.title]

    assert_queries_constant(staff_client, "/beheer/initiatieven/", add)


def test_residents_for_staff(staff_client, wijk):
    def add(n):
        for _ in range(n):
            profile = VerifiedProfileFactory(wijk=wijk, display_name=f"Bewoner {_n()}")
        return [profile.display_name]

    assert_queries_constant(staff_client, reverse("core:staff_residents"), add)

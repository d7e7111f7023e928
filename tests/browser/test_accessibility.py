"""axe-core finds no serious or critical WCAG 2.1 AA violation on any public page type or form.

One test per page (or form in its error state), so a failure names the page. axe-core comes
from npm (package.json; `npm ci` installs it into node_modules/) and is evaluated in the page
as the site serves it, under its real Content-Security-Policy: a page that only passes with
the policy lifted would fail residents. For the same reason each page must load without a
CSP violation (an inline style or script the browser blocks).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.browser.support import BASE_DIR, Keyboard, demo_email, shot

pytestmark = pytest.mark.browser

AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

# Made once in the live site's database (its own process): a review waiting for the chair's
# advice, a draft subsidy application, and a closed round with a published result. The
# titles say what they are for; e-mail about them goes nowhere.
_SETUP = """
import datetime, json
from decimal import Decimal
from django.test import override_settings
from django.utils import timezone
from budget import services as budget_services
from budget.models import Project, ProjectStatus, Round
from cms.models import DecisionPage, EventPage, NewsPage
from core.models import User, Wijk
from initiatives.models import Initiative
from review import services as review_services
from review.models import Review
from initiatives.services import initiative_create, initiative_transition
from subsidies.models import Application, Scheme
from subsidies.services.applications import application_create

TAG = "Toegankelijkheidstoets"
wijk = Wijk.objects.get(slug="brunssum-noord")
resident = User.objects.get(email="bewoner.brunssum-noord@example.org")
chair = User.objects.get(email="panel.brunssum-noord@example.org")
staff = User.objects.get(email="medewerker.brunssum-noord@example.org")

def initiative(title, *steps):
    found = Initiative.objects.filter(title=title).first()
    if found:
        return found
    made = initiative_create(actor=resident, wijk=wijk, data={
        "title": title, "summary": "Om de toegankelijkheid van de site te toetsen.",
        "description": "Alleen voor de toegankelijkheidstests.", "themes": ["ontmoeting"],
    })
    initiative_transition(actor=resident, initiative=made, action="submit")
    for action in steps:
        initiative_transition(actor=staff, initiative=made, action=action, reason=TAG)
    return made

def result_round():
    name = f"{TAG}: uitslag"
    found = Round.objects.filter(name=name).first()
    if found:
        return found
    now = timezone.now()
    made = Round(
        wijk=wijk, name=name, description="Een afgesloten ronde met een uitslag.",
        budget=Decimal("10000"), proposals_start=now - datetime.timedelta(days=60),
        review_start=now - datetime.timedelta(days=30),
        voting_start=now - datetime.timedelta(days=2), voting_end=now + datetime.timedelta(days=1),
        realisation_start=now + datetime.timedelta(days=30), ballot_style="knapsack", rule="greedy",
        status="published",
    )
    made.full_clean(); made._change_reason = TAG; made.save()
    projects = []
    for title, cost in (("Speeltuin", "6000"), ("Bankjes", "3000"), ("Verlichting", "5000")):
        project = Project(round=made, title=title, summary=f"{title} voor de wijk.",
                          cost=Decimal(cost), status=ProjectStatus.ELIGIBLE, decision_reason=TAG)
        project.full_clean(); project._change_reason = TAG; project.save()
        projects.append(project)
    for voter, chosen in ((resident, projects[:2]), (chair, projects[1:])):
        budget_services.ballot_cast(
            actor=voter, budget_round=made, choices={p.pk: 1 for p in chosen}
        )
    made.voting_end = timezone.now() - datetime.timedelta(seconds=1)
    made._change_reason = TAG; made.save()
    budget_services.round_count(actor=staff, budget_round=made)
    budget_services.result_publication_request(actor=staff, budget_round=made)
    budget_services.result_publication_confirm(
        actor=User.objects.get(email="medewerker.beijum@example.org"), budget_round=made
    )
    return made

with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
    reviewed = initiative(f"{TAG}: advies van het wijkpanel", "start_review")
    review = Review.objects.get(content_type__model="initiative", object_id=reviewed.pk)
    today = timezone.localdate()
    members = [m.member for m in wijk.panel_memberships.filter(
        term_start__lte=today, term_end__gte=today).select_related("member")]
    for member in members:
        # Every member of the demo panel reviews, so the quorum for the advice is met.
        if not review.member_reviews.filter(member=member).exists():
            review_services.member_review_declare(actor=member, review=review, has_conflict=False)
            review_services.member_review_submit(
                actor=member, review=review, scores={key: 4 for key in review.criteria},
                advice="positive", reasoning=TAG,
            )
    published = initiative(f"{TAG}: subsidieaanvraag", "publish")
    scheme = Scheme.objects.get(wijk=wijk, year=timezone.localdate().year)
    application = Application.objects.filter(initiative=published).first() or (
        application_create(actor=resident, initiative=published, scheme=scheme)
    )
    counted = result_round()
voting = Round.objects.get(wijk=wijk, name__startswith="Wijkbudget ")
# Paths on the default site (the browser's host); with several sites `.url` names a host.
from wagtail.models import Site
here = Site.objects.get(is_default_site=True)
print(json.dumps({
    "news": NewsPage.objects.live().filter(wijken=wijk).first().relative_url(here),
    "event": EventPage.objects.live().filter(wijken=wijk).first().relative_url(here),
    "decision": DecisionPage.objects.live().first().relative_url(here),
    "initiative": Initiative.objects.get(wijk=wijk, title__startswith="Moestuin").pk,
    "scheme": scheme.pk,
    "application": application.pk,
    "review": review.pk,
    "voting_round": voting.pk,
    "project": voting.projects.first().pk,
    "result_round": counted.pk,
}))
"""


@pytest.fixture(scope="module")
def ids(live_site) -> dict:
    """The addresses and ids of the pages under test, in the live site's database."""
    output = live_site.manage("shell", "-v0", "-c", _SETUP)
    return json.loads(output.strip().splitlines()[-1])


def login_email(role: str) -> str:
    """'bewoner' is the Brunssum-Noord resident; 'bewoner.beijum' one of another wijk."""
    return demo_email(*role.split("."))


@dataclass(frozen=True)
class Case:
    """A page to check: who looks at it, and how to get it into the state to check."""

    name: str
    open: Callable  # (page, ids) -> None
    role: str | None = None  # a demo role ('bewoner', 'panel', 'bewoner.beijum') or anonymous
    error_state: bool = False  # the page must show a form error before it is checked


def visit(path: str | Callable[[dict], str], status: int = 200) -> Callable:
    def open_page(page, ids):
        response = page.goto(path(ids) if callable(path) else path)
        assert response is not None and response.status == status, f"{page.url}: {response}"

    return open_page


def submit_empty(path: str | Callable[[dict], str], button: str = "main form [type=submit]"):
    """Open a form and send it without filling anything in."""

    def open_page(page, ids):
        visit(path)(page, ids)
        page.locator(button).last.click()
        page.wait_for_load_state()

    return open_page


def sign_up_invalid(page, ids):
    page.goto("/accounts/signup/")
    page.locator("input[name=email]").fill("geen-e-mailadres")
    page.locator("input[name=password1]").fill("kort")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()


def login_wrong_password(page, ids):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(demo_email("bewoner"))
    page.locator("input[name=password]").fill("niet-het-wachtwoord")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()


def password_reset_invalid(page, ids):
    page.goto("/accounts/password/reset/")
    page.locator("input[name=email]").fill("geen-e-mailadres")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()


def ballot_over_budget(page, ids):
    """Every project of the demo round costs more together than its budget."""
    page.goto(f"/wijkbudget/{ids['voting_round']}/stemmen/")
    boxes = page.locator("input[name=projects]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.locator("button[name=step][value=review]").click()
    page.wait_for_load_state()


def ballot_confirm_step(page, ids):
    page.goto(f"/wijkbudget/{ids['voting_round']}/stemmen/")
    page.locator("input[name=projects]").first.check()
    page.locator("button[name=step][value=review]").click()
    page.wait_for_load_state()
    assert page.locator("button[name=step][value=confirm]").is_visible()


def voting_code_wrong(page, ids):
    page.goto(f"/wijkbudget/{ids['voting_round']}/stemcode/")
    page.locator("main form input[type=text]").first.fill("ABCD-EFGH-JKLM")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()


def application_submit_empty(page, ids):
    page.goto(f"/subsidie/aanvraag/{ids['application']}/bewerken/")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()


BEWONER = "bewoner"
PANEL = "panel"
CASES = [
    # Public pages, as anyone sees them.
    Case("home", visit("/")),
    Case("wijk page", visit("/brunssum-noord/")),
    Case("news index", visit("/nieuws/")),
    Case("news page", visit(lambda ids: ids["news"])),
    Case("decision index", visit("/besluiten/")),
    Case("decision page", visit(lambda ids: ids["decision"])),
    Case("event index", visit("/agenda/")),
    Case("event page", visit(lambda ids: ids["event"])),
    Case("standard page", visit("/over-wijkplein/")),
    Case("accessibility statement", visit("/toegankelijkheidsverklaring/")),
    Case("privacy statement", visit("/privacyverklaring/")),
    Case("search with results", visit("/zoeken/?q=moestuin")),
    Case("search without results", visit("/zoeken/?q=qwertyuiop")),
    Case("initiative list", visit("/initiatieven/")),
    Case("wijk initiative list", visit("/wijken/brunssum-noord/initiatieven/")),
    Case("initiative detail", visit(lambda ids: f"/initiatieven/{ids['initiative']}/")),
    Case("subsidy scheme list", visit("/subsidie/")),
    Case("subsidy scheme page", visit(lambda ids: f"/subsidie/regeling/{ids['scheme']}/")),
    Case("budget round list", visit("/wijkbudget/")),
    Case("budget round page", visit(lambda ids: f"/wijkbudget/{ids['voting_round']}/")),
    Case("budget project page", visit(lambda ids: f"/wijkbudget/project/{ids['project']}/")),
    Case("budget results page", visit(lambda ids: f"/wijkbudget/{ids['result_round']}/uitslag/")),
    Case("statistics page", visit("/statistieken/")),
    Case("voting code entry", visit(lambda ids: f"/wijkbudget/{ids['voting_round']}/stemcode/")),
    Case("ballot, not logged in", visit(lambda i: f"/wijkbudget/{i['voting_round']}/stemmen/")),
    Case("page not found", visit("/deze-pagina-bestaat-niet/", status=404)),
    Case("log in", visit("/accounts/login/")),
    Case("sign up", visit("/accounts/signup/")),
    Case("password reset", visit("/accounts/password/reset/")),
    # The resident's own pages.
    Case("my details", visit("/mijn-gegevens/"), BEWONER),
    Case("edit my details", visit("/mijn-gegevens/wijzigen/"), BEWONER),
    Case("my notifications", visit("/mijn-gegevens/meldingen/"), BEWONER),
    Case("notification settings", visit("/mijn-gegevens/e-mailvoorkeuren/"), BEWONER),
    Case("my initiatives", visit("/mijn-initiatieven/"), BEWONER),
    Case("initiative form", visit("/wijken/brunssum-noord/initiatieven/nieuw/"), BEWONER),
    Case(
        "subsidy scheme page, logged in",
        visit(lambda i: f"/subsidie/regeling/{i['scheme']}/"),
        BEWONER,
    ),
    Case(
        "subsidy application form",
        visit(lambda i: f"/subsidie/aanvraag/{i['application']}/bewerken/"),
        BEWONER,
    ),
    Case("ballot", visit(lambda ids: f"/wijkbudget/{ids['voting_round']}/stemmen/"), BEWONER),
    Case("ballot confirm step", ballot_confirm_step, BEWONER),
    Case(
        "ballot, resident of another wijk",
        visit(lambda ids: f"/wijkbudget/{ids['voting_round']}/stemmen/", status=403),
        "bewoner.beijum",
    ),
    Case("my subsidy applications", visit("/subsidie/mijn-aanvragen/"), BEWONER),
    Case(
        "subsidy application page",
        visit(lambda ids: f"/subsidie/aanvraag/{ids['application']}/"),
        BEWONER,
    ),
    Case(
        "volunteer form",
        visit(lambda ids: f"/initiatieven/{ids['initiative']}/meehelpen/"),
        PANEL,
    ),
    # The wijkpanel's pages (its members are residents too).
    Case("wijkpanel dashboard", visit("/wijkpanel/"), PANEL),
    Case("review page", visit(lambda ids: f"/wijkpanel/beoordelingen/{ids['review']}/"), PANEL),
    Case(
        "member review form",
        visit(lambda ids: f"/wijkpanel/beoordelingen/{ids['review']}/mijn-beoordeling/"),
        PANEL,
    ),
    Case(
        "review advice form",
        visit(lambda ids: f"/wijkpanel/beoordelingen/{ids['review']}/advies/"),
        PANEL,
    ),
    # Forms in their error state.
    Case("sign up, empty", submit_empty("/accounts/signup/"), error_state=True),
    Case("sign up, invalid", sign_up_invalid, error_state=True),
    Case("log in, wrong password", login_wrong_password, error_state=True),
    Case("password reset, invalid", password_reset_invalid, error_state=True),
    Case("voting code, wrong code", voting_code_wrong, error_state=True),
    Case(
        "initiative form, empty",
        submit_empty("/wijken/brunssum-noord/initiatieven/nieuw/"),
        BEWONER,
        True,
    ),
    Case("subsidy application, submitted empty", application_submit_empty, BEWONER, True),
    Case("ballot, over budget", ballot_over_budget, BEWONER, True),
    Case(
        "report an initiative, empty",
        submit_empty(lambda i: f"/initiatieven/{i['initiative']}/melden/"),
        BEWONER,
        True,
    ),
    Case(
        "review advice form, empty",
        submit_empty(lambda i: f"/wijkpanel/beoordelingen/{i['review']}/advies/"),
        PANEL,
        True,
    ),
]

ERROR_SHOWN = ".error-summary, .utrecht-form-field-error-message, .utrecht-alert--error"


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now.

    Evaluated through the browser's debugging protocol, which the page's CSP does not
    govern; an injected <script> tag would be blocked, and lifting the policy
    (bypass_csp) would check a page residents never get.
    """
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_available():
    if not AXE.exists():
        pytest.skip(f"axe-core is missing at {AXE}: run `npm ci` in the project folder")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name.replace(" ", "-"))
def test_no_serious_accessibility_violations(case, axe_available, ids, new_page):
    page = new_page(login_email(case.role) if case.role else None)
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    case.open(page, ids)
    if case.error_state:
        assert page.locator(ERROR_SHOWN).first.is_visible(), f"No form error on {page.url}"
    violations = run_axe(page)
    shot(page, case.name)

    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"{page.url}\n{describe(serious)}"
    assert not blocked, f"{page.url}: the CSP blocked part of the page:\n" + "\n".join(blocked)


def test_the_footer_links_to_the_accessibility_and_privacy_statements(page):
    page.goto("/initiatieven/")
    footer = page.locator("footer")

    for link_text, heading in [
        ("Toegankelijkheidsverklaring", "Toegankelijkheidsverklaring"),
        ("Privacyverklaring", "Privacyverklaring"),
    ]:
        footer.get_by_role("link", name=link_text).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        page.go_back()


def test_the_ballot_can_be_used_by_keyboard_with_the_focus_visible(axe_available, ids, new_page):
    """The ballot's styles come from static/css/budget.css; its controls keep a visible focus."""
    page = new_page(demo_email(BEWONER))
    page.goto(f"/wijkbudget/{ids['voting_round']}/stemmen/")
    keyboard = Keyboard(page)

    keyboard.check(page.locator("input[name=projects]").first)
    keyboard.tab_to(page.locator("button[name=step][value=review]"))

    assert page.locator(".budget-cards").evaluate("el => getComputedStyle(el).display") == "grid"


def test_form_errors_are_in_the_language_of_the_page(new_page):
    """WCAG 3.1.2: no English sentence on a Dutch page (Django's and allauth's own messages)."""
    page = new_page()
    sign_up_invalid(page, {})
    assert "Dit wachtwoord is te kort. Het moet minstens 8 tekens lang zijn." in page.inner_text(
        "main"
    )

    login_wrong_password(page, {})
    assert "Het e-mailadres en/of het wachtwoord kloppen niet." in page.inner_text("main")


def test_a_single_checkbox_keeps_its_label_beside_it_and_a_visible_focus(page):
    """The sign-up declaration: box and label on one line, reachable by Tab, focus visible."""
    page.goto("/accounts/signup/")
    box = page.locator("input[name=declares_residency]")

    Keyboard(page).check(box)

    label = page.locator("label[for=id_declares_residency]").bounding_box()
    square = box.bounding_box()
    assert label["x"] > square["x"] + square["width"]  # beside the box, not under it
    assert label["height"] < 3 * square["height"]  # not a word per line

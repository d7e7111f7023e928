"""Journey 4: a resident applies for a subsidy, the wijkpanel advises, staff grant it, and
the applicant downloads the decision letter (beschikking).

Everyone of one wijk (Bilgaard): the resident with the demo initiative, the wijkpanel
(its chair writes the advice once enough members reviewed) and the wijk's coordinator.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures_budget import pdf_text, watch_csp
from tests.browser.support import demo_email, link_in_mail, shot

pytestmark = pytest.mark.browser

WIJK = "bilgaard"
INITIATIVE = "Moestuin Bilgaard"
CRITERIA = (
    "Draagvlak in de wijk",
    "Bijdrage aan de leefbaarheid",
    "Haalbaarheid",
    "Redelijke kosten",
)


def _apply(page) -> str:
    """The resident fills in and submits the application; returns its reference."""
    page.goto("/subsidie/")
    page.get_by_role("link", name=re.compile(r"^Stimuleringsregeling Bilgaard")).click()
    page.get_by_label("Voor welk initiatief?").select_option(label=INITIATIVE)
    shot(page, "scheme chosen for the initiative")
    page.get_by_role("button", name="Aanvraag beginnen").click()

    expect(page.locator("main")).to_contain_text("Uw conceptaanvraag is begonnen.")
    page.get_by_label("Waarvoor de subsidie is").fill(
        "Tien moestuinbakken, aarde en zaden voor de buurtmoestuin."
    )
    page.get_by_label("Gevraagd bedrag (euro)").fill("1250")
    page.get_by_label("Geplande start").fill("2027-03-01")
    page.get_by_label("Gepland einde").fill("2027-10-31")
    page.get_by_label("Verwachte deelnemers").fill("25")
    page.get_by_label("Rekeninghouder").fill("Stichting Moestuin Bilgaard")
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 00")
    page.get_by_label("Beschrijving (regel 1)").fill("Tien moestuinbakken")
    page.get_by_label("Bedrag (euro) (regel 1)").fill("1000")
    page.get_by_label("Beschrijving (regel 2)").fill("Aarde en zaden")
    page.get_by_label("Bedrag (euro) (regel 2)").fill("250")
    page.get_by_label(re.compile("^Ik verklaar")).check()
    shot(page, "application filled in")
    page.get_by_role("button", name="Opslaan en indienen").click()

    expect(page.locator("main")).to_contain_text("Uw aanvraag is ingediend.")
    expect(page.locator(".status-badge").first).to_have_text("Ingediend")
    shot(page, "application submitted")
    reference = page.locator("dl.facts dt:text-is('Kenmerk') + dd").first.inner_text().strip()
    assert re.fullmatch(r"SUB-\d{4}-\d{5}", reference), reference
    return reference


def _open_in_overview(staff, reference: str) -> None:
    staff.goto("/beheer/subsidie/")
    staff.get_by_role("link", name=reference).click()


def _member_reviews(member, reference: str) -> None:
    """A panel member declares no conflict of interest and submits their review."""
    member.goto("/wijkpanel/")
    member.get_by_role("link", name=reference).click()
    member.get_by_role("link", name="Verklaring afleggen en beoordelen").click()
    member.get_by_label("Nee, ik heb geen belangenverstrengeling").check()
    member.get_by_role("button", name="Verklaring opslaan").click()
    for criterion in CRITERIA:
        member.get_by_role("group", name=criterion).get_by_label("4", exact=True).check()
    member.get_by_label("Positief", exact=True).check()
    member.get_by_label("Uw onderbouwing").fill("Veel buren doen mee; de kosten zijn redelijk.")
    shot(member, "panel member review")
    member.get_by_role("button", name="Beoordeling indienen").click()
    expect(member.locator("main")).to_contain_text("Scores van het panel")


def _panel_advises(new_page, reference: str) -> None:
    """The panel reviews until it has a quorum; then the chair writes the panel's advice."""
    chair = new_page(demo_email("panel", WIJK))
    _member_reviews(chair, reference)
    chair.get_by_role("link", name="Schrijf het advies van het panel").click()
    if "Nog geen quorum" in chair.locator("main").inner_text():
        # The demo panel has a second member (cms/demo.py): their review makes the quorum.
        _member_reviews(new_page(demo_email("panellid", WIJK)), reference)
        chair.reload()
    expect(chair.locator("main")).to_contain_text("Quorum bereikt")
    chair.get_by_label("Positief", exact=True).check()
    chair.get_by_label("Onderbouwing van het panel").fill(
        "Het panel steunt dit plan: veel buren doen mee."
    )
    shot(chair, "panel advice")
    chair.get_by_role("button", name="Advies versturen").click()


def test_staff_grant_a_subsidy_and_the_applicant_downloads_the_letter(new_page, live_site):
    resident = new_page(demo_email("bewoner", WIJK))
    refusals = watch_csp(resident)
    reference = _apply(resident)

    staff = new_page(demo_email("medewerker", WIJK))
    _open_in_overview(staff, reference)
    shot(staff, "staff open the submitted application")
    staff.get_by_role("button", name="In behandeling nemen").click()
    expect(staff.locator(".status-badge").first).to_have_text("In behandeling")

    _panel_advises(new_page, reference)

    _open_in_overview(staff, reference)
    expect(staff.locator(".status-badge").first).to_have_text("Advies van het wijkpanel ontvangen")
    staff.get_by_role("link", name="Besluiten op deze aanvraag").click()
    expect(staff.locator("main")).to_contain_text("Het panel steunt dit plan")
    staff.get_by_label("Het gevraagde bedrag verlenen").check()
    staff.get_by_label("Motivering").fill(
        "Het plan past bij de regeling en het wijkpanel adviseert positief."
    )
    shot(staff, "staff decide to grant")
    staff.get_by_role("button", name="Besluit vastleggen").click()
    expect(staff.locator("main")).to_contain_text("Het besluit is vastgelegd.")
    expect(staff.locator(".status-badge").first).to_have_text("Verleend")
    shot(staff, "application granted")

    # The applicant is told by e-mail, with a link to the application page.
    mail = live_site.latest_mail(
        demo_email("bewoner", WIJK), subject_contains=f"Besluit op uw subsidieaanvraag {reference}"
    )
    resident.goto("/subsidie/mijn-aanvragen/")
    expect(resident.get_by_role("row", name=re.compile(reference))).to_contain_text("Verleend")
    resident.goto(link_in_mail(mail, r"/subsidie/aanvraag/\d+/$"))
    decision = resident.locator("section[aria-labelledby=decision-heading]")
    expect(decision).to_contain_text("€ 1.250,00")
    shot(resident, "applicant sees the decision")
    with resident.expect_download() as download:
        decision.get_by_role("link", name="Beschikking downloaden (pdf)").click()
    letter = download.value
    assert letter.suggested_filename == f"beschikking-{reference}.pdf"
    with open(letter.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    text = pdf_text(letter.path())
    assert reference in text
    assert f"Initiatief: {INITIATIVE}" in text
    assert "wij verlenen u subsidie van € 1.250,00" in text
    # The bank account is printed masked, never in full.
    assert "NL91ABNA0417164300" not in text.replace(" ", "")

    # Someone else cannot fetch the letter by its address.
    stranger = new_page(demo_email("bewoner", "beijum"))
    response = stranger.goto(resident.url.split("#")[0] + "beschikking/")
    assert response is not None and response.status in (403, 404)
    assert refusals == []

"""Journey 6: staff count a round whose voting has closed, compare the rules and publish;
the public results page shows the funded projects, the PDF and the recountable .pb file.

The round is the demo's "Groenbudget" of Brunssum-Noord (`budget_demo`): voting closed
yesterday, with twelve paper ballots entered and confirmed at the wijkbedrijf.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures_budget import open_round, pdf_text, watch_csp
from tests.browser.support import demo_email, shot

pytestmark = pytest.mark.browser

ROUND = re.compile(r"^Groenbudget \d{4} Brunssum-Noord$")
# What equal shares (completed with add1) funds from the demo's ballots; plain equal
# shares, shown in the comparison, funds only the first two.
FUNDED = {"Regentonnen", "Bomen in de straat", "Bloemenweide bij de sporthal"}
NOT_FUNDED = "Groene schoolpleinen"


def test_staff_count_and_publish_and_residents_see_the_results(new_page):
    staff = new_page(demo_email("medewerker", "brunssum-noord"))
    staff.goto("/beheer/wijkbudget/")
    staff.get_by_role("link", name=ROUND).click()
    facts = staff.locator("main dl.facts")
    expect(facts).to_contain_text("Uitslag")
    expect(facts).to_contain_text("papier 12")
    shot(staff, "staff open the closed round")

    staff.get_by_role("button", name="Stemmen tellen").click()
    expect(staff.locator("main")).to_contain_text(
        "De stemmen zijn geteld. Controleer de uitkomst en publiceer dan."
    )
    table = staff.locator("main table").first
    for title in FUNDED:
        expect(table.get_by_role("row", name=re.compile(title))).to_contain_text("Gekozen")
    expect(table.get_by_role("row", name=re.compile(NOT_FUNDED))).to_contain_text("Niet gekozen")
    comparison = staff.locator("table", has_text="Telmethode").last
    chosen = comparison.get_by_role("row", name=re.compile("gekozen telmethode"))
    expect(chosen).to_contain_text("Bomen in de straat")
    # Plain equal shares, by its Dutch name and the one-line explanation under it.
    plain = comparison.get_by_role("row", name=re.compile(r"^Gelijke delen\s+Iedere stemmer"))
    expect(plain).not_to_contain_text("Bomen in de straat")
    staff_hash = staff.locator("main code.budget-hash").inner_text().strip()
    shot(staff, "counted outcome and the other rules")

    # Four eyes: this staff member asks (after the "are you sure?" page), a colleague
    # checks the same outcome and confirms the publication.
    result_url = staff.url
    staff.get_by_role("link", name="Publicatie van de uitslag aanvragen").click()
    expect(staff.locator("main")).to_contain_text("Weet u het zeker? Na publicatie ziet iedereen")
    staff.get_by_role("button", name="Publicatie aanvragen").click()
    expect(staff.locator("main")).to_contain_text("een collega moet haar nu bevestigen")
    shot(staff, "publication asked for")

    colleague = new_page(demo_email("medewerker", "beijum"))
    colleague.goto(result_url)
    colleague.get_by_role("link", name="Publicatie bevestigen").click()
    colleague.get_by_role("button", name="Uitslag publiceren").click()
    expect(colleague.locator("main")).to_contain_text("De uitslag is gepubliceerd.")
    shot(colleague, "result published by a colleague")

    # Anyone, without an account, finds the results from the round page.
    visitor = new_page()
    refusals = watch_csp(visitor)
    open_round(visitor, ROUND)
    visitor.get_by_role("link", name="Bekijk de uitslag").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Uitslag")
    funded_list = visitor.locator("h2:text-is('Gekozen projecten') + ol li")
    assert {item.split(" – ")[0] for item in funded_list.all_inner_texts()} == FUNDED
    facts = visitor.locator("main dl.facts")
    expect(facts).to_contain_text("€ 15.000,00 van € 15.000,00")
    expect(facts).to_contain_text("12")
    shot(visitor, "public results page")

    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Download de uitslag (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    text = pdf_text(download.value.path())
    assert all(title in text for title in FUNDED), text
    assert NOT_FUNDED in text

    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Download de stembiljetten (.pb-bestand)").click()
    assert download.value.suggested_filename.endswith(".pb")
    with open(download.value.path(), "rb") as handle:
        pb = handle.read()
    shown_hash = visitor.locator("main code.budget-hash").inner_text().strip()
    # Anyone can check the file they downloaded is the one that was counted.
    assert hashlib.sha256(pb).hexdigest() == shown_hash == staff_hash
    sections = re.split(r"^(META|PROJECTS|VOTES)\s*$", pb.decode(), flags=re.MULTILINE)
    votes = sections[sections.index("VOTES") + 1].strip().splitlines()
    assert len(votes) == 1 + 12  # the header line and one line per ballot
    assert refusals == []

"""Journey 5: a resident votes in a wijkbudget round and changes the ballot; a resident
without an account votes with the code from a letter. The voting step also runs with the
keyboard alone and with JavaScript switched off.

Each test votes as someone of its own (the demo round of another wijk, or a fresh code),
so the tests do not depend on each other's order.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures_budget import CODE_RE, open_round, pdf_text, watch_csp
from tests.browser.support import (
    SCREENSHOT_DIR,
    Keyboard,
    ShotLog,
    demo_email,
    forget_page,
    log_in,
    register_page,
    shot,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page_without_js(request, browser, live_site) -> Iterator[Callable]:
    """Like `new_page`, but in a browser context with JavaScript switched off.

    `page_without_js("bewoner.bilgaard@example.org")` logs in first (the login form
    works without JavaScript too). Screenshots go to var/screenshots/<test-name>-no-js/.
    """
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-") + "-no-js"
    folder = SCREENSHOT_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = ShotLog(folder=folder)
    contexts = []

    def open_page(user_email: str | None = None):
        context = browser.new_context(
            base_url=live_site.base_url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport={"width": 1280, "height": 900},
            java_script_enabled=False,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        register_page(page, log)
        if user_email:
            log_in(page, live_site, user_email)
        return page

    yield open_page

    failed = getattr(request.node, "browser_failed", False)
    for context in contexts:
        for page in context.pages:
            if failed:
                # A failed photo must not hide the failure.
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(folder / "failed.png"), full_page=True)
            forget_page(page)
        context.close()


def voting_round(wijk: str) -> re.Pattern:
    """The demo round in its voting phase (`budget_demo`), by wijk name."""
    return re.compile(rf"^Wijkbudget \d{{4}} {wijk}$")


def budget_left(page) -> str:
    return page.locator("#budget-meter [data-meter=left]").inner_text()


def checked_titles(page) -> set[str]:
    """The projects ticked on the ballot, by the title in their label."""
    titles = set()
    for box in page.locator("input[name=projects]").all():
        if box.is_checked():
            label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
            titles.add(label.removeprefix("Kies ").strip())
    return titles


def confirm_table_titles(page) -> set[str]:
    """The projects listed on the confirm step (waiting until that step is shown)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw stem")
    return {cell.strip() for cell in page.locator("main table tbody th").all_inner_texts()}


def test_resident_votes_then_changes_the_ballot(new_page, live_site):
    resident = demo_email("bewoner", "brunssum-noord")
    page = new_page(resident)
    refusals = watch_csp(page)

    open_round(page, voting_round("Brunssum-Noord"))
    expect(page.locator("main")).to_contain_text("Stemmen")
    shot(page, "round in its voting phase")
    page.get_by_role("link", name="Nu stemmen").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Uw stem")
    assert budget_left(page) == "€ 25.000,00"
    page.get_by_label("Kies Speeltuin opknappen").check()
    # The budget left follows the choice at once (ballot.js), before any round trip.
    expect(page.locator("#budget-meter [data-meter=left]")).to_have_text("€ 13.000,00")
    page.get_by_label("Kies Geveltuintjes").check()
    expect(page.locator("#budget-meter [data-meter=left]")).to_have_text("€ 10.000,00")
    expect(page.locator("#budget-meter [data-meter=total]")).to_have_text("€ 15.000,00")
    shot(page, "two projects chosen, budget left updated")
    # Over the budget the meter says how much too much, never a negative budget left.
    page.get_by_label("Kies Buurtmoestuin").check()
    page.get_by_label("Kies Extra straatverlichting").check()
    meter = page.locator("#budget-meter")
    expect(meter.locator("[data-meter=excess-line]")).to_have_text("€ 5.000,00 te veel gekozen")
    expect(meter.locator("[data-meter=left-line]")).to_be_hidden()
    shot(page, "over the budget")
    page.get_by_label("Kies Buurtmoestuin").uncheck()
    page.get_by_label("Kies Extra straatverlichting").uncheck()
    expect(meter.locator("[data-meter=left]")).to_have_text("€ 10.000,00")
    expect(meter.locator("[data-meter=excess-line]")).to_be_hidden()

    page.get_by_role("button", name="Mijn keuze controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw stem")
    assert confirm_table_titles(page) == {"Speeltuin opknappen", "Geveltuintjes"}
    expect(page.locator("main")).to_contain_text("Totaal: € 15.000,00; budget over: € 10.000,00")
    shot(page, "confirm step")
    page.get_by_role("button", name="Mijn stem bevestigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw stem")
    expect(page.locator("main")).to_contain_text("Uw stem is ontvangen.")
    first_receipt = page.locator("main strong.budget-hash").inner_text()
    assert CODE_RE.fullmatch(first_receipt)
    shot(page, "receipt shown")
    mail = live_site.latest_mail(resident, subject_contains="ontvangen")
    assert first_receipt in mail.get_body(preferencelist=("plain",)).get_content()

    # Back on the round page the resident sees that they voted, and can change it.
    page.get_by_role("link", name="Terug naar de ronde").click()
    expect(page.locator("main")).to_contain_text("U heeft in deze ronde gestemd.")
    page.get_by_role("link", name="Uw stem wijzigen").click()
    expect(page.locator("main")).to_contain_text("U heeft al gestemd.")
    assert checked_titles(page) == {"Speeltuin opknappen", "Geveltuintjes"}
    shot(page, "ballot shows the earlier choice")

    page.get_by_label("Kies Speeltuin opknappen").uncheck()
    page.get_by_label("Kies Buurtmoestuin").check()
    page.get_by_label("Kies Bankjes langs het wandelpad").check()
    expect(page.locator("#budget-meter [data-meter=left]")).to_have_text("€ 11.500,00")
    shot(page, "changed choice")
    page.get_by_role("button", name="Mijn keuze controleren").click()
    assert confirm_table_titles(page) == {
        "Geveltuintjes",
        "Buurtmoestuin",
        "Bankjes langs het wandelpad",
    }
    page.get_by_role("button", name="Mijn stem bevestigen").click()

    expect(page.locator("main")).to_contain_text("Uw nieuwe stem vervangt de vorige.")
    second_receipt = page.locator("main strong.budget-hash").inner_text()
    assert CODE_RE.fullmatch(second_receipt) and second_receipt != first_receipt
    shot(page, "new receipt after the change")

    # The ballot now shows the new choice as theirs, and not the old one.
    page.goto(page.url.replace("/stemmen/bedankt/", "/stemmen/"))
    assert checked_titles(page) == {"Geveltuintjes", "Buurtmoestuin", "Bankjes langs het wandelpad"}
    shot(page, "ballot shows the new choice")

    # Only the last ballot counts: its receipt is found, the replaced one's is not.
    page.get_by_role("link", name=voting_round("Brunssum-Noord")).click()
    page.get_by_role("link", name="Controleer uw ontvangstbewijs").click()
    page.get_by_label("Code van uw ontvangstbewijs").fill(second_receipt)
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("main")).to_contain_text("hoort bij een stem die meetelt")
    shot(page, "new receipt counts")
    page.get_by_label("Code van uw ontvangstbewijs").fill(first_receipt)
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("main")).to_contain_text("Geen meetellende stem heeft dit ontvangstbewijs")
    shot(page, "replaced receipt no longer counts")
    assert refusals == []


def _letter_codes(staff, wijk: str, addresses: list[str]) -> list[str]:
    """Staff generate a batch of letter codes; the codes exist only in the PDF."""
    staff.goto("/beheer/wijkbudget/")
    staff.get_by_role("link", name=voting_round(wijk)).first.click()
    staff.get_by_role("link", name="Stemcodes per brief").click()
    staff.get_by_label("Adressen, één per regel").fill("\n".join(addresses))
    shot(staff, "staff enter addresses for letter codes")
    with staff.expect_download() as download:
        staff.get_by_role("button", name="Brieven maken en downloaden (pdf)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(download.value.path())
    codes = CODE_RE.findall(text)
    assert len(codes) == len(addresses), text
    return codes


def test_code_holder_votes_without_an_account(new_page, live_site):
    staff = new_page(demo_email("medewerker", "brunssum-noord"))
    (code,) = _letter_codes(staff, "Brunssum-Noord", ["Akerstraat 40, 6441 AB"])

    voter = new_page()
    refusals = watch_csp(voter)
    open_round(voter, voting_round("Brunssum-Noord"))
    voter.get_by_role("link", name="Stemmen met de code uit uw brief").click()
    voter.get_by_label("Stemcode uit de brief").fill(code.lower().replace("-", " "))
    shot(voter, "code entered")
    voter.get_by_role("button", name="Verder naar het stembiljet").click()

    expect(voter.get_by_role("heading", level=1)).to_contain_text("Uw stem")
    voter.get_by_label("Kies Extra straatverlichting").check()
    voter.get_by_label("Kies Buurtmoestuin").check()
    expect(voter.locator("#budget-meter [data-meter=left]")).to_have_text("€ 10.000,00")
    shot(voter, "ballot with a letter code")
    voter.get_by_role("button", name="Mijn keuze controleren").click()
    assert confirm_table_titles(voter) == {"Extra straatverlichting", "Buurtmoestuin"}
    voter.get_by_role("button", name="Mijn stem bevestigen").click()

    expect(voter.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw stem")
    # Nobody to e-mail: the receipt is shown once, and the voter is told to write it down.
    expect(voter.locator("main")).to_contain_text("u ziet de code maar één keer")
    assert CODE_RE.fullmatch(voter.locator("main strong.budget-hash").inner_text())
    expect(voter.get_by_role("link", name="Inloggen")).to_be_visible()
    shot(voter, "receipt for the code holder")

    staff.reload()
    expect(staff.locator("main")).to_contain_text("Codes waarmee is gestemd: 1.")
    shot(staff, "staff see one code used")
    assert refusals == []


def test_keyboard_only_vote(new_page):
    """The voting step with Tab, Space and Enter only; the focus is visible at each stop."""
    page = new_page(demo_email("bewoner", "beijum"))
    open_round(page, voting_round("Beijum"))
    keys = Keyboard(page)

    keys.press(page.get_by_role("link", name="Nu stemmen"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uw stem")
    keys.check(page.get_by_label("Kies Bankjes langs het wandelpad"))
    keys.check(page.get_by_label("Kies Extra straatverlichting"))
    expect(page.locator("#budget-meter [data-meter=left]")).to_have_text("€ 11.500,00")
    shot(page, "two projects chosen with the keyboard")
    keys.press(page.get_by_role("button", name="Mijn keuze controleren"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw stem")
    assert confirm_table_titles(page) == {"Bankjes langs het wandelpad", "Extra straatverlichting"}
    shot(page, "confirm step reached with the keyboard")
    keys.press(page.get_by_role("button", name="Mijn stem bevestigen"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw stem")
    assert CODE_RE.fullmatch(page.locator("main strong.budget-hash").inner_text())
    shot(page, "ballot cast with the keyboard")


def test_vote_without_javascript(page_without_js):
    """Without JavaScript the check step does the sums, refuses too much, and casts."""
    page = page_without_js(demo_email("bewoner", "bilgaard"))
    open_round(page, voting_round("Bilgaard"))
    page.get_by_role("link", name="Nu stemmen").click()

    for title in ("Speeltuin opknappen", "Extra straatverlichting", "Buurtmoestuin"):
        page.get_by_label(f"Kies {title}").check()
    # No script: the meter stays as the server drew it until the choice is checked.
    assert budget_left(page) == "€ 25.000,00"
    shot(page, "too much chosen without javascript")
    page.get_by_role("button", name="Mijn keuze controleren").click()

    # 27.000 is more than the 25.000 budget: a clear message, and the choice is kept.
    expect(page.locator(".error-summary")).to_contain_text("meer dan het budget")
    assert checked_titles(page) == {
        "Speeltuin opknappen",
        "Extra straatverlichting",
        "Buurtmoestuin",
    }
    # Never a negative budget left: the meter says how much too much was chosen.
    expect(page.locator("#budget-meter [data-meter=excess-line]")).to_have_text(
        "€ 2.000,00 te veel gekozen"
    )
    expect(page.locator("#budget-meter [data-meter=left-line]")).to_be_hidden()
    shot(page, "over budget refused, choice kept")

    page.get_by_label("Kies Buurtmoestuin").uncheck()
    page.get_by_role("button", name="Mijn keuze controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig uw stem")
    expect(page.locator("main")).to_contain_text("Totaal: € 21.000,00; budget over: € 4.000,00")
    shot(page, "confirm step without javascript")
    page.get_by_role("button", name="Mijn stem bevestigen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw stem")
    assert CODE_RE.fullmatch(page.locator("main strong.budget-hash").inner_text())
    shot(page, "ballot cast without javascript")

"""Journeys 1-3 of issue #7: an initiative from a new resident's sign-up to the panel's advice.

Each test makes its own accounts and initiative, so they run in any order. The decisive
step of each journey is done with the keyboard alone: entering the letter code and
submitting (1), supporting (2), and the panel member's review (3).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.flows import (
    confirm_email,
    enter_letter_code,
    new_resident,
    propose_initiative,
    sign_up,
    staff_letter_code,
    submit_initiative,
    take_step,
    unique,
)
from tests.browser.support import Keyboard, demo_email, shot

pytestmark = pytest.mark.browser


def test_a_new_resident_signs_up_verifies_and_proposes_an_initiative(new_page, live_site):
    resident = new_resident("brunssum-noord", "Noor")
    page = new_page()
    sign_up(page, resident)
    confirm_email(page, live_site, resident)

    staff = new_page(demo_email("medewerker", "brunssum-noord"))
    code = staff_letter_code(staff, resident)

    enter_letter_code(page, code, keyboard=True)
    title = unique("Speeltuin opknappen")
    path = propose_initiative(page, wijk_slug="brunssum-noord", title=title)
    # Submitting, with the keyboard alone: the button on the page, then the confirmation.
    keys = Keyboard(page)
    keys.press(page.get_by_role("main").get_by_role("link", name="Indienen", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Indienen: {title}")
    keys.press(page.get_by_role("main").get_by_role("button", name="Indienen", exact=True))
    expect(page.get_by_role("status")).to_contain_text("Gelukt. De status is nu: Ingediend.")
    shot(page, "submitted for review")

    # The resident finds it under their initiatives and has a receipt; staff got word of it.
    page.goto("/mijn-initiatieven/")
    expect(page.get_by_role("main").get_by_role("link", name=title)).to_be_visible()
    shot(page, "my initiatives")
    live_site.latest_mail(resident.email, subject_contains=f"{title}”: Ingediend")
    live_site.latest_mail(
        demo_email("medewerker", "brunssum-noord"), subject_contains=f"{title}”: Ingediend"
    )
    staff.goto(path)
    expect(staff.get_by_role("main").get_by_role("link", name="Publiceren")).to_be_visible()
    shot(staff, "staff see the submitted initiative")


def test_a_neighbour_supports_the_initiative_and_volunteers(new_page, live_site):
    wijk = "beijum"
    initiator = new_page(demo_email("bewoner", wijk))
    title = unique("Buurtmoestuin")
    path = propose_initiative(initiator, wijk_slug=wijk, title=title)
    submit_initiative(initiator, path)
    staff = new_page(demo_email("medewerker", wijk))
    take_step(staff, path, "Publiceren", reason="Past bij de wijkagenda.")

    # A neighbour who just signed up and verified their address with a letter.
    neighbour = new_resident(wijk, "Bram")
    page = new_page()
    sign_up(page, neighbour)
    confirm_email(page, live_site, neighbour)
    enter_letter_code(page, staff_letter_code(staff, neighbour))

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    support = page.locator("#support")
    expect(support).to_contain_text("0 bewoners steunen dit initiatief.")
    shot(page, "initiative before support")
    Keyboard(page).press(support.get_by_role("button", name="Dit initiatief steunen"))
    expect(page.get_by_role("status")).to_contain_text("Dank voor uw steun.")
    expect(support).to_contain_text("1 bewoner steunt dit initiatief.")
    expect(support).to_contain_text("U steunt dit initiatief.")
    shot(page, "supported")

    support.get_by_role("link", name="Aanmelden als vrijwilliger").click()
    page.get_by_label("Bericht aan de initiatiefnemers (niet verplicht)").fill(
        "Ik kan op zaterdag helpen met schilderen."
    )
    shot(page, "volunteer form")
    page.get_by_role("button", name="Meld mij aan").click()
    expect(page.get_by_role("status")).to_contain_text("Dank u: de initiatiefnemers nemen")
    expect(support).to_contain_text("U bent aangemeld als vrijwilliger.")
    shot(page, "signed up as volunteer")

    # The initiator sees the support on the page, and the volunteer with the message.
    initiator.goto(path)
    expect(initiator.locator("#support")).to_contain_text("1 bewoner steunt dit initiatief.")
    initiator.get_by_role("link", name="Vrijwilligers en hun berichten").click()
    expect(initiator.get_by_role("main")).to_contain_text("Bram")
    expect(initiator.get_by_role("main")).to_contain_text("helpen met schilderen")
    shot(initiator, "initiator sees the volunteer")


def test_the_panel_reviews_and_the_chair_writes_the_advice(new_page, live_site):
    wijk = "bilgaard"
    initiator = new_page(demo_email("bewoner", wijk))
    title = unique("Bankjes langs het water")
    path = propose_initiative(initiator, wijk_slug=wijk, title=title)
    submit_initiative(initiator, path)
    staff = new_page(demo_email("medewerker", wijk))
    take_step(staff, path, "Naar het wijkpanel sturen")
    expect(staff.get_by_role("status")).to_contain_text("In beoordeling bij het wijkpanel")

    # The panel is asked by e-mail. A member declares no conflict and reviews, with the
    # keyboard alone.
    live_site.latest_mail(demo_email("panellid", wijk), subject_contains=title)
    member = new_page(demo_email("panellid", wijk))
    review_path = open_review(member, title)
    member.get_by_role("link", name="Verklaring afleggen en beoordelen").click()
    keys = Keyboard(member)
    keys.choose(member.get_by_label("Nee, ik heb geen belangenverstrengeling"))
    shot(member, "declaration")
    keys.press(member.get_by_role("button", name="Verklaring opslaan"))
    write_review(member, keys, score="4", advice="Positief", reasoning="Goed voor ouderen.")
    shot(member, "member review filled in")
    keys.press(member.get_by_role("button", name="Beoordeling indienen"))
    expect(member.get_by_role("status")).to_contain_text("Uw beoordeling is ingediend.")
    shot(member, "member review submitted")

    # The chair reviews too (a quorum is two of two), then writes the advice.
    chair = new_page(demo_email("panel", wijk))
    chair.goto(review_path)
    chair.get_by_role("link", name="Verklaring afleggen en beoordelen").click()
    chair.get_by_label("Nee, ik heb geen belangenverstrengeling").check()
    chair.get_by_role("button", name="Verklaring opslaan").click()
    write_review(chair, None, score="5", advice="Positief", reasoning="Veel steun in de buurt.")
    chair.get_by_role("button", name="Beoordeling indienen").click()
    expect(chair.get_by_role("status")).to_contain_text("Uw beoordeling is ingediend.")
    # The chair now sees both reviews.
    expect(chair.get_by_role("main")).to_contain_text("Goed voor ouderen.")
    shot(chair, "chair sees the reviews")
    chair.get_by_role("link", name="Schrijf het advies van het panel").click()
    advice = "Het panel adviseert positief: de bankjes maken de kade een ontmoetingsplek."
    chair.get_by_role("group", name=re.compile("Advies van het panel")).get_by_label(
        "Positief", exact=True
    ).check()
    chair.get_by_label("Onderbouwing van het panel").fill(advice)
    shot(chair, "advice written")
    chair.get_by_role("button", name="Advies versturen").click()
    expect(chair.get_by_role("status")).to_contain_text(
        "Het advies van het panel is naar de gemeente gestuurd."
    )
    shot(chair, "advice sent")

    # Staff see the advice when they decide, and publishing makes it public.
    staff.goto(path)
    staff.get_by_role("main").get_by_role("link", name="Publiceren", exact=True).click()
    expect(staff.get_by_role("main")).to_contain_text(advice)
    staff.get_by_role("main").get_by_role("button", name="Publiceren", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("Gepubliceerd")
    visitor = new_page()
    visitor.goto(path)
    expect(visitor.get_by_role("main")).to_contain_text("Advies van het wijkpanel")
    expect(visitor.get_by_role("main")).to_contain_text(advice)
    shot(visitor, "public page shows the advice")


def open_review(page, title: str) -> str:
    """From the Wijkpanel dashboard to the review of the initiative; returns its path."""
    page.get_by_role("navigation").get_by_role("link", name="Wijkpanel").click()
    shot(page, "panel dashboard")
    page.get_by_role("main").get_by_role("link", name=re.compile(re.escape(title))).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    shot(page, "review page")
    return re.sub(r"^https?://[^/]+", "", page.url)


def write_review(page, keys: Keyboard | None, *, score: str, advice: str, reasoning: str):
    """Give every criterion the same score, an advice and reasoning (by keyboard if `keys`)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw beoordeling")
    form = page.locator("main form")
    criteria = form.locator("fieldset").filter(has=page.locator("input[name^=score_]"))
    assert criteria.count() >= 1
    for index in range(criteria.count()):
        radio = criteria.nth(index).get_by_label(score, exact=True)
        if keys:
            keys.choose(radio)
        else:
            radio.check()
    advice_radio = form.locator("fieldset:has(input[name=advice])").get_by_label(advice, exact=True)
    reasoning_field = page.get_by_label("Uw onderbouwing")
    if keys:
        keys.choose(advice_radio)
        keys.fill(reasoning_field, reasoning)
    else:
        advice_radio.check()
        reasoning_field.fill(reasoning)

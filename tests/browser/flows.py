"""Steps that several journeys take, done through the site as its users would.

Each step takes the page of the person doing it and asserts what that person would
notice. The texts are the Dutch ones residents see.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.support import DEMO_PASSWORD, Keyboard, LiveSite, link_in_mail, shot

CODE_RE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")

# The demo wijken (cms/demo.py): a postcode and street in each, for new residents.
WIJK_ADDRESS = {
    "brunssum-noord": ("Brunssum-Noord", "Akerstraat", "6441"),
    "beijum": ("Beijum", "Beijumerweg", "9733"),
    "bilgaard": ("Bilgaard", "Valeriusstraat", "8925"),
}


def unique(prefix: str) -> str:
    """A name no earlier test in the session has used."""
    return f"{prefix}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class NewResident:
    """Someone who signs up during a journey."""

    email: str
    name: str
    wijk_slug: str
    street: str
    postcode: str
    house_number: str

    @property
    def address_line(self) -> str:
        """The address as staff type it for a letter ('Street 12a, 6441 AB')."""
        return f"{self.street} {self.house_number}, {self.postcode}"


def new_resident(wijk_slug: str, name: str) -> NewResident:
    """A resident of a demo wijk with an address of their own."""
    _wijk_name, street, area = WIJK_ADDRESS[wijk_slug]
    letters = "".join(secrets.choice("BCDEFGHJKLMNPRSTVWXZ") for _ in range(2))
    return NewResident(
        email=f"{unique(name.lower())}@example.org",
        name=name,
        wijk_slug=wijk_slug,
        street=street,
        postcode=f"{area} {letters}",
        house_number=str(100 + secrets.randbelow(9000)),
    )


def sign_up(page: Page, resident: NewResident) -> None:
    """From the home page through the sign-up form, to 'check your e-mail'."""
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registreren")
    page.get_by_label("E-mailadres").fill(resident.email)
    page.get_by_label("Naam die anderen zien").fill(resident.name)
    page.get_by_label("Postcode").fill(resident.postcode)
    page.get_by_label("Huisnummer").fill(resident.house_number)
    page.get_by_label("Ik verklaar dat ik op dit adres woon.").check()
    page.get_by_label(re.compile(r"^Wachtwoord\W*$")).fill(DEMO_PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(DEMO_PASSWORD)
    shot(page, "sign-up form filled in")
    page.get_by_role("main").get_by_role("button", name="Registreren").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("main")).to_contain_text(resident.email)
    shot(page, "check your e-mail")


def confirm_email(page: Page, site: LiveSite, resident: NewResident) -> None:
    """Open the link from the verification mail and confirm; the resident is logged in."""
    mail = site.latest_mail(resident.email)
    page.goto(link_in_mail(mail, r"/accounts/confirm-email/[^/]+/$"))
    expect(page.get_by_role("main")).to_contain_text(resident.email)
    shot(page, "confirm e-mail address")
    page.get_by_role("main").get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(re.compile(r"/mijn-gegevens/$"))
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    shot(page, "e-mail confirmed, logged in")


def staff_letter_code(staff_page: Page, resident: NewResident) -> str:
    """Staff generate a letter for the resident's address; the code is read from the PDF."""
    wijk_name = WIJK_ADDRESS[resident.wijk_slug][0]
    staff_page.goto("/beheer/briefcodes/")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Briefcodes")
    staff_page.get_by_label("Wijk").select_option(label=wijk_name)
    staff_page.get_by_label("Adressen, één per regel").fill(resident.address_line)
    staff_page.get_by_label("Notitie (niet verplicht)").fill("Browsertest")
    shot(staff_page, "staff prepare a letter")
    with staff_page.expect_download() as download_info:
        staff_page.get_by_role("button", name="Brieven maken en downloaden (pdf)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert f"{resident.street} {resident.house_number}" in text
    codes = CODE_RE.findall(text)
    assert len(codes) == 1, text
    return codes[0]


def enter_letter_code(page: Page, code: str, *, keyboard: bool = False) -> None:
    """On 'Mijn gegevens', enter the code from the letter (with the keyboard alone if asked)."""
    page.goto("/mijn-gegevens/")
    residency = page.locator("main .status-badge")
    expect(residency).to_have_text("Zelf opgegeven")
    field = page.get_by_label("Code uit de brief")
    button = page.get_by_role("button", name="Mijn adres verifiëren")
    if keyboard:
        keys = Keyboard(page)
        keys.fill(field, code)
        shot(page, "letter code typed")
        keys.press(button)
    else:
        field.fill(code)
        shot(page, "letter code typed")
        button.click()
    expect(page.get_by_role("status")).to_contain_text("Bedankt: uw adres is nu geverifieerd.")
    expect(residency).to_have_text("Geverifieerd")
    shot(page, "address verified")


def propose_initiative(page: Page, *, wijk_slug: str, title: str) -> str:
    """A verified resident proposes an initiative in their wijk; returns its address (path)."""
    wijk_name = WIJK_ADDRESS[wijk_slug][0]
    page.goto(f"/wijken/{wijk_slug}/initiatieven/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Initiatieven in {wijk_name}")
    page.get_by_role("link", name="Initiatief voorstellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Initiatief voorstellen")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Korte samenvatting").fill("De speeltuin opknappen en een bankje erbij.")
    page.get_by_label("Beschrijving").fill(
        "We schilderen de toestellen, planten struiken langs het hek en zetten een bankje "
        "neer voor ouders en grootouders. Wie wil helpen is welkom op zaterdagochtend."
    )
    page.get_by_label("Jeugd").check()
    page.get_by_label("Ontmoeting").check()
    page.get_by_label("Plaats (niet verplicht)").fill("Speeltuin aan de Kerkstraat")
    page.get_by_label("We zoeken vrijwilligers").check()
    page.get_by_label("Geschatte kosten in euro (niet verplicht)").fill("750")
    shot(page, "initiative form filled in")
    page.get_by_role("button", name="Concept bewaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("status")).to_contain_text("Uw initiatief is als concept bewaard.")
    expect(page.get_by_role("main")).to_contain_text("Concept")
    shot(page, "concept saved")
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


def take_step(page: Page, initiative_path: str, button: str, *, reason: str = "") -> None:
    """Take a workflow step from the initiative's page: its button, then confirm on the form."""
    page.goto(initiative_path)
    page.get_by_role("main").get_by_role("link", name=button, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(button)
    if reason:
        page.get_by_label(re.compile(r"^Reden")).fill(reason)
    shot(page, f"confirm {button}")
    page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Gelukt. De status is nu:")
    shot(page, f"after {button}")


def submit_initiative(page: Page, initiative_path: str) -> None:
    """The initiator submits the concept; it is then 'Ingediend'."""
    take_step(page, initiative_path, "Indienen")
    expect(page.get_by_role("status")).to_contain_text("Ingediend")

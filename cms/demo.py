"""The demo: three wijken with pages, and a resident, panel chair and staff member each.

Idempotent: running it again updates what exists and adds what is missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cms.models import HomePage, StandardPage, WijkContact, WijkPage
from core.models import (
    PanelMembership,
    Profile,
    ResidencyStatus,
    User,
    VerificationMethod,
    Wijk,
    WijkCoordinator,
    WijkPostcode,
)
from core.roles import COUNCIL_STAFF

DEMO_PASSWORD = "wijkplein-demo"


@dataclass(frozen=True)
class DemoWijk:
    slug: str
    name: str
    municipality: str
    postcodes: tuple[str, ...]
    street: str
    wijkbedrijf: str
    address: str


WIJKEN = (
    DemoWijk(
        "brunssum-noord",
        "Brunssum-Noord",
        "Brunssum",
        ("6441", "6442", "6443AB"),
        "Akerstraat",
        "Wijkbedrijf Brunssum-Noord",
        "Akerstraat 112\n6441 AN Brunssum",
    ),
    DemoWijk(
        "beijum",
        "Beijum",
        "Groningen",
        ("9733", "9734"),
        "Beijumerweg",
        "Wijkbedrijf Beijum",
        "Beijumerweg 13\n9733 AB Groningen",
    ),
    DemoWijk(
        "bilgaard",
        "Bilgaard",
        "Leeuwarden",
        ("8925", "8926"),
        "Valeriusstraat",
        "Wijkbedrijf Bilgaard",
        "Valeriusstraat 36\n8926 GH Leeuwarden",
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    wijk: str


def _user(email: str, name: str, postcode: str, number: str, wijk: Wijk) -> User:
    user, _created = User.objects.get_or_create(email=email)
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": name,
            "postcode": postcode,
            "house_number": number,
            "wijk": wijk,
            "residency_status": ResidencyStatus.VERIFIED,
            "verification_method": VerificationMethod.STAFF,
            "verified_at": timezone.now(),
        },
    )
    return user


def _ensure_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def _wijk_page(home: HomePage, demo: DemoWijk, wijk: Wijk) -> None:
    page = WijkPage.objects.filter(wijk=wijk).first()
    if page is None:
        page = WijkPage(
            title=demo.name,
            slug=demo.slug,
            wijk=wijk,
            intro=f"<p>Welkom op de pagina van {demo.name}. Hier vindt u initiatieven van "
            f"bewoners, het wijkbudget en het nieuws uit de wijk.</p>",
            wijkbedrijf_name=demo.wijkbedrijf,
            address=demo.address,
            opening_hours="Maandag tot en met donderdag 9.00–16.00 uur\nVrijdag 9.00–12.00 uur",
            show_in_menus=True,
        )
        home.add_child(instance=page)
        WijkContact.objects.create(
            page=page, name="Wijkcoördinator", role="Gemeente", email=f"{demo.slug}@example.org"
        )
        page.save_revision().publish()


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create or update the demo; return the accounts it made."""
    staff_group = Group.objects.get(name=COUNCIL_STAFF)
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run the migrations first.")
    if not home.intro:
        home.intro = (
            "<p>Op Wijkplein bepalen bewoners mee wat er in hun wijk gebeurt: draag een "
            "initiatief aan, steun je buren en stem over het wijkbudget.</p>"
        )
        home.save_revision().publish()
    accounts: list[DemoAccount] = []
    for index, demo in enumerate(WIJKEN):
        wijk, _ = Wijk.objects.update_or_create(
            slug=demo.slug, defaults={"name": demo.name, "municipality": demo.municipality}
        )
        for code in demo.postcodes:
            WijkPostcode.objects.update_or_create(code=code, defaults={"wijk": wijk})
        area = demo.postcodes[0]
        resident = _user(f"bewoner.{demo.slug}@example.org", "Sanne", f"{area}AB", "12", wijk)
        chair = _user(f"panel.{demo.slug}@example.org", "Henk", f"{area}AC", f"{3 + index}", wijk)
        staff = _user(f"medewerker.{demo.slug}@example.org", "Fatima", f"{area}AD", "1", wijk)
        staff.groups.add(staff_group)
        _ensure_totp(staff)
        PanelMembership.objects.get_or_create(
            wijk=wijk,
            member=chair,
            defaults={
                "term_start": datetime.date(2026, 1, 1),
                "term_end": datetime.date(2029, 12, 31),
                "is_chair": True,
            },
        )
        WijkCoordinator.objects.get_or_create(wijk=wijk, user=staff)
        _wijk_page(home, demo, wijk)
        accounts += [
            DemoAccount(resident.email, "bewoner (geverifieerd)", demo.name),
            DemoAccount(chair.email, "voorzitter wijkpanel", demo.name),
            DemoAccount(staff.email, "gemeentemedewerker, wijkcoördinator", demo.name),
        ]
    if not StandardPage.objects.filter(slug="over-wijkplein").exists():
        about = StandardPage(
            title="Over Wijkplein",
            slug="over-wijkplein",
            intro="Wijkplein is het digitale plein van de wijk: bewonersinitiatieven, de "
            "stimuleringsregeling, het wijkpanel en het wijkbudget op één plek.",
        )
        home.add_child(instance=about)
        about.save_revision().publish()
    return accounts

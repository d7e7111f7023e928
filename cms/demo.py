"""The demo: three municipalities, each on its own host name with its own page tree and a
wijk; news; per wijk a resident, two panel members and staff.

Brunssum is the default site (brunssum.localhost, and 127.0.0.1 or any other host name);
Groningen and Leeuwarden are served on groningen.localhost and leeuwarden.localhost.
Idempotent: running it again updates what exists and adds what is missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from budget.models import BudgetOfficer
from cms.models import (
    DecisionKind,
    DecisionPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    WijkContact,
    WijkPage,
)
from cms.services import decision_index_get_or_create
from core.models import (
    Municipality,
    PanelMembership,
    Profile,
    ResidencyStatus,
    User,
    VerificationMethod,
    Wijk,
    WijkCoordinator,
    WijkPostcode,
)
from core.roles import APPROVERS, COUNCIL_STAFF, EDITORS, FUNCTIONAL_ADMINS, SCOPED_ROLES
from initiatives.models import Initiative
from initiatives.services import initiative_create, initiative_transition
from subsidies.models import Scheme, SchemeOfficer
from subsidies.services.schemes import scheme_create

DEMO_PASSWORD = "wijkplein-demo"


@dataclass(frozen=True)
class DemoMunicipality:
    slug: str
    name: str
    host: str
    postal_address: str
    website: str
    signatory_role: str
    objection_address: str


MUNICIPALITIES = {
    "brunssum": DemoMunicipality(
        "brunssum",
        "Gemeente Brunssum",
        "brunssum.localhost",
        "Lindeplein 1\n6444 AT Brunssum",
        "https://www.brunssum.nl",
        "teamleider Wijken",
        "Postbus 250\n6440 AG Brunssum",
    ),
    "groningen": DemoMunicipality(
        "groningen",
        "Gemeente Groningen",
        "groningen.localhost",
        "Kreupelstraat 1\n9712 HW Groningen",
        "https://gemeente.groningen.nl",
        "gebiedsmanager Oost",
        "Postbus 30026\n9700 RM Groningen",
    ),
    "leeuwarden": DemoMunicipality(
        "leeuwarden",
        "Gemeente Leeuwarden",
        "leeuwarden.localhost",
        "Oldehoofsterkerkhof 2\n8911 DH Leeuwarden",
        "https://www.leeuwarden.nl",
        "wijkregisseur Bilgaard",
        "Postbus 21000\n8900 JA Leeuwarden",
    ),
}


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
        "brunssum",
        ("6441", "6442", "6443AB"),
        "Akerstraat",
        "Wijkbedrijf Brunssum-Noord",
        "Akerstraat 112\n6441 AN Brunssum",
    ),
    DemoWijk(
        "beijum",
        "Beijum",
        "groningen",
        ("9733", "9734"),
        "Beijumerweg",
        "Wijkbedrijf Beijum",
        "Beijumerweg 13\n9733 AB Groningen",
    ),
    DemoWijk(
        "bilgaard",
        "Bilgaard",
        "leeuwarden",
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


def _editorial_accounts(wijk: Wijk, *, area: str) -> list[DemoAccount]:
    """An editor who drafts news for approval, and the functional administrator who decides,
    from the CMS admin's Users screen, who edits and who approves."""
    accounts = []
    for email, name, group, role in (
        ("redacteur@example.org", "Noah", EDITORS, "redacteur CMS (concepten, ter goedkeuring)"),
        (
            "beheerder@example.org",
            "Lotte",
            FUNCTIONAL_ADMINS,
            "functioneel beheerder (wie redigeert en wie goedkeurt)",
        ),
    ):
        user = _user(email, name, f"{area}AE", "2", wijk)
        user.groups.add(Group.objects.get(name=group))
        _ensure_totp(user)  # every login to the CMS admin asks for the second factor
        accounts.append(DemoAccount(email, role, "alle wijken"))
    return accounts


def _municipality(demo: DemoMunicipality, *, default_home: HomePage) -> HomePage:
    """The municipality with its site; the home page of that site, which is created (under
    the root, as a page tree of its own) unless it is the default site's."""
    default_site = Site.objects.get(is_default_site=True)
    if demo.slug == "brunssum":
        # The first install's municipality (core migration 0009) becomes Brunssum.
        site, home = default_site, default_home
        municipality = (
            Municipality.objects.filter(slug=demo.slug).first()
            or Municipality.objects.filter(site=site).first()
            or Municipality(slug=demo.slug)
        )
        for other in Municipality.objects.filter(site=site).exclude(pk=municipality.pk):
            other.site = None  # an older database's placeholder, e.g. Gemeente Voorbeeld
            other.save()
    else:
        site = Site.objects.filter(hostname=demo.host).first()
        home = HomePage.objects.filter(pk=site.root_page_id).first() if site else None
        if home is None:
            home = HomePage.objects.filter(slug=demo.slug, depth=2).first()
        if home is None:
            home = HomePage(
                title=f"Wijkplein {demo.name.removeprefix('Gemeente ')}",
                slug=demo.slug,
                intro=default_home.intro,
            )
            Page.get_first_root_node().add_child(instance=home)
            home.save_revision().publish()
        site = site or Site(hostname=demo.host)
        municipality = Municipality.objects.filter(slug=demo.slug).first() or Municipality(
            slug=demo.slug
        )
    site.hostname = demo.host
    site.root_page = home
    site.site_name = f"Wijkplein {demo.name.removeprefix('Gemeente ')}"
    site.save()
    municipality.name = demo.name
    municipality.slug = demo.slug
    municipality.site = site
    municipality.postal_address = demo.postal_address
    municipality.website = demo.website
    municipality.email = f"wijkplein@{demo.slug}.example.org"
    municipality.email_sender = f"{demo.name} <wijkplein@{demo.slug}.example.org>"
    municipality.signatory_name = "Fatima"
    municipality.signatory_role = demo.signatory_role
    municipality.objection_address = demo.objection_address
    municipality.objection_email = f"bezwaar@{demo.slug}.example.org"
    municipality.full_clean()
    municipality.save()
    return home


def _wijk_page(home: HomePage, demo: DemoWijk, wijk: Wijk) -> None:
    page = WijkPage.objects.filter(wijk=wijk).first()
    if page is not None and page.get_parent().pk != home.pk:
        page.move(home, pos="last-child")  # an older demo had every wijk under one home
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


def _index(home: HomePage, model, title: str, slug: str, intro: str):
    index = model.objects.first()
    if index is None:
        index = model(title=title, slug=slug, intro=f"<p>{intro}</p>", show_in_menus=True)
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def _publish_once(parent, page) -> None:
    if not parent.get_children().filter(slug=page.slug).exists():
        parent.add_child(instance=page)
        page.save_revision().publish()


def _news_decisions_events(home: HomePage, wijken: list[Wijk]) -> None:
    """A news item and an event per wijk, and a published decision about all of them."""
    news = _index(
        home, NewsIndexPage, "Nieuws", "nieuws", "Nieuws van de gemeente en de wijkbedrijven."
    )
    agenda = _index(
        home, EventIndexPage, "Agenda", "agenda", "Wat er te doen is in de wijkbedrijven."
    )
    decisions = decision_index_get_or_create()
    today = timezone.localdate()
    for wijk in wijken:
        _publish_once(
            news,
            NewsPage(
                title=f"Wijkbudget {wijk.name}: dien uw plan in",
                slug=f"wijkbudget-{wijk.slug}",
                date=today,
                intro=f"Heeft u een idee voor {wijk.name}? Tot het eind van de maand kunt u "
                "een plan indienen voor het wijkbudget.",
                body=[
                    (
                        "paragraph",
                        "<p>Bewoners beslissen dit jaar zelf over het wijkbudget. Het "
                        "wijkpanel bekijkt alle plannen; daarna stemt de wijk.</p>",
                    ),
                    (
                        "quote",
                        {
                            "quote": "Wie de wijk kent, weet wat er nodig is.",
                            "attribution": "Fatima, wijkcoördinator",
                        },
                    ),
                ],
                wijken=[wijk],
            ),
        )
        _publish_once(
            agenda,
            EventPage(
                title=f"Koffieochtend {wijk.name}",
                slug=f"koffieochtend-{wijk.slug}",
                date=today + datetime.timedelta(days=7),
                start_time=datetime.time(10, 0),
                end_time=datetime.time(11, 30),
                place=f"Wijkbedrijf {wijk.name}",
                intro="Koffie, thee en een praatje met de wijkcoördinator en het wijkpanel.",
                wijken=[wijk],
            ),
        )
    _publish_once(
        decisions,
        DecisionPage(
            title="Wijkbudget 2026 vastgesteld",
            slug="wijkbudget-2026-vastgesteld",
            decided_on=today,
            kind=DecisionKind.POLICY,
            summary="De gemeenteraad stelt voor 2026 per wijk € 50.000 beschikbaar. Bewoners "
            "dienen plannen in en stemmen; het wijkpanel adviseert.",
            wijken=wijken,
        ),
    )


STATEMENTS = (
    (
        "toegankelijkheidsverklaring",
        "Toegankelijkheidsverklaring",
        "Wijkplein wil voor iedereen bruikbaar zijn, ook met een schermlezer, alleen een "
        "toetsenbord of een vergroting.",
        "<p>Wijkplein is gebouwd volgens de WCAG 2.1 op niveau AA, de norm voor websites van "
        "de overheid. Alle pagina's werken zonder JavaScript, hebben een link 'Direct naar de "
        "inhoud', een zichtbare focus en formulieren met labels en een overzicht van fouten.</p>"
        "<p>Loopt u toch tegen een probleem aan? Meld het bij het wijkbedrijf of mail de "
        "gemeente; we reageren binnen vijf werkdagen.</p>",
    ),
    (
        "privacyverklaring",
        "Privacyverklaring",
        "Welke gegevens Wijkplein van u bewaart, waarom, en hoe lang.",
        "<p>We bewaren uw e-mailadres, naam, postcode en huisnummer om te weten in welke wijk u "
        "woont, en uw geboortejaar alleen als u het opgeeft (voor een minimumleeftijd bij "
        "stemmingen).</p>"
        # Says what docs/privacy.md says ("What a database administrator can and cannot
        # link"), in plain words: no more than holds.
        "<p>Als u stemt, bewaren we dát u stemde, wanneer en hoe (online, met de code uit een "
        "brief of op papier). Wát u stemde staat apart, zonder uw naam, onder een sleutel die "
        "alleen met een geheim van de website te berekenen is. Dat geheim staat niet in de "
        "database. Wie alleen de database kan lezen, zoals een databasebeheerder, ziet dus wie "
        "er stemde, maar niet wat. Wie de database én dat geheim heeft, kan een stem wel aan "
        "een persoon koppelen. Daarom houdt de gemeente het geheim bij zo min mogelijk "
        "beheerders, en niet bij wie de database beheert.</p>"
        "<p>Ook kort na het stemmen is een stem in de database nog aan uw deelname te koppelen, "
        "tot de stemmen (elk kwartier) door elkaar worden gezet. In back-ups uit de "
        "stemperiode blijft dat mogelijk; die zijn alleen voor de beheerders van de servers. "
        "Een stem op papier staat bij uw naam of stemcode tot een tweede medewerker het "
        "formulier heeft gecontroleerd; daarna staat hij los van u.</p>"
        "<p>De e-mail met uw ontvangstcode wordt versleuteld klaargezet en na het versturen "
        "gewist. Andere e-mails bewaren we na het versturen nog 7 dagen. 90 dagen na het "
        "sluiten van een stemming halen we de koppeling tussen uw account en uw deelname weg, "
        "en de adressen op de stemcodes.</p>"
        "<p>U kunt uw gegevens inzien, downloaden en wijzigen onder 'Mijn gegevens', en daar "
        "ook uw account verwijderen.</p>",
    ),
)


def _statements(home: HomePage) -> None:
    """The accessibility and privacy statements every public-sector site must have."""
    for slug, title, intro, text in STATEMENTS:
        _publish_once(
            home, StandardPage(title=title, slug=slug, intro=intro, body=[("paragraph", text)])
        )


def _initiative_and_scheme(*, wijk: Wijk, resident: User, staff: User) -> None:
    """A published initiative that asks for volunteers, and an open subsidy scheme."""
    year = timezone.localdate().year
    for scheme in Scheme.objects.filter(wijk=wijk, year=year):
        SchemeOfficer.objects.get_or_create(scheme=scheme, user=staff)  # an older demo's
    if not Scheme.objects.filter(wijk=wijk, year=year).exists():
        scheme_create(
            actor=staff,
            data={
                "wijk": wijk,
                "year": year,
                # The year is shown after the name (Scheme.__str__), so not in it too.
                "name": f"Stimuleringsregeling {wijk.name}",
                "pot": Decimal("10000"),
                "min_amount": Decimal("100"),
                "max_amount": Decimal("2500"),
                "opens_on": datetime.date(year, 1, 1),
                "closes_on": datetime.date(year, 12, 31),
                "eligibility": "Bewoners van de wijk met een plan dat de buurt samen maakt.",
            },
        )
    if Initiative.objects.filter(wijk=wijk, created_by=resident).exists():
        return
    initiative = initiative_create(
        actor=resident,
        wijk=wijk,
        data={
            "title": f"Moestuin {wijk.name}",
            "summary": "Samen groenten kweken op het braakliggende veldje achter de school.",
            "description": "We bouwen tien moestuinbakken, zaaien in het voorjaar en oogsten "
            "samen. Iedereen uit de buurt is welkom; kinderen van de school doen mee.",
            "themes": ["groen", "ontmoeting", "jeugd"],
            "place": "Veldje achter de basisschool",
            "needs_volunteers": True,
            "needs_materials": True,
            "estimated_cost": Decimal("1250"),
        },
    )
    initiative_transition(actor=resident, initiative=initiative, action="submit")
    initiative_transition(
        actor=staff,
        initiative=initiative,
        action="publish",
        reason="Klein initiatief dat past bij de wijkagenda.",
    )


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create or update the demo; return the accounts it made."""
    staff_group = Group.objects.get(name=COUNCIL_STAFF)
    approvers = Group.objects.get(name=APPROVERS)
    scoped_roles = list(Group.objects.filter(name__in=SCOPED_ROLES))
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run the migrations first.")
    if not home.intro:
        home.intro = (
            "<p>Op Wijkplein bepalen bewoners mee wat er in hun wijk gebeurt: draag een "
            "initiatief aan, steun uw buren en stem over het wijkbudget.</p>"
        )
        home.save_revision().publish()
    accounts: list[DemoAccount] = []
    wijken: list[Wijk] = []
    staff_of: list[User] = []
    homes = {slug: _municipality(demo, default_home=home) for slug, demo in MUNICIPALITIES.items()}
    for index, demo in enumerate(WIJKEN):
        municipality = Municipality.objects.get(slug=demo.municipality)
        wijk, _ = Wijk.objects.update_or_create(
            slug=demo.slug, defaults={"name": demo.name, "municipality": municipality}
        )
        for code in demo.postcodes:
            WijkPostcode.objects.update_or_create(code=code, defaults={"wijk": wijk})
        area = demo.postcodes[0]
        resident = _user(f"bewoner.{demo.slug}@example.org", "Sanne", f"{area}AB", "12", wijk)
        chair = _user(f"panel.{demo.slug}@example.org", "Henk", f"{area}AC", f"{3 + index}", wijk)
        member = _user(f"panellid.{demo.slug}@example.org", "Ayşe", f"{area}AC", "20", wijk)
        staff = _user(f"medewerker.{demo.slug}@example.org", "Fatima", f"{area}AD", "1", wijk)
        # Council staff approve news, decisions and events in the CMS's "Redactie" workflow.
        # The scoped council roles (core/roles.py) in their own wijk: coordinator, subsidy
        # officer (of the schemes they set up) and budget officer.
        staff.groups.add(staff_group, approvers, *scoped_roles)
        BudgetOfficer.objects.get_or_create(wijk=wijk, user=staff)
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
        # A second member, so the panel needs a quorum of two and the chair is not alone;
        # the vice-chair, who chairs a review the chair is recused from.
        PanelMembership.objects.update_or_create(
            wijk=wijk,
            member=member,
            defaults={
                "term_start": datetime.date(2026, 1, 1),
                "term_end": datetime.date(2029, 12, 31),
                "is_chair": False,
                "is_vice_chair": True,
            },
        )
        WijkCoordinator.objects.get_or_create(wijk=wijk, user=staff)
        _wijk_page(homes[demo.municipality], demo, wijk)
        _initiative_and_scheme(wijk=wijk, resident=resident, staff=staff)
        wijken.append(wijk)
        staff_of.append(staff)
        accounts += [
            DemoAccount(resident.email, "bewoner (geverifieerd)", demo.name),
            DemoAccount(chair.email, "voorzitter wijkpanel", demo.name),
            DemoAccount(member.email, "vicevoorzitter wijkpanel", demo.name),
            DemoAccount(
                staff.email,
                "gemeentemedewerker, wijkcoördinator, keurt CMS-pagina's goed",
                demo.name,
            ),
        ]
    # The wijkbudget takes four eyes (paper ballots, publishing a result): each wijk's budget
    # officer has the next wijk's staff member as a deputy (brunssum-noord: beijum's).
    for wijk, deputy in zip(wijken, staff_of[1:] + staff_of[:1], strict=True):
        BudgetOfficer.objects.get_or_create(wijk=wijk, user=deputy)
    accounts += _editorial_accounts(wijken[0], area=WIJKEN[0].postcodes[0])
    if not StandardPage.objects.filter(slug="over-wijkplein").exists():
        about = StandardPage(
            title="Over Wijkplein",
            slug="over-wijkplein",
            intro="Wijkplein is het digitale plein van de wijk: bewonersinitiatieven, de "
            "stimuleringsregeling, het wijkpanel en het wijkbudget op één plek.",
        )
        home.add_child(instance=about)
        about.save_revision().publish()
    _news_decisions_events(home, wijken)
    for municipality_home in homes.values():
        _statements(municipality_home)
    return accounts

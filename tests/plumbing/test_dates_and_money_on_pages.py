"""Key pages write dates and amounts as each language does, and never a raw stored value."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from budget import services as budget_services
from initiatives.models import InitiativeStatus
from tests.factories import make_staff
from tests.factories.budget import ProjectFactory, RoundFactory, publish_result
from tests.factories.initiatives import InitiativeFactory, ProgressUpdateFactory
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 17, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
RAW = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # an ISO date
    re.compile(r"\b(None|True|False)\b"),
    re.compile(r"(?<![\d,.])\d{4,}\.\d{2}\b"),  # 1250.50: a Decimal printed as it is stored
    re.compile(r"€ ?-"),  # a negative amount
]


def _visible(html: str) -> str:
    """The text of the page's main content, without tags and attributes (those stay ISO)."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _pages(client, url: str) -> tuple[str, str]:
    """The page in Dutch (the default) and in English (the language switch's cookie)."""
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    dutch = client.get(url)
    assert dutch.status_code == 200, url
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return _visible(dutch.content.decode()), _visible(english.content.decode())


def _no_raw_values(*texts: str) -> None:
    for text in texts:
        for pattern in RAW:
            assert not pattern.search(text), (pattern.pattern, pattern.search(text).group(0))


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_the_initiative_page(client, wijk, now):
    initiative = InitiativeFactory(
        wijk=wijk, status=InitiativeStatus.PUBLISHED, estimated_cost=Decimal("1250.50")
    )
    ProgressUpdateFactory(initiative=initiative, date=datetime.date(2026, 12, 7))

    dutch, english = _pages(client, reverse("initiatives:detail", args=[initiative.pk]))

    assert "€ 1.250,50" in dutch and "7 december 2026" in dutch
    assert "€1,250.50" in english and "7 December 2026" in english
    _no_raw_values(dutch, english)


def test_the_round_page(client, wijk, now):
    budget_round = RoundFactory(wijk=wijk, phase="voting", budget=Decimal("12500"))
    ProjectFactory(round=budget_round, cost=Decimal("1250.50"))
    voting_end = budget_round.voting_end.astimezone(ZoneInfo("Europe/Amsterdam"))
    months_nl = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"]
    months_nl += ["september", "oktober", "november", "december"]

    dutch, english = _pages(client, reverse("budget:round_detail", args=[budget_round.pk]))

    assert "€ 12.500,00" in dutch and "€12,500.00" in english
    end_nl = f"{voting_end.day} {months_nl[voting_end.month - 1]} {voting_end.year}"
    assert f"{end_nl} {voting_end:%H:%M}" in dutch
    assert f"{voting_end.day} {voting_end:%B %Y %H:%M}" in english
    _no_raw_values(dutch, english)


def test_the_subsidy_application_page(client, wijk, now):
    applicant, initiative = make_initiator(wijk=wijk)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk),
        initiative=initiative,
        created_by=applicant,
        requested_amount=Decimal("1250.50"),
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 3, 2),
    )
    client.force_login(applicant)

    dutch, english = _pages(client, reverse("subsidies:application_detail", args=[application.pk]))

    assert "€ 1.250,50" in dutch and "1 maart 2027 – 2 maart 2027" in dutch
    assert "€1,250.50" in english and "1 March 2027 – 2 March 2027" in english
    _no_raw_values(dutch, english)


def test_the_results_page(client, wijk, now):
    budget_round = RoundFactory(
        wijk=wijk, phase="results", budget=Decimal("10000"), min_choices=1, max_choices=1
    )
    ProjectFactory(round=budget_round, title="Speeltuin", cost=Decimal("6250.50"))
    staff, colleague = make_staff(email="a@example.org"), make_staff(email="b@example.org")
    budget_services.round_count(actor=staff, budget_round=budget_round)
    publish_result(budget_round=budget_round, asked_by=staff, confirmed_by=colleague)

    dutch, english = _pages(client, reverse("budget:result", args=[budget_round.pk]))

    assert "€ 10.000,00" in dutch and "7 december 2026" in dutch
    assert "€10,000.00" in english and "7 December 2026" in english
    _no_raw_values(dutch, english)


def test_the_history_writes_changed_amounts_and_dates_as_the_page_does(client, wijk, now):
    applicant, initiative = make_initiator(wijk=wijk)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk),
        initiative=initiative,
        created_by=applicant,
        requested_amount=Decimal("500"),
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 3, 9),
    )
    application.requested_amount = Decimal("1250.50")
    application.starts_on = datetime.date(2027, 3, 8)
    application.save()
    client.force_login(applicant)

    dutch, english = _pages(client, reverse("subsidies:application_detail", args=[application.pk]))

    assert "van € 500,00 naar € 1.250,50" in dutch
    assert "van 1 maart 2027 naar 8 maart 2027" in dutch
    assert "from €500.00 to €1,250.50" in english
    assert "from 1 March 2027 to 8 March 2027" in english
    _no_raw_values(dutch, english)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_dutch_letter_keeps_its_dutch_dates_whatever_the_staff_member_reads(wijk, language):
    address = SimpleNamespace(street="Kerkstraat", house_number="12", postcode_display="6441 AB")
    budget_round = RoundFactory(wijk=wijk, phase="voting")
    context = {"letters": [(address, "ABCD-EFGH-JKMN")], "today": datetime.date(2026, 12, 7)}

    with translation.override(language):
        residency = render_to_string(
            "pdf/residency_letters.html", {**context, "batch": SimpleNamespace(wijk=wijk)}
        )
        voting = render_to_string(
            "pdf/budget_voting_letters.html", {**context, "round": budget_round}
        )

    for letter in (residency, voting):
        assert "<p>7 december 2026</p>" in letter
        assert "December" not in letter

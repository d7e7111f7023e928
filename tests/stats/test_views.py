"""The statistics pages and CSV: what the public sees, what staff see, and that both agree."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import HomePage, WijkPage
from core.models import User, Wijk
from stats.tables import Cell
from subsidies.models import Application, Status
from tests.factories import ProfileFactory, UserFactory, VerifiedProfileFactory, WijkFactory
from tests.factories.initiatives import InitiativeFactory
from tests.stats.conftest import NOW

HEADER = ["Wijk", "Periode", "Wijkbudgetronde", "Meting", "Code", "Waarde", "Toelichting"]


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read accents"
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def _value(rows, *, wijk: str, code: str, period: str = "totaal", round_name: str = ""):
    matches = [
        row
        for row in rows
        if row["Wijk"] == wijk
        and row["Code"] == code
        and row["Periode"] == period
        and row["Wijkbudgetronde"] == round_name
    ]
    assert len(matches) == 1, (wijk, code, period, matches)
    return matches[0]


def test_anonymous_visitors_see_the_public_overview(client, dataset):
    response = client.get(reverse("stats:overview"))
    assert response.status_code == 200
    page = response.context["page"]
    assert not page.detailed
    assert page.total("residents_registered").value == 20
    assert page.total("initiatives_public").value == 6
    assert page.total("amount_requested").value == 4000
    # Granted: 4 applications, so the count reads "< 5" and the money is hidden.
    assert page.total("applications_granted").suppressed
    assert page.total("amount_granted").suppressed
    codes = [measure.code for measure in page.measures]
    assert "amount_paid" not in codes and "initiatives_all" not in codes
    content = response.content.decode()
    assert "&lt; 5" in content
    assert "Wijkbudget 2025" in content
    # Counted but unpublished, still voting, or a rehearsal: not on the public page.
    assert "Beijum kiest" not in content
    assert "Wijkbudget 2026" not in content
    assert "Proefstemming Kerkstraat" not in content
    assert "Subsidieaanvragen per status" not in content


def test_small_wijken_are_hidden_and_a_second_one_protects_them(client, dataset, other_wijk):
    page = client.get(reverse("stats:overview")).context["page"]
    rows = {row.wijk.slug: row.cells for row in page.wijk_rows}
    column = [measure.code for measure in page.measures].index("residents_registered")
    assert rows["brunssum-noord"][column].value == 10
    # Beijum has 4 residents: "< 5". Hoensbroek (6) is hidden too, or 20 - 10 - 6 = 4.
    assert rows["beijum"][column].suppressed and not rows["beijum"][column].secondary
    assert rows["hoensbroek"][column].secondary
    assert page.total("residents_registered").value == 20
    # The wijk page hides exactly the same cell, so it cannot be used to undo it.
    third = client.get(reverse("stats:wijk", args=["hoensbroek"])).context["page"]
    assert third.total("residents_registered").secondary


def test_a_wijk_page_shows_only_that_wijk(client, dataset, wijk):
    response = client.get(reverse("stats:wijk", args=[wijk.slug]))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.wijk == wijk
    assert page.total("residents_registered").value == 10
    assert page.total("residents_verified").value == 7
    assert page.total("initiatives_public").value == 5
    assert page.total("supports_public").value == 6
    assert page.total("applications_submitted").value == 6
    assert page.wijk_rows == []
    assert [row.round.name for row in page.rounds] == ["Wijkbudget 2025"]
    june = page.periods[-1]
    assert june.figures.code == "2026-06"
    assert june.cells[0].value == 10  # registrations


def test_unknown_wijk_is_not_found(client, db):
    assert client.get(reverse("stats:wijk", args=["nergens"])).status_code == 404


def test_staff_see_every_figure(staff_client, dataset, wijk):
    response = staff_client.get(reverse("stats:wijk", args=[wijk.slug]))
    page = response.context["page"]
    assert page.detailed
    assert page.total("applications_granted").value == 4
    assert page.total("amount_granted").value == 2900
    assert page.total("amount_paid").value == 1380
    assert page.total("initiatives_all").value == 8
    statuses = {row.code: row for row in page.application_statuses}
    assert statuses["settled"].paid.value == 900
    assert statuses["rejected"].count.value == 1
    assert "concept" not in statuses
    names = [row.round.name for row in page.rounds]
    assert names == ["Wijkbudget 2025", "Wijkbudget 2026"]
    assert page.rounds[1].voters == 2 and not page.rounds[1].counted
    content = response.content.decode()
    assert "Subsidieaanvragen per status" in content
    assert "&lt; 5" not in content


def test_residents_and_panel_members_get_the_public_figures(client, dataset, wijk):
    client.force_login(VerifiedProfileFactory(wijk=wijk).user)
    page = client.get(reverse("stats:overview")).context["page"]
    assert not page.detailed
    assert page.total("amount_granted").suppressed


def test_is_staff_alone_does_not_give_the_detailed_figures(client, dataset):
    client.force_login(UserFactory(is_staff=True))
    assert not client.get(reverse("stats:overview")).context["page"].detailed


def test_csv_matches_the_public_page(client, dataset, wijk):
    page = client.get(reverse("stats:overview")).context["page"]
    response = client.get(reverse("stats:overview_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert _value(rows, wijk="Alle wijken", code="residents_registered")["Waarde"] == "20"
    assert _value(rows, wijk="Alle wijken", code="amount_requested")["Waarde"] == "4000,00"
    granted = _value(rows, wijk="Alle wijken", code="amount_granted")
    assert granted["Waarde"] == "" and "minder dan 5" in granted["Toelichting"]
    assert _value(rows, wijk="Brunssum-Noord", code="residents_registered")["Waarde"] == "10"
    assert _value(rows, wijk="Beijum", code="residents_registered")["Waarde"] == ""
    assert _value(rows, wijk="Hoensbroek", code="residents_registered")["Waarde"] == ""
    assert not [row for row in rows if row["Code"] == "amount_paid"]
    june = _value(rows, wijk="Alle wijken", code="initiatives_public", period="2026-06")
    assert june["Waarde"] == str(page.periods[-1].figures.initiatives_public)
    turnout = _value(
        rows,
        wijk="Brunssum-Noord",
        code="turnout",
        period="2026-06-14",
        round_name="Wijkbudget 2025",
    )
    assert turnout["Waarde"] == "57,1"
    # Every total on the page is in the CSV with the same value.
    for measure, value in page.summary:
        cell = _value(rows, wijk="Alle wijken", code=measure.code)
        assert (cell["Waarde"] == "") == value.suppressed


def test_staff_csv_has_the_full_figures(staff_client, dataset, wijk):
    rows = _csv(staff_client.get(reverse("stats:wijk_csv", args=[wijk.slug])))
    assert _value(rows, wijk="Brunssum-Noord", code="amount_paid")["Waarde"] == "1380,00"
    assert _value(rows, wijk="Brunssum-Noord", code="amount_granted")["Waarde"] == "2900,00"
    assert _value(rows, wijk="Brunssum-Noord", code="applications_status_rejected")["Waarde"] == "1"
    assert not [row for row in rows if row["Wijk"] == "Beijum"]
    assert [row["Wijkbudgetronde"] for row in rows if row["Code"] == "voters"] == [
        "Wijkbudget 2025",
        "Wijkbudget 2026",
    ]


def test_quarters_on_request(client, dataset):
    response = client.get(reverse("stats:overview"), {"per": "kwartaal"})
    page = response.context["page"]
    assert len(page.periods) == 8
    assert page.periods[-1].figures.code == "2026-Q2"
    assert "K2 2026" in response.content.decode()
    rows = _csv(client.get(reverse("stats:overview_csv"), {"per": "kwartaal"}))
    assert (
        _value(rows, wijk="Alle wijken", code="registrations", period="2026-Q2")["Waarde"] == "20"
    )


def test_charts_are_accessible_svg_without_inline_styles(client, dataset):
    content = client.get(reverse("stats:overview")).content.decode()
    assert 'role="img"' in content
    assert '<title id="chart-initiative-status-title">Initiatieven per status</title>' in content
    assert "<desc id=" in content
    assert "style=" not in content.split("<main", 1)[1]
    assert "<script" not in content


def test_names_that_look_like_formulas_are_neutralised(client, db):
    WijkFactory(name="=HYPERLINK(1)", slug="formule")
    rows = _csv(client.get(reverse("stats:overview_csv")))
    assert {row["Wijk"] for row in rows} >= {"'=HYPERLINK(1)"}


@pytest.mark.parametrize("name", ["stats:overview", "stats:overview_csv"])
def test_the_page_needs_as_many_queries_for_5_as_for_50(client, db, name):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    wijk = WijkFactory()
    for _ in range(5):
        InitiativeFactory(wijk=wijk)
    few = count()
    for _ in range(45):
        InitiativeFactory(wijk=WijkFactory())
    assert count() == few


def test_the_footer_links_to_the_statistics(client, db):
    content = client.get(reverse("stats:overview")).content.decode()
    assert f'href="{reverse("stats:overview")}"' in content


def test_a_hidden_month_cannot_be_worked_out_from_the_total(client, dataset, wijk):
    Application.objects.filter(status=Status.REJECTED).update(
        submitted_at=NOW - datetime.timedelta(days=62)
    )
    page = client.get(reverse("stats:wijk", args=[wijk.slug])).context["page"]
    index = [measure.code for measure in page.period_measures].index("applications_submitted")
    april, june = page.periods[-3].cells[index], page.periods[-1].cells[index]
    assert april.suppressed and not april.secondary
    # June alone (5) would give April away: 6 in total minus 5.
    assert june.secondary
    assert page.total("applications_submitted").value == 6
    assert "verborgen" in client.get(reverse("stats:wijk", args=[wijk.slug])).content.decode()


def test_the_wijk_page_links_to_its_statistics(client, wijk, home):
    page = WijkPage(title="Brunssum-Noord", slug="brunssum-noord", wijk=wijk)
    home.add_child(instance=page)
    page.save_revision().publish()
    content = client.get(page.url).content.decode()
    assert f'href="{reverse("stats:wijk", args=[wijk.slug])}"' in content


@pytest.fixture
def home(db):
    return HomePage.objects.get()


def test_a_month_hidden_on_a_wijk_page_cannot_be_worked_out_from_the_overview(client, dataset):
    """The overview's month minus the other wijken's shown months must not give a hidden one."""

    def registrations(url) -> dict[str, Cell]:
        page = client.get(url).context["page"]
        index = [measure.code for measure in page.period_measures].index("registrations")
        return {row.figures.code: row.cells[index] for row in page.periods}

    overview = registrations(reverse("stats:overview"))
    per_wijk = [registrations(reverse("stats:wijk", args=[w.slug])) for w in Wijk.objects.all()]
    for month, total in overview.items():
        hidden = [cells[month] for cells in per_wijk if cells[month].suppressed]
        if total.suppressed or not hidden:
            continue
        # Beijum's June (4 registrations) is hidden on its page; the overview shows June
        # (20) and the other wijk pages 10 and 6: 20 - 10 - 6 = 4.
        assert len(hidden) > 1, f"{month}: the one hidden wijk is the overview minus the others"


def _registered(wijk, *, may: int, june: int) -> None:
    """Residents of `wijk` who registered in May and in June 2026."""
    for _ in range(may + june):
        ProfileFactory(wijk=wijk)
    may_ids = list(
        User.objects.filter(profile__wijk=wijk).order_by("pk").values_list("pk", flat=True)[:may]
    )
    User.objects.filter(pk__in=may_ids).update(date_joined=NOW - datetime.timedelta(days=31))


def _months(client, url: str, code: str = "registrations") -> dict[str, Cell]:
    page = client.get(url).context["page"]
    index = [measure.code for measure in page.period_measures].index(code)
    return {row.figures.code: row.cells[index] for row in page.periods}


def _assert_no_month_can_be_worked_out(client) -> dict[str, dict[str, Cell]]:
    """Every wijk page and the overview: a hidden month never stands alone in its month."""
    pages = {
        w.slug: _months(client, reverse("stats:wijk", args=[w.slug])) for w in Wijk.objects.all()
    }
    overview = _months(client, reverse("stats:overview"))
    for month, total in overview.items():
        hidden = [slug for slug, cells in pages.items() if cells[month].suppressed]
        if hidden and not total.suppressed:
            assert len(hidden) > 1, f"{month}: {hidden} is the overview minus the others"
            shown = sum(
                cells[month].value for cells in pages.values() if not cells[month].suppressed
            )
            assert total.value - shown >= 5, f"{month}: the hidden wijken rest on fewer than 5"
    return {**pages, "overview": overview}


def test_a_hidden_month_hides_the_next_smallest_wijk_of_that_month(client, db, frozen):
    small, large, middle = (
        WijkFactory(name=name, slug=name.lower())
        for name in ("Abdissenbosch", "Bekkerveld", "Caumerveld")
    )
    _registered(small, may=3, june=6)
    _registered(large, may=8, june=9)
    _registered(middle, may=6, june=7)
    pages = _assert_no_month_can_be_worked_out(client)
    # Abdissenbosch's May (3) is small; its June goes too, or its total would give May away.
    assert pages["abdissenbosch"]["2026-05"].suppressed
    assert not pages["abdissenbosch"]["2026-05"].secondary
    assert pages["abdissenbosch"]["2026-06"].secondary
    # The overview's May minus Bekkerveld would give it away: Caumerveld's (the smaller)
    # May is hidden as well, and its June, which protects Abdissenbosch's June.
    assert pages["caumerveld"]["2026-05"].secondary
    assert pages["caumerveld"]["2026-06"].secondary
    assert pages["bekkerveld"]["2026-05"].value == 8
    assert pages["overview"]["2026-05"].value == 17
    assert pages["overview"]["2026-06"].value == 22


def _two_wijken():
    return (WijkFactory(name=name, slug=name.lower()) for name in ("Abdissenbosch", "Bekkerveld"))


def test_with_two_wijken_the_other_one_hides_the_same_month(client, db, frozen):
    small, large = _two_wijken()
    _registered(small, may=3, june=6)
    _registered(large, may=8, june=9)
    pages = _assert_no_month_can_be_worked_out(client)
    assert pages["bekkerveld"]["2026-05"].secondary
    assert pages["overview"]["2026-05"].value == 11


def test_with_two_wijken_and_nothing_else_to_hide_the_overview_hides_the_month(client, db, frozen):
    small, large = _two_wijken()
    _registered(small, may=3, june=6)
    # Bekkerveld's May is all it has: its total would give it away, and so Abdissenbosch's.
    _registered(large, may=8, june=0)
    pages = _assert_no_month_can_be_worked_out(client)
    assert pages["abdissenbosch"]["2026-05"].suppressed
    assert pages["overview"]["2026-05"].suppressed and pages["overview"]["2026-05"].secondary
    assert pages["overview"]["2026-06"].suppressed


@pytest.mark.parametrize(("slug", "hidden"), [(None, 0), ("abdissenbosch", 2), ("caumerveld", 2)])
def test_the_csv_hides_exactly_what_the_page_hides(client, db, frozen, slug, hidden):
    for name, may, june in (("Abdissenbosch", 3, 6), ("Bekkerveld", 8, 9), ("Caumerveld", 6, 7)):
        _registered(WijkFactory(name=name, slug=name.lower()), may=may, june=june)
    args = [slug] if slug else []
    page_url = reverse("stats:wijk" if slug else "stats:overview", args=args)
    csv_url = reverse("stats:wijk_csv" if slug else "stats:overview_csv", args=args)
    page = client.get(page_url).context["page"]
    rows = _csv(client.get(csv_url))
    scope = page.scope_name
    checked = 0
    for period in page.periods:
        for measure, value in zip(page.period_measures, period.cells, strict=True):
            row = _value(rows, wijk=scope, code=measure.code, period=period.figures.code)
            assert row["Waarde"] == ("" if value.suppressed else str(value.value))
            assert ("zou een cijfer" in row["Toelichting"]) == value.secondary
            checked += value.suppressed
    for wijk_row in page.wijk_rows:
        for measure, value in zip(page.measures, wijk_row.cells, strict=True):
            row = _value(rows, wijk=wijk_row.wijk.name, code=measure.code)
            assert (row["Waarde"] == "") == value.suppressed
    assert checked == hidden

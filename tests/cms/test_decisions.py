"""A decision taken elsewhere gets a draft decision page; once published, both link."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.template import Context, Template
from django.utils import timezone
from wagtail.models import Page

from cms.models import DecisionIndexPage, DecisionPage
from cms.selectors import decision_page_for
from core.events import announce_decision, decision_taken

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _announce(obj, **overrides):
    event = {
        "kind": "subsidy",
        "obj": obj,
        "title": "Subsidie toegekend: Groene Akerstraat",
        "summary": "Het college kent € 2.500 toe voor plantenbakken in de Akerstraat.",
        "decided_at": timezone.make_aware(datetime.datetime(2026, 3, 2, 23, 30)),
        "wijken": [obj],
        "advice": "Het wijkpanel adviseert positief.",
        "pdf": PDF,
        "url": "/initiatieven/groene-akerstraat/",
    }
    event.update(overrides)
    decision_taken.send(sender=type(obj), **event)


def test_a_decision_prepares_a_draft_page_under_a_new_decisions_overview(home, wijk):
    assert not DecisionIndexPage.objects.exists()

    _announce(wijk)

    page = DecisionPage.objects.get()
    assert not page.live
    assert page.has_unpublished_changes
    assert page.get_parent().specific_class is DecisionIndexPage
    assert page.get_parent().live
    assert page.title == "Subsidie toegekend: Groene Akerstraat"
    assert page.kind == "subsidy"
    assert page.decided_on == datetime.date(2026, 3, 2)
    assert page.panel_advice == "Het wijkpanel adviseert positief."
    assert page.decided_url == "/initiatieven/groene-akerstraat/"
    assert list(page.wijken.all()) == [wijk]
    assert page.latest_revision is not None
    assert page.document.file.read() == PDF
    assert page.document.filename.endswith(".pdf")


def test_the_draft_is_not_visible_until_staff_publish_it(client, home, wijk):
    _announce(wijk, title="Besluit over de Akerstraat")
    page = DecisionPage.objects.get()

    assert client.get(page.url or "/besluiten/besluit-over-de-akerstraat/").status_code == 404
    assert "Besluit over de Akerstraat" not in client.get("/").content.decode()
    assert decision_page_for(wijk) is None

    page.get_latest_revision().publish()

    content = client.get("/besluiten/besluit-over-de-akerstraat/").content.decode()
    assert "Het college kent € 2.500 toe" in content
    assert 'href="/initiatieven/groene-akerstraat/"' in content
    assert "(PDF)" in content
    assert decision_page_for(wijk) == page


def test_the_decided_objects_page_can_link_to_its_published_decision(home, wijk, other_wijk):
    _announce(wijk, title="Besluit Brunssum")
    _announce(other_wijk, title="Besluit Beijum")
    for page in DecisionPage.objects.all():
        page.get_latest_revision().publish()

    rendered = Template(
        "{% load cms_tags %}{% decision_page_for obj as decision %}"
        "{% if decision %}<a href='{{ decision.url }}'>{{ decision.title }}</a>{% endif %}"
    ).render(Context({"obj": wijk}))

    assert rendered == "<a href='/besluiten/besluit-brunssum/'>Besluit Brunssum</a>"


def test_two_decisions_with_the_same_title_get_their_own_page(home, wijk):
    _announce(wijk, pdf=None)
    _announce(wijk, pdf=None)

    slugs = sorted(DecisionPage.objects.values_list("slug", flat=True))
    assert slugs == [
        "subsidie-toegekend-groene-akerstraat",
        "subsidie-toegekend-groene-akerstraat-2",
    ]
    assert all(page.document is None for page in DecisionPage.objects.all())


def test_an_existing_decisions_overview_is_used(home, wijk):
    index = DecisionIndexPage(title="Besluiten van de gemeente", slug="besluiten")
    home.add_child(instance=index)

    _announce(wijk)

    assert DecisionIndexPage.objects.count() == 1
    assert DecisionPage.objects.get().get_parent().pk == index.pk


def test_announcing_waits_for_the_transaction_to_commit(
    home, wijk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announce_decision(
            kind="budget_result",
            obj=wijk,
            title="Uitslag wijkbudget Brunssum-Noord 2026",
            summary="Vijf projecten krijgen geld.",
            decided_at=timezone.now(),
            wijken=[wijk],
            url="/wijkbudget/brunssum-noord-2026/",
        )
        assert not DecisionPage.objects.exists()

    assert DecisionPage.objects.get().kind == "budget_result"


def test_a_failing_draft_does_not_break_the_decision(home, wijk, caplog):
    with caplog.at_level(logging.ERROR, logger="cms.receivers"):
        _announce(wijk, kind="something-else")

    assert not DecisionPage.objects.exists()
    assert "Could not prepare a decision page" in caplog.text
    assert Page.objects.filter(slug="besluiten").count() == 0


def test_staff_see_drafts_to_check_on_the_cms_dashboard(staff_client, home, wijk):
    _announce(wijk, title="Subsidie voor het buurtfeest")

    content = staff_client.get("/cms-admin/").content.decode()

    assert "Subsidie voor het buurtfeest" in content
    assert "Besluiten om te controleren en te publiceren" in content


def test_residents_do_not_reach_the_cms_dashboard(client, resident, home, wijk):
    _announce(wijk, title="Subsidie voor het buurtfeest")
    client.force_login(resident)

    response = client.get("/cms-admin/")

    assert response.status_code == 403  # the 403 page, not a redirect loop through the login
    assert "Subsidie voor het buurtfeest" not in response.content.decode()

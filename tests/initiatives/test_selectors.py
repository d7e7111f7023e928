"""Overviews, filters, search, query counts and the decision timeline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives import selectors
from initiatives.models import InitiativeStatus as S
from initiatives.services import initiative_transition
from tests.factories.initiatives import InitiativeFactory, SupportFactory

pytestmark = pytest.mark.django_db


def test_the_overview_shows_only_public_unhidden_initiatives(make_initiative, other_wijk):
    shown = {make_initiative(status) for status in (S.PUBLISHED, S.IN_PROGRESS, S.COMPLETED)}
    shown.add(make_initiative(S.REJECTED))
    for status in (S.CONCEPT, S.SUBMITTED, S.IN_REVIEW, S.WITHDRAWN):
        make_initiative(status)
    make_initiative(S.PUBLISHED, hidden=True, hidden_reason="x")
    elsewhere = InitiativeFactory(wijk=other_wijk, status=S.PUBLISHED)

    assert set(selectors.initiatives_overview()) == shown | {elsewhere}
    assert elsewhere not in selectors.initiatives_overview(wijk=shown.pop().wijk)


def test_filters_by_theme_and_status_and_counts_supporters(make_initiative):
    green = make_initiative(S.PUBLISHED, themes=["groen"])
    youth = make_initiative(S.IN_PROGRESS, themes=["jeugd", "sport"])
    SupportFactory(initiative=youth)
    SupportFactory(initiative=youth)

    assert list(selectors.initiatives_overview(theme="groen")) == [green]
    assert list(selectors.initiatives_overview(theme="sport")) == [youth]
    assert list(selectors.initiatives_overview(status=S.IN_PROGRESS)) == [youth]
    assert selectors.initiatives_overview(theme="jeugd").get().support_count == 2


def test_search_finds_words_in_title_summary_and_description(make_initiative):
    garden = make_initiative(S.PUBLISHED, title="Moestuin", summary="Groenten", description="x")
    make_initiative(S.PUBLISHED, title="Voetbalveld", summary="Sport", description="Doelen")
    bench = make_initiative(
        S.PUBLISHED, title="Bankjes", summary="Rust", description="Bij de speeltuin"
    )

    assert list(selectors.initiatives_overview(text="moestuin")) == [garden]
    assert list(selectors.initiatives_overview(text="speeltuin")) == [bench]
    assert list(selectors.initiatives_overview(text="onbekendwoord")) == []


def test_the_overview_takes_as_many_queries_for_20_initiatives_as_for_5(
    client, make_initiative, django_assert_num_queries
):
    url = reverse("initiatives:overview")
    for _ in range(5):
        SupportFactory(initiative=make_initiative(S.PUBLISHED))
    client.get(url)  # warm caches (content types, the site) outside the count
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    for _ in range(15):
        SupportFactory(initiative=make_initiative(S.PUBLISHED))
    with django_assert_num_queries(len(five)):
        client.get(url)


def test_the_public_timeline_shows_decisions_with_their_reasons_only(make_initiative, staff):
    initiative = make_initiative(S.CONCEPT)
    initiative = initiative_transition(
        actor=initiative.created_by, initiative=initiative, action="submit"
    )
    long_reason = "Dit past goed bij het wijkplan. " * 10  # longer than the trail's column
    initiative = initiative_transition(
        actor=staff, initiative=initiative, action="publish", reason=long_reason
    )
    initiative = initiative_transition(
        actor=initiative.created_by,
        initiative=initiative,
        action="withdraw",
        reason="Privé-omstandigheden",
    )

    steps = selectors.decision_timeline(initiative=initiative)

    assert [step.status for step in steps] == [S.SUBMITTED, S.PUBLISHED]
    assert steps[1].reason == long_reason.strip()
    assert all("Privé" not in step.reason for step in steps)

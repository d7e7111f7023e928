"""Site search of initiatives, wijkbudget projects and subsidy schemes reads one search
document per model, which PostgreSQL keeps in a GIN index: a search does not read every row."""

from __future__ import annotations

import pytest
from django.db import connection

from budget.models import PROJECT_SEARCH_FIELDS, Project
from initiatives.models import INITIATIVE_SEARCH_FIELDS, Initiative, InitiativeStatus
from plumbing.search import text_matches
from subsidies.models import SCHEME_SEARCH_FIELDS, Scheme
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.subsidies import SchemeFactory

pytestmark = pytest.mark.django_db

SEARCHED = [
    (Initiative, INITIATIVE_SEARCH_FIELDS, "initiative_search"),
    (Project, PROJECT_SEARCH_FIELDS, "project_search"),
    (Scheme, SCHEME_SEARCH_FIELDS, "scheme_search"),
]


@pytest.fixture
def gardens(wijk):
    InitiativeFactory(
        wijk=wijk, title="Moestuin achter de school", status=InitiativeStatus.PUBLISHED
    )
    InitiativeFactory(wijk=wijk, title="Bankjes op het plein", status=InitiativeStatus.PUBLISHED)
    ProjectFactory(round=RoundFactory(wijk=wijk), title="Moestuin voor de buurt")
    SchemeFactory(wijk=wijk, name="Groen in de wijk", eligibility="Voor een moestuin of geveltuin.")


@pytest.mark.postgres
@pytest.mark.parametrize(("model", "fields", "index"), SEARCHED, ids=lambda v: str(v)[:20])
def test_postgresql_searches_through_the_gin_index(model, fields, index, gardens):
    indexes = connection.introspection.get_constraints(connection.cursor(), model._meta.db_table)
    assert indexes[index]["type"] == "gin"

    with connection.cursor() as cursor:
        # With a handful of rows a sequential scan is cheaper; forbid it to see whether the
        # index can serve the search at all (it can only when the expressions are the same).
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = text_matches(model.objects.all(), "moestuinen", fields).explain()
    assert index in plan


def test_every_word_is_found_in_some_field_on_any_database(gardens):
    found = text_matches(Initiative.objects.all(), "moestuin school", INITIATIVE_SEARCH_FIELDS)
    assert [initiative.title for initiative in found] == ["Moestuin achter de school"]
    schemes = text_matches(Scheme.objects.all(), "moestuin", SCHEME_SEARCH_FIELDS)
    assert [scheme.name for scheme in schemes] == ["Groen in de wijk"]

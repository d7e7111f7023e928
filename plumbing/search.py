"""Full-text search of our own models: one definition of a model's search document, used by
its GIN index on PostgreSQL and by every query that searches it.

A model names its searched fields with their weights (A most important, D least)::

    SEARCH_FIELDS = {"title": "A", "summary": "B", "description": "C"}

    class Meta:
        indexes = [search_index(SEARCH_FIELDS, name="initiative_search")]

and its selectors call `text_matches(queryset, text, SEARCH_FIELDS)`. PostgreSQL can use an
expression index only for the very expression it indexes, so both are built here, by
`document`. The index is PostgreSQL's only (a migration adds it with `AddSearchIndex`, which
leaves SQLite alone); on SQLite, the embedded default for development, every word must occur
in one of the fields.

Wagtail's pages are searched through Wagtail's own index (its database backend keeps a GIN
index of its own), not here.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from functools import reduce

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, migrations
from django.db.models import Q, QuerySet

# PostgreSQL's Dutch text search configuration: "moestuinen" finds "moestuin".
SEARCH_CONFIG = "dutch"
# Words after this many only cost the database time.
SEARCH_MAX_WORDS = 10


def document(fields: Mapping[str, str]):
    """The weighted search document of `fields` (name -> weight), as an expression."""
    return reduce(
        operator.add,
        (
            SearchVector(name, weight=weight, config=SEARCH_CONFIG)
            for name, weight in fields.items()
        ),
    )


def search_index(fields: Mapping[str, str], *, name: str) -> GinIndex:
    """The GIN index of the search document of `fields`: add it with `AddSearchIndex`."""
    return GinIndex(document(fields), name=name)


def text_matches(
    qs: QuerySet, text: str, fields: Mapping[str, str], *, ranked: bool = True
) -> QuerySet:
    """Rows whose `fields` match `text`; with `ranked`, best first.

    PostgreSQL: full-text search with Dutch stemming (websearch syntax: every word,
    "a phrase", -not), through the model's GIN index. Elsewhere every word must occur in a
    field.
    """
    text = " ".join(text.split())
    if not text:
        return qs
    if connection.vendor == "postgresql":
        vector = document(fields)
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # The filter compares the indexed expression itself (not an annotation of it), so
        # that PostgreSQL sees the index's expression in the condition.
        qs = qs.alias(search=vector).filter(search=query)
        if ranked:
            qs = qs.annotate(search_rank=SearchRank(vector, query)).order_by("-search_rank", "pk")
        return qs
    for word in text.split()[:SEARCH_MAX_WORDS]:
        qs = qs.filter(reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields)))
    return qs


class AddSearchIndex(migrations.AddIndex):
    """`AddIndex` of a `search_index`, built on PostgreSQL only: SQLite has no GIN indexes.

    The migration state holds the index on every database, so `makemigrations` agrees with
    the model's Meta wherever it runs.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

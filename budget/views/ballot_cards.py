"""The project cards of the ballot page, rendered once per round and language.

The cards are the bulk of the ballot page (twenty projects: photo, summary, cost, field)
and the same for every voter but for what each voter chose. They are rendered with a
marker where the choice goes, kept with the page cache's generation (core.pagecache:
a change to a project or the round renews them), and the voter's choices are filled in
per request. The markers are HTML comments: anything a person typed is escaped before it
reaches the page, so no title or summary can contain one.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from budget import selectors
from core import pagecache

_MARKER = re.compile(r"<!--wp-(choice|points)-(\d+)-->")


def ballot_projects(request, budget_round) -> list:
    """The projects on the ballot (kept with the generation: a status change renews it)."""
    return pagecache.fragment(
        request,
        f"ballot-projects:{budget_round.pk}",
        lambda: list(selectors.projects_on_ballot(budget_round=budget_round)),
    )


def cards_html(request, budget_round, cards: list[dict], *, is_points: bool) -> SafeString:
    """The cards with this voter's choices (`cards` as the ballot view builds them)."""
    template = pagecache.fragment(
        request,
        f"ballot-cards:{budget_round.pk}:{is_points}:{translation.get_language()}",
        lambda: _render(budget_round, [card["project"] for card in cards], is_points),
    )
    by_pk = {card["project"].pk: card for card in cards}

    def fill(match: re.Match) -> str:
        card = by_pk.get(int(match[2]))
        if card is None:
            return ""
        if match[1] == "choice":
            return " checked" if card.get("checked") else ""
        return escape(card.get("value", ""))

    return mark_safe(_MARKER.sub(fill, template))  # noqa: S308 - escaped above and in _render


def _render(budget_round, projects, is_points: bool) -> str:
    markers = [
        {
            "project": project,
            "checked_attr": mark_safe(f"<!--wp-choice-{project.pk}-->"),  # noqa: S308
            "value": mark_safe(f"<!--wp-points-{project.pk}-->"),  # noqa: S308
        }
        for project in projects
    ]
    return render_to_string(
        "budget/partials/_ballot_fields.html",
        {"cards": markers, "round": budget_round, "is_points": is_points},
    )

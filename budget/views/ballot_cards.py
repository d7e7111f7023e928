"""The project cards of the ballot page, rendered once per round and language.

The cards are the bulk of the ballot page (twenty projects: photo, summary, cost, field)
and the same for every voter but for what each voter chose. They are rendered with a hole
where the choice goes (core.holes), kept with the page cache's generation (plumbing.pagecache:
a change to a project or the round renews them), and the voter's choices are filled in
per request.
"""

from __future__ import annotations

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString

from budget import selectors
from budget.models import Project, Round
from core.context_processors import nav_key
from core.holes import csrf_input, fill, hole
from plumbing import pagecache

BODY = "budget/partials/_ballot_body.html"


def _body_key(pk: int, *, has_ballot: bool) -> str:
    return f"ballot-body:{pk}:{translation.get_language()}:{has_ballot}"


def body_html(request, context: dict) -> SafeString:
    """The ballot page's content. A first view (an unbound form: nothing typed, no errors)
    is rendered once per round, language and whether the voter has voted, with holes for
    the CSRF token, the budget meter and the cards; a submitted form is rendered whole."""
    meter = render_to_string("budget/partials/_ballot_meter.html", context)
    cards = context["cards_html"]()
    csrf = csrf_input(request)
    if context["form"].is_bound:
        return render_to_string(
            BODY, {**context, "csrf_input": csrf, "meter_html": meter, "cards_html": cards}
        )
    has_ballot = bool(context.get("has_ballot"))
    template = pagecache.fragment(
        request,
        _body_key(context["round"].pk, has_ballot=has_ballot),
        lambda: render_to_string(
            BODY,
            {
                **context,
                "csrf_input": hole("csrf"),
                "meter_html": hole("meter"),
                "cards_html": hole("cards"),
            },
        ),
    )
    return fill(template, {"csrf": csrf, "meter": meter, "cards": cards}.__getitem__)


def _round_key(pk: int) -> str:
    return f"ballot-round:{pk}"


def _cards_key(pk: int) -> str:
    # The round decides the ballot style, so round and language name the cards.
    return f"ballot-cards:{pk}:{translation.get_language()}"


def prefetch(request, pk: int, *, page: bool = True) -> None:
    """Everything the ballot page keeps in the cache, in one round trip: the round and its
    projects, and for a page (not a confirmed ballot, answered with a redirect) the cards,
    the menu and (logged in) the header links."""
    keys = [_round_key(pk)]
    if page:
        keys += [_cards_key(pk), pagecache.menu_key(request)]
        keys += [_body_key(pk, has_ballot=False), _body_key(pk, has_ballot=True)]
        if request.user.is_authenticated:
            keys.append(nav_key(request.user))
    pagecache.prefetch(request, keys)


def ballot_round(request, pk: int) -> tuple[Round, list[Project]]:
    """The round of the URL with its wijk, and the projects on its ballot; kept with the
    generation (a change to the round or a project renews them). Casting re-reads the round
    under its lock, so a copy never decides a vote."""

    def build():
        budget_round = Round.objects.select_related("wijk").filter(pk=pk).first()
        if budget_round is None:
            return None
        return budget_round, list(selectors.projects_on_ballot(budget_round=budget_round))

    found = pagecache.fragment(request, _round_key(pk), build)
    if found is None:
        raise Http404
    return found


def cards_html(request, budget_round, cards: list[dict], *, is_points: bool) -> SafeString:
    """The cards with this voter's choices (`cards` as the ballot view builds them)."""
    template = pagecache.fragment(
        request,
        _cards_key(budget_round.pk),
        lambda: _render(budget_round, [card["project"] for card in cards], is_points),
    )
    by_pk = {card["project"].pk: card for card in cards}

    def value(name: str) -> str:
        kind, _dash, pk = name.partition("-")
        card = by_pk.get(int(pk))
        if card is None:
            return ""
        if kind == "choice":
            return " checked" if card.get("checked") else ""
        return escape(card.get("value", ""))

    return fill(template, value)


def _render(budget_round, projects, is_points: bool) -> str:
    markers = [
        {
            "project": project,
            "checked_attr": hole(f"choice-{project.pk}"),
            "value": hole(f"points-{project.pk}"),
        }
        for project in projects
    ]
    return render_to_string(
        "budget/partials/_ballot_fields.html",
        {"cards": markers, "round": budget_round, "is_points": is_points},
    )

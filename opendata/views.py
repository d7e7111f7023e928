"""The open-data API: read-only JSON of what anonymous visitors see (docs/api.md).

Every view answers as an anonymous visitor would, whoever asks (no authentication: a
logged-in member's session changes nothing), with the NLGov API Design Rules' headers
(`API-Version`, CORS for GET), problem details for errors, and a per-address rate limit.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.models import Phase
from cms.models import DecisionKind
from initiatives.models import PUBLIC_STATUSES
from opendata import params, selectors, serializers
from opendata.problems import PROBLEM_JSON
from opendata.renderers import SafeJSONRenderer
from plumbing.ratelimit import client_address, is_limited
from stats.selectors import MONTH, QUARTER
from stats.tables import COUNT, MONEY, PERCENT, Cell, statistics_page
from subsidies.models import COMMITTED_STATUSES

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PROBLEMS = {
    (status, PROBLEM_JSON): OpenApiResponse(serializers.ProblemSerializer, description=text)
    for status, text in (
        (400, "A query parameter is not valid."),
        (404, "No such resource, or not public."),
        (429, "Too many requests from this address; see Retry-After."),
    )
}


def _problems(*statuses: int) -> dict:
    return {key: value for key, value in PROBLEMS.items() if key[0] in statuses}


class ApiView(APIView):
    """What every endpoint shares: anonymous, JSON, rate limited, versioned, open to CORS."""

    problem_details = True  # errors as application/problem+json (opendata.problems)
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [SafeJSONRenderer]
    parser_classes: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        limit, window = settings.OPENDATA_RATE_LIMIT
        if is_limited(
            scope="api", keys=[client_address(request)], limit=limit, window_seconds=window
        ):
            raise exceptions.Throttled(wait=window)

    def options(self, request, *args, **kwargs):
        """A CORS preflight: only reading is allowed, from any origin."""
        response = Response(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = settings.OPENDATA_API_VERSION
        if request.method in SAFE_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "API-Version, Retry-After"
        return response


class ListView(ApiView):
    """A paginated list of one resource."""

    serializer_class: type | None = None
    pagination_class = params.Pagination

    def paginate(self, request, rows, context: dict | None = None):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        context = {"request": request, **(context(page) if callable(context) else context or {})}
        data = self.serializer_class(page, many=True, context=context).data
        return paginator.get_paginated_response(data)


def _filter(name: str, description: str, enum=None, kind=str) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)


WIJK = _filter("wijk", "Only this wijk (its slug, see /api/v1/wijken).")
DATE_FROM = _filter("date_from", "From this date on (YYYY-MM-DD, inclusive).")
DATE_TO = _filter("date_to", "Up to this date (YYYY-MM-DD, inclusive).")


# --- Index, wijken ---------------------------------------------------------------------


class IndexView(ApiView):
    @extend_schema(
        operation_id="index",
        summary="What the API offers",
        responses={200: OpenApiResponse(description="Links to every list and the documents")},
    )
    def get(self, request):
        names = [
            "wijken",
            "initiatives",
            "schemes",
            "subsidies",
            "rounds",
            "news",
            "decisions",
            "events",
            "statistics",
            "openapi",
            "docs",
        ]
        return Response(
            {
                "version": settings.OPENDATA_API_VERSION,
                "_links": {
                    name: {"href": request.build_absolute_uri(reverse(f"opendata:{name}"))}
                    for name in names
                },
            }
        )


class WijkListView(ListView):
    serializer_class = serializers.WijkSerializer

    @extend_schema(
        operation_id="wijken_list",
        summary="Wijken",
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        return self.paginate(request, selectors.wijken())


class WijkDetailView(ApiView):
    @extend_schema(
        operation_id="wijken_read",
        summary="One wijk",
        responses={200: serializers.WijkSerializer, **_problems(404, 429)},
    )
    def get(self, request, slug: str):
        wijk = get_object_or_404(selectors.wijken(), slug=slug)
        return Response(serializers.WijkSerializer(wijk).data)


# --- Initiatives -----------------------------------------------------------------------


class InitiativeListView(ListView):
    serializer_class = serializers.InitiativeSerializer

    @extend_schema(
        operation_id="initiatives_list",
        summary="Public initiatives",
        description="Newest first; `date_from`/`date_to` select by the day they were made.",
        parameters=[
            WIJK,
            _filter("status", "Only this status.", enum=list(PUBLIC_STATUSES)),
            DATE_FROM,
            DATE_TO,
        ],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        rows = selectors.initiatives(
            wijk=params.wijk(request),
            status=params.choice(request, "status", PUBLIC_STATUSES),
            **params.dates(request),
        )
        return self.paginate(request, rows)


class InitiativeDetailView(ApiView):
    @extend_schema(
        operation_id="initiatives_read",
        summary="One public initiative",
        responses={200: serializers.InitiativeSerializer, **_problems(404, 429)},
    )
    def get(self, request, pk: int):
        initiative = get_object_or_404(selectors.initiatives(), pk=pk)
        return Response(
            serializers.InitiativeSerializer(initiative, context={"request": request}).data
        )


# --- Subsidies ---------------------------------------------------------------------------


def _scheme_rows(pairs):
    rows = []
    for scheme, remaining in pairs:
        scheme.remaining = remaining
        rows.append(scheme)
    return rows


class SchemeListView(ListView):
    serializer_class = serializers.SchemeSerializer

    @extend_schema(
        operation_id="subsidy_schemes_list",
        summary="Subsidy schemes",
        description="Newest year first; `wijk` gives that wijk's schemes (municipality-wide "
        "ones have wijk null).",
        parameters=[WIJK, _filter("year", "Only this year.", kind=int)],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        pairs = selectors.schemes(
            wijk=params.wijk(request), year=params.integer(request, "year", minimum=2000)
        )
        return self.paginate(request, _scheme_rows(pairs))


class SchemeDetailView(ApiView):
    @extend_schema(
        operation_id="subsidy_schemes_read",
        summary="One subsidy scheme",
        responses={200: serializers.SchemeSerializer, **_problems(404, 429)},
    )
    def get(self, request, pk: int):
        rows = [scheme for scheme in _scheme_rows(selectors.schemes()) if scheme.pk == pk]
        if not rows:
            raise exceptions.NotFound
        return Response(serializers.SchemeSerializer(rows[0], context={"request": request}).data)


class GrantListView(ListView):
    serializer_class = serializers.GrantSerializer

    @extend_schema(
        operation_id="subsidies_list",
        summary="Granted subsidies",
        description="Grants to public initiatives, newest decision first; `date_from`/"
        "`date_to` select by the day of the decision. `recipient` is null unless the "
        "applicant is an organisation (never a resident's name).",
        parameters=[
            WIJK,
            _filter("scheme", "Only this scheme (its id).", kind=int),
            _filter("status", "Only this status.", enum=list(COMMITTED_STATUSES)),
            DATE_FROM,
            DATE_TO,
        ],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        rows = selectors.granted_subsidies(
            wijk=params.wijk(request),
            scheme=params.integer(request, "scheme"),
            status=params.choice(request, "status", COMMITTED_STATUSES),
            **params.dates(request),
        )
        return self.paginate(request, rows)


class GrantDetailView(ApiView):
    @extend_schema(
        operation_id="subsidies_read",
        summary="One granted subsidy",
        responses={200: serializers.GrantSerializer, **_problems(404, 429)},
    )
    def get(self, request, pk: int):
        grant = get_object_or_404(selectors.granted_subsidies(), pk=pk)
        return Response(serializers.GrantSerializer(grant, context={"request": request}).data)


# --- Wijkbudget --------------------------------------------------------------------------


class RoundListView(ListView):
    serializer_class = serializers.RoundSerializer

    @extend_schema(
        operation_id="budget_rounds_list",
        summary="Wijkbudget rounds",
        description="Newest voting first. `phase` is the phase now; `date_from`/`date_to` "
        "give the rounds whose voting overlaps those days.",
        parameters=[
            WIJK,
            _filter("phase", "Only rounds in this phase now.", enum=list(Phase.values)),
            DATE_FROM,
            DATE_TO,
        ],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        rows = selectors.rounds(
            wijk=params.wijk(request),
            phase=params.choice(request, "phase", Phase.values),
            **params.dates(request),
        )
        return self.paginate(request, rows)


class RoundDetailView(ApiView):
    @extend_schema(
        operation_id="budget_rounds_read",
        summary="One wijkbudget round, its projects and its published result",
        description="`result` is null until staff publish the count. Recount it yourself: "
        "download `result.pb_url`, check its SHA-256 against `result.pb_sha256`, count it "
        "(docs/api.md).",
        responses={200: serializers.RoundDetailSerializer, **_problems(404, 429)},
    )
    def get(self, request, pk: int):
        budget_round = selectors.round_by_pk(pk=pk)
        if budget_round is None:
            raise exceptions.NotFound
        result = selectors.published_result(budget_round=budget_round)
        funded = set(result.funded) if result else set()
        projects = list(selectors.round_projects(budget_round=budget_round))
        for project in projects:
            project.votes = int(result.votes.get(str(project.pk), 0)) if result else None
            project.funded = (project.pk in funded) if result else None
        context = {"request": request}
        data = serializers.RoundSerializer(budget_round, context=context).data
        data["projects"] = serializers.ProjectSerializer(projects, many=True, context=context).data
        data["result"] = (
            serializers.ResultSerializer(
                serializers.result_data(request=request, budget_round=budget_round, result=result)
            ).data
            if result
            else None
        )
        return Response(data)


# --- News, decisions, events -----------------------------------------------------------


class _PageListView(ListView):
    def paginate_pages(self, request, rows):
        return self.paginate(
            request, rows, context=lambda page: {"urls": selectors.page_urls(page)}
        )


class NewsListView(_PageListView):
    serializer_class = serializers.NewsSerializer

    @extend_schema(
        operation_id="news_list",
        summary="Published news",
        parameters=[WIJK, DATE_FROM, DATE_TO],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        rows = selectors.news(wijk=params.wijk(request), **params.dates(request))
        return self.paginate_pages(request, rows)


class DecisionListView(_PageListView):
    serializer_class = serializers.DecisionSerializer

    @extend_schema(
        operation_id="decisions_list",
        summary="Published decisions",
        parameters=[
            WIJK,
            _filter("kind", "Only this kind of decision.", enum=list(DecisionKind.values)),
            DATE_FROM,
            DATE_TO,
        ],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        rows = selectors.decisions(
            wijk=params.wijk(request),
            kind=params.choice(request, "kind", DecisionKind.values),
            **params.dates(request),
        )
        return self.paginate_pages(request, rows)


class EventListView(_PageListView):
    serializer_class = serializers.EventSerializer

    @extend_schema(
        operation_id="events_list",
        summary="Events",
        description="Soonest first, from today on unless `date_from` says otherwise.",
        parameters=[WIJK, DATE_FROM, DATE_TO],
        responses={200: serializer_class(many=True), **_problems(400, 404, 429)},
    )
    def get(self, request):
        rows = selectors.events(wijk=params.wijk(request), **params.dates(request))
        return self.paginate_pages(request, rows)


# --- Statistics --------------------------------------------------------------------------

_PLACES = {MONEY: Decimal("0.01"), PERCENT: Decimal("0.1")}


def _value(cell: Cell) -> str | None:
    if cell.suppressed or cell.value is None:
        return None
    if cell.kind in _PLACES:
        return str(Decimal(cell.value).quantize(_PLACES[cell.kind]))
    return str(int(cell.value))


def _figures(measures, cells) -> list[dict]:
    return [
        {
            "code": measure.code,
            "label": str(measure.label),
            "kind": cell.kind if cell.kind in (COUNT, MONEY, PERCENT) else COUNT,
            "value": _value(cell),
            "suppressed": cell.suppressed,
        }
        for measure, cell in zip(measures, cells, strict=True)
    ]


class StatisticsView(ApiView):
    @extend_schema(
        operation_id="statistics_read",
        summary="Statistics, with small numbers suppressed",
        description="The figures of the statistics pages: a figure about residents or "
        "applications that rests on 1 to 4 is null with `suppressed: true`, and so are the "
        "figures that would let it be worked out, exactly as on the pages and their CSV.",
        parameters=[
            WIJK,
            _filter("period", "Months (default) or quarters.", enum=["month", "quarter"]),
        ],
        responses={200: serializers.StatisticsSerializer, **_problems(400, 429)},
    )
    def get(self, request):
        wijk = params.wijk(request)
        period = params.choice(request, "period", [MONTH, QUARTER]) or MONTH
        wijken = list(selectors.wijken())
        page = statistics_page(wijk=wijk, detailed=False, period=period, wijken=wijken)
        data = {
            "wijk": wijk.slug if wijk else None,
            "period": period,
            "totals": _figures(page.measures, page.totals),
            "wijken": [
                {"wijk": row.wijk.slug, "figures": _figures(page.measures, row.cells)}
                for row in page.wijk_rows
            ],
            "initiative_statuses": [
                {"status": row.code, "count": row.count.value} for row in page.initiative_statuses
            ],
            "periods": [
                {
                    "period": row.figures.code,
                    "starts_on": row.figures.start,
                    "figures": _figures(page.period_measures, row.cells),
                }
                for row in page.periods
            ],
            "rounds": [
                {
                    "round": row.round.pk,
                    "name": row.round.name,
                    "wijk": row.round.wijk.slug,
                    "voters": row.voters,
                    "eligible": row.eligible,
                    "turnout": _value(row.turnout),
                    "budget": row.round.budget,
                    "budget_used": row.budget_used,
                }
                for row in page.rounds
            ],
        }
        return Response(serializers.StatisticsSerializer(data).data)


# --- The documents, and everything else under /api/ ----------------------------------------


class OpenApiView(ApiView, SpectacularJSONAPIView):
    """The OpenAPI 3 document of this version."""

    renderer_classes = SpectacularJSONAPIView.renderer_classes


class DocsView(ApiView, SpectacularSwaggerSplitView):
    """Swagger UI served from our own static files (no CDN), its set-up script from a URL of
    its own, so the site's Content-Security-Policy needs no exception."""

    template_name = "opendata/docs.html"
    renderer_classes = SpectacularSwaggerSplitView.renderer_classes
    url_name = "opendata:openapi"


class NotFoundView(ApiView):
    """Any other path under /api/ (a trailing slash too: the API has none): a 404 problem."""

    schema = None

    def get(self, request, rest: str = ""):
        raise exceptions.NotFound

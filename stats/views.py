"""Statistics pages per wijk and overall, and their CSV downloads.

Everyone may look; what they see depends on `stats.view_detailed` (council staff),
checked on the wijk (or on None for all wijken).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.models import Wijk
from core.selectors import wijken_all
from stats import charts
from stats.csv_export import statistics_csv
from stats.selectors import MONTH, QUARTER
from stats.tables import StatisticsPage, statistics_page

# ?per=kwartaal shows quarters; anything else months.
PERIOD_PARAMETER = {"maand": MONTH, "kwartaal": QUARTER}


def _page(request, wijk: Wijk | None, wijken: list[Wijk]) -> StatisticsPage:
    if not request.user.has_perm("stats.view_statistics", wijk):
        raise PermissionDenied
    return statistics_page(
        wijk=wijk,
        detailed=request.user.has_perm("stats.view_detailed", wijk),
        period=PERIOD_PARAMETER.get(request.GET.get("per", ""), MONTH),
        wijken=wijken,
    )


def _render(request, wijk: Wijk | None):
    wijken = list(wijken_all())
    page = _page(request, wijk, wijken)
    return render(
        request,
        "stats/statistics_detail.html",
        {
            "page": page,
            "wijken": wijken,
            "period_value": "kwartaal" if page.period == QUARTER else "maand",
            "status_chart": charts.status_chart(page),
            "period_charts": charts.period_charts(page),
            "turnout_chart": charts.turnout_chart(page),
        },
    )


def _csv(request, wijk: Wijk | None):
    page = _page(request, wijk, list(wijken_all()))
    name = f"wijkplein-statistieken-{wijk.slug if wijk else 'alle-wijken'}"
    name += f"-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(statistics_csv(page), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def overview(request):
    """The figures of all wijken together, and a table with a row per wijk."""
    return _render(request, None)


@require_GET
def wijk_detail(request, slug: str):
    """The figures of one wijk."""
    return _render(request, get_object_or_404(Wijk, slug=slug))


@require_GET
def overview_csv(request):
    """The overall figures as CSV."""
    return _csv(request, None)


@require_GET
def wijk_csv(request, slug: str):
    """One wijk's figures as CSV."""
    return _csv(request, get_object_or_404(Wijk, slug=slug))

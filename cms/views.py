"""Site search and the sitemap: views around the Wagtail page tree."""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.selectors import SEARCH_GROUP_SIZE, site_search
from cms.sitemaps import PageSitemap

# Longer queries only cost the database time; nobody types more than this.
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """Search initiatives, projects, schemes and pages; the results grouped by kind."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    groups = site_search(query=query)
    context = {
        "query": query,
        "groups": groups,
        "total": sum(group.count for group in groups),
        "group_size": SEARCH_GROUP_SIZE,
    }
    return render(request, "cms/search_results.html", context)


@require_GET
def sitemap(request):
    """sitemap.xml of the site the request is for."""
    return django_sitemap(request, sitemaps={"pages": PageSitemap(request)})

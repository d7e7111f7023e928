"""Site search and the sitemap: views around the Wagtail page tree."""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cms.selectors import site_search
from cms.sitemaps import PageSitemap

SEARCH_PAGE_SIZE = 10
# Longer queries only cost the database time; nobody types more than this.
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """Search the live pages of the site."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = Paginator(site_search(query=query), SEARCH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"query": query, "results": results, "query_prefix": urlencode({"q": query})}
    return render(request, "cms/search_results.html", context)


@require_GET
def sitemap(request):
    """sitemap.xml of the site the request is for."""
    return django_sitemap(request, sitemaps={"pages": PageSitemap(request)})

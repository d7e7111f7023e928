"""Search, feeds and sitemap. Included before Wagtail's catch-all page serving."""

from django.urls import path

from cms import views
from cms.feeds import WijkFeed

app_name = "cms"

urlpatterns = [
    path("zoeken/", views.search, name="search"),
    path("wijken/<slug:slug>/feed/", WijkFeed(), name="wijk_feed"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]

"""/api/v1/...: the major version in the path, no trailing slashes (NLGov API Design Rules)."""

from django.urls import path, re_path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("api/v1", views.IndexView.as_view(), name="index"),
    path("api/v1/openapi.json", views.OpenApiView.as_view(), name="openapi"),
    path("api/v1/docs", views.DocsView.as_view(), name="docs"),
    path("api/v1/wijken", views.WijkListView.as_view(), name="wijken"),
    path("api/v1/wijken/<slug:slug>", views.WijkDetailView.as_view(), name="wijk"),
    path("api/v1/initiatives", views.InitiativeListView.as_view(), name="initiatives"),
    path("api/v1/initiatives/<int:pk>", views.InitiativeDetailView.as_view(), name="initiative"),
    path("api/v1/subsidy-schemes", views.SchemeListView.as_view(), name="schemes"),
    path("api/v1/subsidy-schemes/<int:pk>", views.SchemeDetailView.as_view(), name="scheme"),
    path("api/v1/subsidies", views.GrantListView.as_view(), name="subsidies"),
    path("api/v1/subsidies/<int:pk>", views.GrantDetailView.as_view(), name="subsidy"),
    path("api/v1/budget-rounds", views.RoundListView.as_view(), name="rounds"),
    path("api/v1/budget-rounds/<int:pk>", views.RoundDetailView.as_view(), name="round"),
    path("api/v1/news", views.NewsListView.as_view(), name="news"),
    path("api/v1/decisions", views.DecisionListView.as_view(), name="decisions"),
    path("api/v1/events", views.EventListView.as_view(), name="events"),
    path("api/v1/statistics", views.StatisticsView.as_view(), name="statistics"),
    # Anything else under /api/, a trailing slash included, is a problem+json 404.
    re_path(r"^api(?:/(?P<rest>.*))?$", views.NotFoundView.as_view(), name="not_found"),
]

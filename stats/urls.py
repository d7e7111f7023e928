from django.urls import path

from stats import views

app_name = "stats"

# The CSV paths come first: a wijk whose slug is "csv" would otherwise shadow them.
urlpatterns = [
    path("statistieken/", views.overview, name="overview"),
    path("statistieken/csv/", views.overview_csv, name="overview_csv"),
    path("statistieken/<slug:slug>/", views.wijk_detail, name="wijk"),
    path("statistieken/<slug:slug>/csv/", views.wijk_csv, name="wijk_csv"),
]

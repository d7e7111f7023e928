from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("wijkpanel/", views.dashboard, name="dashboard"),
    path("wijkpanel/beoordelingen/<int:pk>/", views.detail, name="detail"),
    path("wijkpanel/beoordelingen/<int:pk>/verklaring/", views.declare, name="declare"),
    path(
        "wijkpanel/beoordelingen/<int:pk>/mijn-beoordeling/",
        views.member_review,
        name="member_review",
    ),
    path("wijkpanel/beoordelingen/<int:pk>/advies/", views.write_advice, name="advice"),
    path("wijkpanel/beoordelingen/<int:pk>/toewijzen/", views.assign, name="assign"),
    path(
        "wijkpanel/beoordelingen/<int:pk>/bestand/<slug:key>/",
        views.subject_file,
        name="subject_file",
    ),
    path("beheer/wijkpanel/", views.staff_overview, name="staff_overview"),
    path("beheer/wijkpanel/leden/", views.staff_members, name="staff_members"),
    path(
        "beheer/wijkpanel/<int:pk>/zonder-advies/",
        views.proceed_without_advice,
        name="proceed_without_advice",
    ),
    path(
        "beheer/wijkpanel/<int:pk>/vervangend-voorzitter/",
        views.name_substitute,
        name="name_substitute",
    ),
]

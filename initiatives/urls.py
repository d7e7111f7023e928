from django.urls import path

from initiatives import views, views_moderation

app_name = "initiatives"

urlpatterns = [
    path("initiatieven/", views.overview, name="overview"),
    path("initiatieven/voorstellen/", views.propose, name="propose"),
    path("wijken/<slug:slug>/initiatieven/", views.wijk_overview, name="wijk_overview"),
    path("wijken/<slug:slug>/initiatieven/nieuw/", views.create, name="create"),
    path("mijn-initiatieven/", views.my_initiatives, name="mine"),
    path("initiatieven/<int:pk>/", views.detail, name="detail"),
    path("initiatieven/<int:pk>/wijzigen/", views.edit, name="edit"),
    path("initiatieven/<int:pk>/stap/<slug:action>/", views.transition, name="transition"),
    path("initiatieven/<int:pk>/steunen/", views.support, name="support"),
    path("initiatieven/<int:pk>/steun-intrekken/", views.support_withdraw, name="support_withdraw"),
    path("initiatieven/<int:pk>/meehelpen/", views.volunteer, name="volunteer"),
    path(
        "initiatieven/<int:pk>/meehelpen/afmelden/",
        views.volunteer_withdraw,
        name="volunteer_withdraw",
    ),
    path("initiatieven/<int:pk>/vrijwilligers/", views.volunteers, name="volunteers"),
    path("initiatieven/<int:pk>/uitnodigen/", views.invite, name="invite"),
    path(
        "initiatieven/uitnodiging/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("initiatieven/<int:pk>/voortgang/nieuw/", views.update_create, name="update_create"),
    path("initiatieven/<int:pk>/melden/", views_moderation.report_initiative, name="report"),
    path(
        "initiatieven/<int:pk>/voortgang/<int:update_pk>/melden/",
        views_moderation.report_update,
        name="report_update",
    ),
    path("initiatieven/<int:pk>/verbergen/", views_moderation.hide_initiative, name="hide"),
    path("initiatieven/<int:pk>/weer-tonen/", views_moderation.unhide_initiative, name="unhide"),
    path(
        "initiatieven/<int:pk>/voortgang/<int:update_pk>/verbergen/",
        views_moderation.hide_update,
        name="hide_update",
    ),
    path("beheer/initiatieven/", views_moderation.staff_list, name="staff_list"),
    path(
        "beheer/meldingen/<int:pk>/sluiten/",
        views_moderation.report_dismiss,
        name="report_dismiss",
    ),
]

from django.urls import path

from core import views, views_privacy

app_name = "core"

urlpatterns = [
    path("mijn-gegevens/", views.my_profile, name="my_profile"),
    path("mijn-gegevens/wijzigen/", views.profile_edit, name="profile_edit"),
    path("mijn-gegevens/briefcode/", views.residency_code_enter, name="residency_code"),
    path(
        "mijn-gegevens/brief-aanvragen/",
        views.residency_letter_request,
        name="residency_letter_request",
    ),
    path("mijn-gegevens/meldingen/", views.notification_list, name="notifications"),
    path(
        "mijn-gegevens/e-mailvoorkeuren/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path("mijn-gegevens/downloaden/", views_privacy.my_data_download, name="my_data_download"),
    path("mijn-gegevens/account-verwijderen/", views_privacy.account_delete, name="account_delete"),
    path("taal/<str:language>/", views.language_switch, name="language"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("beheer/", views.staff_home, name="staff_home"),
    path(
        "beheer/meldingen-mislukt/",
        views.staff_failed_notifications,
        name="staff_failed_notifications",
    ),
    path("beheer/bewoners/", views.staff_resident_list, name="staff_residents"),
    path("beheer/bewoners/<int:pk>/", views.staff_resident_detail, name="staff_resident_detail"),
    path("beheer/briefcodes/", views.staff_code_batches, name="staff_code_batches"),
    path(
        "beheer/briefcodes/aanvraag/<int:pk>/afhandelen/",
        views.staff_letter_request_close,
        name="staff_letter_request_close",
    ),
    path(
        "beheer/briefcodes/<int:pk>/intrekken/",
        views.staff_code_batch_void,
        name="staff_code_batch_void",
    ),
]

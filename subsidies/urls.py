"""Subsidy pages: residents under subsidie/, staff under beheer/subsidie/."""

from django.urls import path

from subsidies.views import applicant, staff

app_name = "subsidies"

urlpatterns = [
    path("subsidie/", applicant.scheme_list, name="scheme_list"),
    path("subsidie/regeling/<int:pk>/", applicant.scheme_detail, name="scheme_detail"),
    path(
        "subsidie/regeling/<int:pk>/aanvragen/",
        applicant.application_start,
        name="application_start",
    ),
    path("subsidie/mijn-aanvragen/", applicant.my_applications, name="my_applications"),
    path("subsidie/aanvraag/<int:pk>/", applicant.application_detail, name="application_detail"),
    path(
        "subsidie/aanvraag/<int:pk>/bewerken/",
        applicant.application_edit,
        name="application_edit",
    ),
    path(
        "subsidie/aanvraag/<int:pk>/verantwoording/",
        applicant.report_edit,
        name="report_edit",
    ),
    path(
        "subsidie/aanvraag/<int:pk>/bestand/<int:attachment_pk>/",
        applicant.attachment_download,
        name="attachment_download",
    ),
    path(
        "subsidie/aanvraag/<int:pk>/bestand/<int:attachment_pk>/verwijderen/",
        applicant.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "subsidie/aanvraag/<int:pk>/beschikking/",
        applicant.letter_download,
        name="letter_download",
    ),
    path("beheer/subsidie/", staff.staff_overview, name="staff_overview"),
    path("beheer/subsidie/export.csv", staff.staff_export, name="staff_export"),
    path("beheer/subsidie/regelingen/", staff.staff_scheme_list, name="staff_scheme_list"),
    path(
        "beheer/subsidie/regelingen/nieuw/",
        staff.staff_scheme_create,
        name="staff_scheme_create",
    ),
    path(
        "beheer/subsidie/regelingen/<int:pk>/",
        staff.staff_scheme_edit,
        name="staff_scheme_edit",
    ),
    path(
        "beheer/subsidie/aanvraag/<int:pk>/stap/<slug:action>/",
        staff.staff_step,
        name="staff_step",
    ),
    path("beheer/subsidie/aanvraag/<int:pk>/besluit/", staff.staff_decide, name="staff_decide"),
    path(
        "beheer/subsidie/aanvraag/<int:pk>/vaststellen/",
        staff.staff_settle,
        name="staff_settle",
    ),
    path(
        "beheer/subsidie/aanvraag/<int:pk>/beschikking-opnieuw/",
        staff.staff_letter_reissue,
        name="staff_letter_reissue",
    ),
]

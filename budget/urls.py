from django.urls import path

from budget.views import public, staff

app_name = "budget"

urlpatterns = [
    path("wijkbudget/", public.round_list, name="round_list"),
    path("wijkbudget/<int:pk>/", public.round_detail, name="round_detail"),
    path("wijkbudget/<int:pk>/voorstel/", public.project_propose, name="project_propose"),
    path("wijkbudget/<int:pk>/stemmen/", public.ballot, name="ballot"),
    path("wijkbudget/<int:pk>/stemmen/bedankt/", public.ballot_thanks, name="ballot_thanks"),
    path("wijkbudget/<int:pk>/stemcode/", public.code_enter, name="code_enter"),
    path("wijkbudget/<int:pk>/ontvangstbewijs/", public.receipt, name="receipt"),
    path("wijkbudget/<int:pk>/uitslag/", public.result_detail, name="result"),
    path("wijkbudget/<int:pk>/uitslag.pdf", public.result_pdf, name="result_pdf"),
    path("wijkbudget/<int:pk>/stemmen.pb", public.result_pb, name="result_pb"),
    path("wijkbudget/project/<int:pk>/", public.project_detail, name="project_detail"),
    path(
        "wijkbudget/project/<int:pk>/intrekken/", public.project_withdraw, name="project_withdraw"
    ),
    path("beheer/wijkbudget/", staff.round_list, name="staff_rounds"),
    path("beheer/wijkbudget/nieuw/", staff.round_create, name="staff_round_create"),
    path("beheer/wijkbudget/importeren/", staff.pb_import, name="staff_import"),
    path("beheer/wijkbudget/<int:pk>/", staff.round_detail, name="staff_round"),
    path("beheer/wijkbudget/<int:pk>/wijzigen/", staff.round_edit, name="staff_round_edit"),
    path(
        "beheer/wijkbudget/<int:pk>/openbaar-maken/",
        staff.round_publish,
        name="staff_round_publish",
    ),
    path(
        "beheer/wijkbudget/<int:pk>/terug-naar-concept/",
        staff.round_back_to_draft,
        name="staff_round_back_to_draft",
    ),
    path("beheer/wijkbudget/<int:pk>/verwijderen/", staff.round_delete, name="staff_round_delete"),
    path("beheer/wijkbudget/<int:pk>/stemcodes/", staff.code_batches, name="staff_codes"),
    path(
        "beheer/wijkbudget/stemcodes/<int:pk>/intrekken/",
        staff.code_batch_void,
        name="staff_code_batch_void",
    ),
    path("beheer/wijkbudget/<int:pk>/papier/", staff.paper_ballots, name="staff_paper"),
    path(
        "beheer/wijkbudget/papier/<int:pk>/bevestigen/",
        staff.paper_ballot_confirm,
        name="staff_paper_confirm",
    ),
    path(
        "beheer/wijkbudget/papier/<int:pk>/weggooien/",
        staff.paper_ballot_discard,
        name="staff_paper_discard",
    ),
    path("beheer/wijkbudget/<int:pk>/tellen/", staff.round_count, name="staff_count"),
    path("beheer/wijkbudget/<int:pk>/uitslag/", staff.result_detail, name="staff_result"),
    path("beheer/wijkbudget/<int:pk>/publiceren/", staff.result_publish, name="staff_publish"),
    path(
        "beheer/wijkbudget/<int:pk>/publiceren/bevestigen/",
        staff.result_publish_confirm,
        name="staff_publish_confirm",
    ),
    path(
        "beheer/wijkbudget/<int:pk>/publiceren/terugsturen/",
        staff.result_publish_send_back,
        name="staff_publish_send_back",
    ),
    path("beheer/wijkbudget/project/<int:pk>/", staff.project_detail, name="staff_project"),
]

"""Pages: who may open what, and what users see when they fill things in."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from review.models import Advice
from subsidies import services
from subsidies.letters import decision_letter_issue
from subsidies.models import Application, Attachment, AttachmentKind, Status
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator
from tests.subsidies.conftest import PDF_BYTES, bring_to, conclude_review, pdf_upload

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "resident",
    "other_resident",
    "panel_member",
    "panel_chair",
    "staff",
    "applicant",
]


@pytest.fixture
def world(draft, applicant, staff):
    """A draft, an application with its advance paid (with a receipt and a letter)."""
    # Another scheme of the wijk: one initiative has one undecided application per scheme.
    other_scheme = SchemeFactory(wijk=draft.scheme.wijk)
    paid = ApplicationFactory(scheme=other_scheme, initiative=applicant.initiative)
    paid = bring_to(paid, Status.ADVANCE_PAID, staff=staff, applicant=applicant)
    receipt = services.attachment_add(
        actor=applicant, application=paid, kind=AttachmentKind.RECEIPT, upload=pdf_upload("bon.pdf")
    )
    decision_letter_issue(application=paid, actor=staff)
    return {"concept": draft, "paid": paid, "receipt": receipt}


def _client_for(role, request, client):
    if role == "anonymous":
        return client
    if role == "staff":
        return request.getfixturevalue("staff_client")
    client.force_login(request.getfixturevalue(role))
    return client


def _pages(world):
    concept, paid = world["concept"], world["paid"]
    return {
        "detail": reverse("subsidies:application_detail", args=[paid.pk]),
        "concept_detail": reverse("subsidies:application_detail", args=[concept.pk]),
        "edit": reverse("subsidies:application_edit", args=[concept.pk]),
        "report": reverse("subsidies:report_edit", args=[paid.pk]),
        "file": reverse("subsidies:attachment_download", args=[paid.pk, world["receipt"].pk]),
        "letter": reverse("subsidies:letter_download", args=[paid.pk]),
        "overview": reverse("subsidies:staff_overview"),
        "export": reverse("subsidies:staff_export"),
        "schemes": reverse("subsidies:staff_scheme_list"),
        "scheme_new": reverse("subsidies:staff_scheme_create"),
        "scheme_edit": reverse("subsidies:staff_scheme_edit", args=[paid.scheme.pk]),
        "settle": reverse("subsidies:staff_settle", args=[paid.pk]),
        "decide": reverse("subsidies:staff_decide", args=[paid.pk]),
        "reissue": reverse("subsidies:staff_letter_reissue", args=[paid.pk]),
        "mine": reverse("subsidies:my_applications"),
        "public": reverse("subsidies:scheme_list"),
        "scheme": reverse("subsidies:scheme_detail", args=[paid.scheme.pk]),
    }


STAFF_ONLY = {"staff": 200}
EXPECTED = {
    "detail": {"panel_member": 200, "panel_chair": 200, "staff": 200, "applicant": 200},
    "concept_detail": {"staff": 200, "applicant": 200},
    "edit": {"applicant": 200},
    "report": {"applicant": 200},
    "file": {"staff": 200, "applicant": 200},
    "letter": {"staff": 200, "applicant": 200},
    "overview": STAFF_ONLY,
    "export": STAFF_ONLY,
    "schemes": STAFF_ONLY,
    "scheme_new": STAFF_ONLY,
    "scheme_edit": STAFF_ONLY,
    "settle": STAFF_ONLY,
    "decide": STAFF_ONLY,
    "reissue": STAFF_ONLY,
    "mine": {role: 200 for role in ROLES if role != "anonymous"},
    "public": dict.fromkeys(ROLES, 200),
    "scheme": dict.fromkeys(ROLES, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_who_may_open_which_page(request, client, world, role, page):
    url = _pages(world)[page]
    response = _client_for(role, request, client).get(url)

    expected = EXPECTED[page].get(role, 302 if role == "anonymous" else 403)
    assert response.status_code == expected, (page, role)
    if expected == 302:
        assert response.url.startswith(reverse("account_login"))


def test_a_co_initiator_is_an_applicant_too(client, world, wijk):
    co, _ = make_initiator(wijk=wijk, initiative=world["paid"].initiative)
    client.force_login(co)
    assert client.get(_pages(world)["letter"]).status_code == 200


def test_files_are_streamed_as_downloads_not_from_media(client, world, applicant):
    client.force_login(applicant)
    response = client.get(_pages(world)["file"])

    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert not world["receipt"].file.name.startswith("/media")
    assert "private" in response["Cache-Control"]


def test_the_letter_download_is_the_stored_pdf(client, world, applicant):
    client.force_login(applicant)
    response = client.get(_pages(world)["letter"])

    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"


def _form_data(draft, **changes):
    data = {
        "purpose": draft.purpose,
        "requested_amount": "500.00",
        "other_funding": draft.other_funding,
        "other_funding_amount": "100.00",
        "starts_on": draft.starts_on.isoformat(),
        "ends_on": draft.ends_on.isoformat(),
        "expected_participants": "80",
        "account_holder": draft.account_holder,
        "iban": "NL91 ABNA 0417 1643 00",
        "declaration": "on",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "2",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Springkussen",
        "lines-0-category": "rent",
        "lines-0-amount": "350.00",
        "lines-1-description": "Boodschappen",
        "lines-1-category": "catering",
        "lines-1-amount": "250.00",
        "lines-2-description": "",
        "lines-2-category": "other",
        "lines-2-amount": "",
        "action": "save",
    }
    data.update(changes)
    return data


def test_the_applicant_saves_and_submits_through_the_form(
    client, draft, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    url = reverse("subsidies:application_edit", args=[draft.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form_data(draft, action="submit"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert any("is ontvangen" in m.subject for m in mailoutbox)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"requested_amount": "3000.00"}, "Het maximum van deze regeling is € 2.500,00"),
        ({"iban": "NL91ABNA0417164301"}, "Dit is geen geldig IBAN"),
        ({"purpose": "<script>alert('x')</script> feest"}, "Gebruik geen HTML"),
        (
            {"lines-2-description": "Geluid", "lines-2-amount": ""},
            "Vul het bedrag van deze regel in",
        ),
    ],
)
def test_bad_input_gives_a_dutch_message_keeps_what_was_typed_and_saves_nothing(
    client, draft, applicant, changes, message
):
    client.force_login(applicant)
    url = reverse("subsidies:application_edit", args=[draft.pk])
    before = Application.history.filter(id=draft.pk).count()

    response = client.post(url, _form_data(draft, other_funding="Typed by hand", **changes))

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Typed by hand" in content
    assert "&lt;script&gt;" in content or "<script>alert" not in content
    assert Application.history.filter(id=draft.pk).count() == before
    draft.refresh_from_db()
    assert draft.other_funding != "Typed by hand"


def _upload_post(client, draft, upload):
    url = reverse("subsidies:application_edit", args=[draft.pk])
    return client.post(url, {**_form_data(draft), "quote": upload})


def test_a_50_mb_upload_is_refused(client, draft, applicant):
    client.force_login(applicant)
    big = SimpleUploadedFile("offerte.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024))

    response = _upload_post(client, draft, big)

    assert response.status_code == 400
    assert "Het bestand is te groot" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_executable_renamed_to_pdf_is_refused(client, draft, applicant):
    client.force_login(applicant)
    exe = SimpleUploadedFile("offerte.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000)

    response = _upload_post(client, draft, exe)

    assert response.status_code == 400
    assert "Upload een PDF-, JPG- of PNG-bestand" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_real_quote_is_stored_privately_under_a_random_name(client, draft, applicant):
    client.force_login(applicant)

    response = _upload_post(client, draft, SimpleUploadedFile("Offerte <x>.pdf", PDF_BYTES))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "Offerte <x>.pdf"
    assert "Offerte" not in attachment.file.name
    page = client.get(reverse("subsidies:application_edit", args=[draft.pk])).content.decode()
    assert "Offerte &lt;x&gt;.pdf" in page


def test_user_text_is_shown_escaped_and_the_iban_masked(client, draft, applicant):
    Application.objects.filter(pk=draft.pk).update(purpose="<b>vet</b> & <i>schuin</i>")
    client.force_login(applicant)

    content = client.get(reverse("subsidies:application_detail", args=[draft.pk])).content.decode()

    assert "&lt;b&gt;vet&lt;/b&gt;" in content
    assert "<b>vet</b>" not in content
    assert "NL** **** **** **43 00" in content
    assert "NL91ABNA0417164300" not in content


def test_the_timeline_is_shown_to_applicant_and_staff_not_to_the_panel(
    client, staff_client, world, applicant, panel_member
):
    url = reverse("subsidies:application_detail", args=[world["paid"].pk])
    client.force_login(applicant)
    assert "Voorschot van € 400,00 betaald" in client.get(url).content.decode()
    assert "Voorschot van € 400,00 betaald" in staff_client.get(url).content.decode()
    client.force_login(panel_member)
    assert "Voorschot van € 400,00 betaald" not in client.get(url).content.decode()


def test_staff_decide_on_the_page_and_deviation_needs_reasons(
    staff_client, draft, applicant, staff, panel_chair
):
    application = bring_to(draft, Status.IN_REVIEW, staff=staff, applicant=applicant)
    conclude_review(application, actor=panel_chair, advice=Advice.NEGATIVE)
    url = reverse("subsidies:staff_decide", args=[draft.pk])

    response = staff_client.post(url, {"decision": "grant", "grounds": "Mijn motivering"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "wijkt af van het advies" in content
    assert "Mijn motivering" in content
    response = staff_client.post(
        url,
        {"decision": "grant", "grounds": "Mijn motivering", "deviation_reasons": "Nieuwe feiten"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.GRANTED


def test_a_staff_step_on_the_page(staff_client, draft, applicant):
    services.application_submit(actor=applicant, application=draft)
    url = reverse("subsidies:staff_step", args=[draft.pk, "request_info"])

    response = staff_client.post(url, {"request_info-reason": ""})
    assert response.status_code == 400
    response = staff_client.post(url, {"request_info-reason": "Stuur een offerte."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.CONCEPT


def test_the_overview_puts_overdue_applications_first(staff_client, wijk, staff, scheme):
    rows = []
    for days in (10, -3, 2):
        application = ApplicationFactory(scheme=scheme)
        user, _ = make_initiator(wijk=wijk, initiative=application.initiative)
        application = services.application_submit(actor=user, application=application)
        Application.objects.filter(pk=application.pk).update(
            decision_due=timezone.localdate() + datetime.timedelta(days=days)
        )
        rows.append(application.reference)

    content = staff_client.get(reverse("subsidies:staff_overview")).content.decode()

    overdue, later, soon = rows[1], rows[0], rows[2]
    assert content.index(overdue) < content.index(soon) < content.index(later)
    assert "3 dagen over de termijn" in content


def test_the_csv_export_neutralises_formulas(staff_client, wijk, scheme):
    application = ApplicationFactory(scheme=scheme)
    application.initiative.title = '=HYPERLINK("http://evil")'
    application.initiative.save()
    user, _ = make_initiator(wijk=wijk, initiative=application.initiative)
    services.application_submit(actor=user, application=application)

    response = staff_client.get(reverse("subsidies:staff_export"))

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text


def test_staff_create_a_scheme_and_bad_dates_keep_what_was_typed(staff_client, wijk):
    url = reverse("subsidies:staff_scheme_create")
    data = {
        "wijk": wijk.pk,
        "year": "2026",
        "name": "Buurtbudget groen",
        "pot": "5000",
        "min_amount": "50",
        "max_amount": "1000",
        "opens_on": "2026-03-01",
        "closes_on": "2026-02-01",
        "eligibility": "Groene initiatieven",
        "decision_weeks": "8",
        "review_due_days": "14",
        "advance_percentage": "80",
        "advice_required": "on",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 400
    assert "sluitingsdatum" in response.content.decode()
    assert "Buurtbudget groen" in response.content.decode()

    response = staff_client.post(url, {**data, "closes_on": "2026-12-31"})
    assert response.status_code == 302


def test_staff_without_two_factor_are_sent_to_set_it_up(client, staff):
    client.force_login(staff)
    response = client.get(reverse("subsidies:staff_overview"))
    assert response.status_code == 302
    assert "/accounts/" in response.url
    TOTP.activate(staff, generate_totp_secret())
    assert client.get(reverse("subsidies:staff_overview")).status_code == 200


def test_the_report_is_written_and_submitted_on_its_page(client, world, applicant):
    client.force_login(applicant)
    url = reverse("subsidies:report_edit", args=[world["paid"].pk])
    data = {
        "participants": "60",
        "story": "Gezellig!",
        "costs-TOTAL_FORMS": "1",
        "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "0",
        "costs-MAX_NUM_FORMS": "1000",
        "costs-0-description": "Springkussen",
        "costs-0-category": "rent",
        "costs-0-amount": "350.00",
        "action": "submit",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    paid = Application.objects.get(pk=world["paid"].pk)
    assert paid.status == Status.REPORT_SUBMITTED
    assert paid.report_participants == 60
    assert Decimal("350.00") in [line.amount for line in paid.cost_lines.filter(kind="actual")]

"""Script and HTML typed into any text field comes out escaped on every page that shows it.

Every CharField and TextField of the apps' models (read from `_meta`, so a new field is
covered without touching this file) gets its own payload in every row of the world of
conftest.py; then the e-mails are sent through the real services, the pages are rendered
as the people who see them, and the PDFs' HTML is caught before WeasyPrint. No page may
contain the payload as markup, and each payload must show up escaped somewhere: a field
nobody shows would let the test pass by showing nothing, so it is listed in EXCLUDED.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import plumbing.pdf
from budget import services as budget_services
from budget.models import ProjectUpdate, RealisationStage
from cms.blocks import validate_site_link
from core.models import DeliveryStatus, Notification
from initiatives import services as initiative_services
from plumbing.pdf import render_pdf
from subsidies import letters
from subsidies import notifications as subsidy_notifications
from subsidies.models import Application
from tests.factories import VerifiedProfileFactory
from tests.factories.cms import DecisionPageFactory, NewsPageFactory
from tests.factories.initiatives import VolunteerFactory
from tests.factories.review import MemberReviewFactory

pytestmark = pytest.mark.django_db

APPS = ("core", "initiatives", "review", "subsidies", "budget")

# Fields that never carry text a person typed into a form, or that are checked against a
# strict format before they are stored, or that only go where no browser renders them.
EXCLUDED = {
    "core.User.password": "a password hash",
    "core.User.first_name": "not asked by any form; people are shown by Profile.display_name",
    "core.User.last_name": "not asked by any form; people are shown by Profile.display_name",
    "core.User.email": "EmailField: the validator refuses < > and quotes",
    "core.Wijk.slug": "SlugField: letters, digits and hyphens only",
    "core.Municipality.slug": "SlugField: letters, digits and hyphens only",
    "core.Municipality.email": "EmailField: the validator refuses < > and quotes",
    "core.Municipality.objection_email": "EmailField: the validator refuses < > and quotes",
    "core.Municipality.website": "URLField: the validator refuses < > and spaces",
    "core.Municipality.email_sender": "checked as an e-mail address (municipality_update)",
    "core.Municipality.theme_stylesheet": "checked to be a file in static/",
    "core.WijkPostcode.code": "a postcode, checked against 1234 or 1234AB",
    "core.Profile.postcode": "a postcode, checked against 1234AB",
    "core.Profile.house_number": "normalised and checked against digits plus a letter",
    "core.ResidencyCode.selector": "random code part",
    "core.ResidencyCode.salt": "random salt",
    "core.ResidencyCode.digest": "hash",
    "core.ResidencyCode.street": "only printed on the letter, at creation (PDF_TEMPLATES)",
    "core.ResidencyCode.house_number": "only printed on the letter, at creation",
    "core.ResidencyCode.postcode": "only printed on the letter, at creation",
    "core.Notification.subject": "rendered from our templates: checked as e-mail below",
    "core.Notification.body": "the plain-text body; its HTML twin is checked below",
    "core.Notification.html_body": "rendered from our templates: checked as e-mail below",
    "core.Notification.link": "a path the code builds (reverse), never typed",
    "core.Notification.sender": "copied from Municipality.email_sender, checked as an address",
    "initiatives.CoInitiatorInvitation.email": "EmailField: the validator refuses < >",
    "initiatives.CoInitiatorInvitation.token_hash": "hash",
    "subsidies.Application.reference": "made by the code (year and number)",
    "subsidies.Application.iban": "checked as an IBAN (letters and digits)",
    "subsidies.Attachment.content_type": "sniffed from the file, one of a fixed list",
    "subsidies.DecisionLetter.sha256": "hash",
    "budget.VotingCode.selector": "random code part",
    "budget.VotingCode.salt": "random salt",
    "budget.VotingCode.digest": "hash",
    "budget.VotingCode.street": "only printed on the letter, at creation",
    "budget.VotingCode.house_number": "only printed on the letter, at creation",
    "budget.VotingCode.postcode": "only printed on the letter, at creation",
    "budget.Ballot.voter_key": "hash",
    "budget.Ballot.receipt_digest": "hash",
    "budget.Result.pb_text": "generated; served as a text/plain download (checked below)",
    "budget.Result.pb_sha256": "hash",
    "initiatives.ContentReport.handling_note": "kept for the audit trail; no page shows it",
    "subsidies.Application.applicant_house_number": "12 characters cut the payload's marker; "
    "validated against markup (validate_no_markup)",
    "subsidies.Application.applicant_postcode": "7 characters cut the payload's marker; "
    "validated as a postcode",
    "budget.Participation.address_key": "made by the code from a checked postcode and house "
    "number (core.models.address_key); no page shows it",
}

SCRIPT = "<script>alert({id})</script>"
IMG = '"><img src=x onerror=alert({id})>'


def text_fields() -> list[models.Field]:
    """The typed text fields of our models: CharField/TextField, editable, no choices."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.CharField | models.TextField)
                and field.concrete
                and field.editable
                and not field.choices
                and not field.auto_created
            ):
                found.append(field)
    return found


def label(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def payload(marker: str, max_length: int | None) -> str:
    text = SCRIPT.format(id=marker) + IMG.format(id=marker)
    return text[:max_length] if max_length else text


def escaped(marker: str) -> str:
    """How SCRIPT looks once Django escaped it."""
    return f"&lt;script&gt;alert({marker})&lt;/script&gt;"


def fill_every_text_field() -> dict[str, str]:
    """Put a payload in every typed text field of every row; returns marker -> field label."""
    markers = {}
    for number, field in enumerate(text_fields()):
        name = label(field)
        if name in EXCLUDED:
            continue
        marker = f"f{number}"
        markers[marker] = name
        value = payload(marker, field.max_length)
        for obj in field.model._default_manager.all():
            setattr(obj, field.attname, value)
            obj.save(update_fields=[field.attname])
    return markers


class _MarkupFinder(HTMLParser):
    """What a browser would run: event-handler attributes, javascript: links, scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append(f"<script>{data[:60]}")


def raw_markup(html: str) -> list[str]:
    """The payload as live markup in `html` (escaped payloads are plain text here)."""
    finder = _MarkupFinder()
    finder.feed(html)
    finder.close()
    if "<script>alert(" in html:
        finder.found.append("<script>alert(")
    return finder.found


@pytest.fixture
def caught_pdfs(monkeypatch):
    """The HTML of every PDF rendered, instead of the PDF (and much faster)."""
    caught = []

    class Recorder:
        def __init__(self, *, string, **kwargs):
            caught.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF-1.4\n%%EOF\n"

    monkeypatch.setattr(plumbing.pdf, "HTML", Recorder)
    return caught


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_typed_text_field_is_covered_or_excluded_with_a_reason():
    """EXCLUDED names only fields that exist, so it cannot silently grow stale."""
    names = {label(field) for field in text_fields()}
    assert set(EXCLUDED) <= names, sorted(set(EXCLUDED) - names)


def test_payloads_in_every_text_field_come_out_escaped(
    world, django_capture_on_commit_callbacks, caught_pdfs
):
    """Pages, e-mails and PDFs show every payload as text, never as markup."""
    w = world
    people = w.people
    staff = people["staff"]
    initiator = w.public.created_by
    applicant = w.application.created_by
    # Rows the world lacks: a member review, a volunteer, a budget project update.
    MemberReviewFactory(review=w.review, member=people["panel_member"])
    # The chair's own review: the advice page shows the members' reviews only after it.
    MemberReviewFactory(review=w.review, member=people["panel_chair"])
    VolunteerFactory(initiative=w.public)
    ProjectUpdate.objects.create(
        project=w.project, stage=RealisationStage.PLANNED, text="x", created_by=staff
    )
    w.update.hidden = True
    w.update.hidden_reason = "x"
    w.update.save()
    markers = fill_every_text_field()
    # Council pages are typed by editors, but decision pages are prepared from residents'
    # text (cms.services.decision_page_prepare) and go out in the RSS feed.
    decision = DecisionPageFactory(
        wijken=[w.wijk],
        title=payload("cms1", 255),
        summary=payload("cms2", None),
        panel_advice=payload("cms3", None),
    )
    news = NewsPageFactory(wijken=[w.wijk], title=payload("cms4", 255), intro=payload("cms5", 400))
    markers.update(dict.fromkeys(["cms1", "cms2", "cms3", "cms4", "cms5"], "cms page"))
    mail.outbox.clear()

    # Things that send e-mail, with payloads in what they show.
    with django_capture_on_commit_callbacks(execute=True):
        draft_initiator = w.draft.created_by
        initiative_services.initiative_transition(
            actor=draft_initiator, initiative=w.draft, action="submit", reason=""
        )
        initiative_services.initiative_transition(
            actor=staff, initiative=w.draft, action="start_review", reason=""
        )
        initiative_services.update_post(
            actor=initiator,
            initiative=w.public,
            title=payload("mail1", 120),
            text=payload("mail2", None),
            date=timezone.localdate() - datetime.timedelta(days=1),
        )
        initiative_services.volunteer_signup(
            actor=VerifiedProfileFactory(wijk=w.wijk).user,
            initiative=w.public,
            message=payload("mail3", 1000),
        )
        # The subsidy forms refuse markup (validate_no_markup), so the services would too:
        # the e-mails are rendered straight from the application that holds the payloads.
        application = Application.objects.get(pk=w.application.pk)
        for event in subsidy_notifications.EVENTS:
            subsidy_notifications.notify_applicants(application=application, event=event)
        budget_services.ballot_cast(
            actor=people["resident"], budget_round=w.voting_round, choices={w.project.pk: 1}
        )
        initiative_services.invitation_create(
            actor=initiator, initiative=w.public, email="buur@example.org"
        )
    invitation_path = re.search(r"/initiatieven/uitnodiging/[^/\s]+/", mail.outbox[-1].body)
    # A delivery that failed: staff read the mail server's error (payload-filled above).
    failed = Notification.objects.exclude(last_error="").first()
    failed.status = DeliveryStatus.FAILED
    failed.save()
    for marker in ("mail1", "mail2", "mail3"):
        markers[marker] = "typed into a service that e-mails it"

    as_staff = _client(staff)
    as_staff.get("/")  # staff pass the two-factor check (TOTP is set up in conftest)
    pages = [
        # The public, as anyone sees it.
        (None, reverse("initiatives:overview")),
        (None, reverse("initiatives:wijk_overview", kwargs={"slug": w.wijk.slug})),
        (None, reverse("initiatives:detail", kwargs={"pk": w.public.pk})),
        (None, reverse("subsidies:scheme_list")),
        (None, reverse("subsidies:scheme_detail", kwargs={"pk": w.scheme.pk})),
        (None, reverse("budget:round_list")),
        (None, reverse("budget:round_detail", kwargs={"pk": w.voting_round.pk})),
        (None, reverse("budget:round_detail", kwargs={"pk": w.proposals_round.pk})),
        (None, reverse("budget:project_detail", kwargs={"pk": w.project.pk})),
        (None, reverse("budget:project_detail", kwargs={"pk": w.proposal.pk})),
        (None, reverse("budget:result", kwargs={"pk": w.results_round.pk})),
        (None, reverse("budget:result_pdf", kwargs={"pk": w.results_round.pk})),
        (None, reverse("budget:result_pb", kwargs={"pk": w.results_round.pk})),
        (None, reverse("cms:search") + "?q=alert"),
        (None, reverse("cms:wijk_feed", kwargs={"slug": w.wijk.slug})),
        (None, decision.url),
        (None, news.url),
        (None, reverse("stats:overview")),
        (None, reverse("stats:wijk", kwargs={"slug": w.wijk.slug})),
        # Residents, initiators, applicants and the panel.
        (people["resident"], reverse("core:my_profile")),
        (people["resident"], reverse("core:notifications")),
        (people["resident"], reverse("budget:ballot", kwargs={"pk": w.voting_round.pk})),
        (people["resident"], reverse("core:my_data_download")),
        (people["other_resident"], invitation_path.group(0)),
        (initiator, reverse("initiatives:mine")),
        (initiator, reverse("initiatives:detail", kwargs={"pk": w.public.pk})),
        (initiator, reverse("initiatives:volunteers", kwargs={"pk": w.public.pk})),
        (initiator, reverse("initiatives:invite", kwargs={"pk": w.public.pk})),
        (w.hidden.created_by, reverse("initiatives:detail", kwargs={"pk": w.hidden.pk})),
        (applicant, reverse("subsidies:my_applications")),
        (applicant, reverse("subsidies:application_detail", kwargs={"pk": w.application.pk})),
        (applicant, reverse("subsidies:letter_download", kwargs={"pk": w.application.pk})),
        (
            w.concept_application.created_by,
            reverse("subsidies:application_edit", kwargs={"pk": w.concept_application.pk}),
        ),
        (people["panel_member"], reverse("review:dashboard")),
        (people["panel_member"], reverse("review:detail", kwargs={"pk": w.review.pk})),
        (people["panel_chair"], reverse("review:advice", kwargs={"pk": w.review.pk})),
        (people["panel_chair"], reverse("review:detail", kwargs={"pk": w.review.pk})),
        (people["panel_chair"], reverse("review:assign", kwargs={"pk": w.review.pk})),
        (w.proposal.proposed_by, reverse("budget:project_detail", kwargs={"pk": w.withdrawn.pk})),
        # Staff.
        (staff, reverse("core:staff_residents")),
        (
            staff,
            reverse("core:staff_resident_detail", kwargs={"pk": people["resident"].profile.pk}),
        ),
        (staff, reverse("core:staff_code_batches")),
        (staff, reverse("core:staff_failed_notifications")),
        (staff, reverse("initiatives:staff_list")),
        (staff, reverse("initiatives:detail", kwargs={"pk": w.draft.pk})),
        (staff, reverse("initiatives:detail", kwargs={"pk": w.in_review.pk})),
        (
            staff,
            reverse("initiatives:transition", kwargs={"pk": w.in_review.pk, "action": "publish"}),
        ),
        (staff, reverse("initiatives:hide", kwargs={"pk": w.public.pk})),
        (staff, reverse("review:staff_overview")),
        (staff, reverse("review:staff_members")),
        (staff, reverse("review:detail", kwargs={"pk": w.review.pk})),
        (staff, reverse("review:proceed_without_advice", kwargs={"pk": w.review.pk})),
        (staff, reverse("review:name_substitute", kwargs={"pk": w.review.pk})),
        (staff, reverse("subsidies:staff_overview")),
        (staff, reverse("subsidies:staff_export")),
        (staff, reverse("subsidies:staff_scheme_list")),
        (staff, reverse("subsidies:application_detail", kwargs={"pk": w.application.pk})),
        (
            staff,
            reverse("subsidies:application_detail", kwargs={"pk": w.concept_application.pk}),
        ),
        (staff, reverse("subsidies:staff_decide", kwargs={"pk": w.application.pk})),
        (staff, reverse("subsidies:staff_settle", kwargs={"pk": w.application.pk})),
        (staff, reverse("budget:staff_rounds")),
        (staff, reverse("budget:staff_round", kwargs={"pk": w.voting_round.pk})),
        (staff, reverse("budget:staff_round", kwargs={"pk": w.proposals_round.pk})),
        (staff, reverse("budget:staff_project", kwargs={"pk": w.project.pk})),
        (staff, reverse("budget:staff_project", kwargs={"pk": w.proposal.pk})),
        (staff, reverse("budget:staff_codes", kwargs={"pk": w.voting_round.pk})),
        (staff, reverse("budget:staff_paper", kwargs={"pk": w.voting_round.pk})),
        (staff, reverse("budget:staff_result", kwargs={"pk": w.results_round.pk})),
        # --- The open-data API (issue #21): JSON of the public texts. Checked as the other
        # non-HTML answers below (nosniff, no raw markup inline: the API writes < > & as
        # \u escapes); the docs page is HTML and must escape too.
        *(
            (None, f"/api/v1/{path}")
            for path in (
                "initiatives",
                f"initiatives/{w.public.pk}",
                "subsidy-schemes",
                "subsidies",
                f"subsidies/{w.application.pk}",
                "budget-rounds",
                f"budget-rounds/{w.proposals_round.pk}",
                f"budget-rounds/{w.voting_round.pk}",
                f"budget-rounds/{w.results_round.pk}",
                "news",
                "decisions",
                "events",
                "statistics",
                "docs",
            )
        ),
    ]
    # The letter was issued (and stored) before the payloads went in: render it again.
    render_pdf(
        template="pdf/decision_letter.html",
        context=letters.letter_context(application=Application.objects.get(pk=w.application.pk)),
    )
    documents: list[tuple[str, str]] = []
    problems = []
    clients = {None: Client(), staff: as_staff}
    for user, url in pages:
        client = clients.setdefault(user, _client(user))
        response = client.get(url)
        where = f"{url} as {user or 'anonymous'}"
        if response.status_code != 200:
            problems.append(f"{where}: status {response.status_code}")
            continue
        content_type = response.get("Content-Type", "")
        body = b"".join(response).decode("utf-8", "replace")
        if "html" in content_type:
            documents.append((where, body))
        elif "xml" in content_type:
            # RSS: a reader renders an item's description as HTML once it has decoded the
            # XML, so the decoded description must hold no markup either.
            documents.append((where, body))
            for description in ElementTree.fromstring(body).iter("description"):
                for found in raw_markup(description.text or ""):
                    problems.append(f"{where}: description holds markup {found}")
        else:
            # JSON, CSV and .pb files hold the text as it was typed; browsers must not
            # guess that they are HTML.
            if response.get("X-Content-Type-Options") != "nosniff":
                problems.append(f"{where}: {content_type} without nosniff")
            if raw_markup(body) and "attachment" not in response.get("Content-Disposition", ""):
                problems.append(f"{where}: raw payload served inline as {content_type}")
    # The ballot's check step lists the chosen projects.
    response = _client(people["resident"]).post(
        reverse("budget:ballot", kwargs={"pk": w.voting_round.pk}),
        {"projects": [w.project.pk], "step": "check"},
    )
    assert response.status_code == 200
    documents.append(("ballot check step", response.content.decode()))
    documents += [(f"PDF {number}", html) for number, html in enumerate(caught_pdfs)]
    for message in mail.outbox:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                documents.append((f"e-mail {message.subject!r}", content))
    for notification in Notification.objects.exclude(html_body=""):
        documents.append((f"notification {notification.pk}", notification.html_body))

    for where, html in documents:
        for found in raw_markup(html):
            problems.append(f"{where}: raw markup {found}")
    everything = "\n".join(html for _where, html in documents)
    unseen = sorted(
        f"{name} ({marker})"
        for marker, name in markers.items()
        if escaped(marker) not in everything
    )
    assert not problems, "\n".join(problems)
    assert not unseen, "payloads shown nowhere (show them or exclude the field): " + ", ".join(
        unseen
    )


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://example.org/",
        "//evil.example/",
        "/\\evil.example/",
    ],
)
def test_links_editors_type_cannot_run_script(link):
    """Decision and event pages link only to this site or https (validate_site_link)."""
    with pytest.raises(ValidationError):
        validate_site_link(link)


@pytest.mark.parametrize("link", ["/initiatieven/12/", "https://www.brunssum.nl/", ""])
def test_links_to_this_site_or_https_are_accepted(link):
    """What editors should be able to type still passes."""
    validate_site_link(link)

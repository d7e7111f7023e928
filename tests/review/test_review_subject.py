"""The panel's review pages show what is reviewed: the purpose, the money asked, the files
(streamed after a check on the review) and a link to the full submission, for each kind
of subject (initiative, subsidy application, wijkbudget project).

Who may read it: the members of the wijk's panel who are not recused, and staff. A member
who declared a conflict, a member of another wijk's panel and a resident are refused;
the files open only while the review is open; the applicant's address and e-mail never
reach the panel.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from budget.models import ProjectStatus
from initiatives.models import Initiative
from review import registry, services
from review.models import Advice
from subsidies.models import Attachment, AttachmentKind, Status
from tests.factories import PanelMembershipFactory
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.factories.review import ReviewInitiativeFactory
from tests.factories.subsidies import (
    ApplicationFactory,
    InitiativeMemberFactory,
    SchemeFactory,
    SubsidyInitiativeFactory,
)

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def initiative_kind():
    """The initiatives app's own registration here: the conftest's stand-in describes nothing."""
    yield


def _initiative(wijk, people):
    initiative = ReviewInitiativeFactory(
        wijk=wijk,
        created_by=people.initiator,
        title="Moestuin Noord",
        summary="Een gezamenlijke moestuin op het braakliggende veld.",
        estimated_cost=Decimal("1250.50"),
    )
    initiative.photo.save("moestuin-schets.png", ContentFile(PNG_BYTES), save=True)
    return initiative, "Een gezamenlijke moestuin op het braakliggende veld.", "€ 1.250,50"


def _application(wijk, people):
    applicant = people.initiator
    initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=applicant, title="Buurtfeest")
    InitiativeMemberFactory(initiative=initiative, user=applicant)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk),
        initiative=initiative,
        status=Status.IN_REVIEW,
        reference="SR-2026-0001",
        submitted_at=timezone.now(),
        decision_due=timezone.localdate() + datetime.timedelta(days=56),
        purpose="Huur van een springkussen voor het zomerfeest.",
        requested_amount=Decimal("480.25"),
        applicant_name="Stichting Buurtfeest",
        applicant_street="Geheimstraat",
        applicant_house_number="99",
        applicant_postcode="6441ZZ",
        applicant_town="Brunssum",
    )
    attachment = Attachment(
        application=application,
        kind=AttachmentKind.QUOTE,
        original_name="offerte-springkussen.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=applicant,
    )
    attachment.file.save("offerte.pdf", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    return application, "Huur van een springkussen voor het zomerfeest.", "€ 480,25"


def _project(wijk, people):
    project = ProjectFactory(
        round=RoundFactory(wijk=wijk, phase="review"),
        title="Bankjes langs de vijver",
        summary="Vijf bankjes langs de vijver in het park.",
        cost=Decimal("3400.00"),
        status=ProjectStatus.IN_REVIEW,
        proposed_by=people.initiator,
    )
    project.photo.save("bankjes.png", ContentFile(PNG_BYTES), save=True)
    return project, "Vijf bankjes langs de vijver in het park.", "€ 3.400,00"


KINDS = {
    "initiative": (_initiative, "Foto: moestuin-schets.png", "Bekijk het volledige initiatief"),
    "application": (
        _application,
        "Offerte: offerte-springkussen.pdf",
        "Bekijk de volledige aanvraag",
    ),
    "project": (_project, "Foto: bankjes.png", "Bekijk het volledige projectvoorstel"),
}


@pytest.fixture(params=list(KINDS))
def subject(request, wijk, people, django_capture_on_commit_callbacks):
    """An open review of one kind of subject; `people.recused` declared a conflict."""
    make, file_text, link_text = KINDS[request.param]
    obj, purpose, amount = make(wijk, people)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_open(subject=obj, wijk=wijk, actor=people.staff)
    services.member_review_declare(
        actor=people.recused, review=review, has_conflict=True, explanation="Mijn buurvrouw."
    )
    file_key = "foto" if request.param != "application" else f"offerte-{obj.attachments.get().pk}"
    return {
        "kind": request.param,
        "obj": obj,
        "review": review,
        "purpose": purpose,
        "amount": amount,
        "file_text": file_text,
        "file_url": reverse("review:subject_file", kwargs={"pk": review.pk, "key": file_key}),
        "link_text": link_text,
        "bytes": PDF_BYTES if request.param == "application" else PNG_BYTES,
    }


def _page(client, review, name="review:detail"):
    response = client.get(reverse(name, kwargs={"pk": review.pk}))
    return response.status_code, response.content.decode()


def test_a_panel_member_sees_purpose_amount_files_and_the_full_submission(subject, people, login):
    client = login(people.member)
    status, page = _page(client, subject["review"])

    assert status == 200
    assert "Wat wordt beoordeeld" in page
    assert subject["purpose"] in page
    assert subject["amount"] in page
    assert f'href="{subject["file_url"]}"' in page
    assert subject["file_text"] in page
    assert subject["link_text"] in page
    full = subject["review"].subject
    link = {
        "initiative": reverse("initiatives:detail", kwargs={"pk": full.pk}),
        "application": reverse("subsidies:application_detail", kwargs={"pk": full.pk}),
        "project": reverse("budget:project_detail", kwargs={"pk": full.pk}),
    }[subject["kind"]]
    assert f'href="{link}"' in page
    # The panel member may open that page.
    assert client.get(link).status_code == 200
    # The declaration (before reviewing) shows it too: it decides whether one has a conflict.
    assert subject["purpose"] in _page(client, subject["review"], "review:declare")[1]


def test_the_file_opens_for_the_panel_member_and_staff(subject, people, login):
    for user in (people.member, people.chair, people.staff):
        response = login(user).get(subject["file_url"])
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == subject["bytes"]
        assert response["Cache-Control"] == "private, no-store"
        assert "attachment;" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["other", "resident", "recused", "former"])
def test_the_file_is_refused_to_everyone_else(who, subject, people, login):
    assert login(getattr(people, who)).get(subject["file_url"]).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(subject, client):
    response = client.get(subject["file_url"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_unknown_file_is_not_found(subject, people, login):
    url = reverse("review:subject_file", kwargs={"pk": subject["review"].pk, "key": "offerte-0"})
    assert login(people.member).get(url).status_code == 404


def test_a_recused_member_does_not_see_what_is_reviewed(subject, people, login):
    status, page = _page(login(people.recused), subject["review"])

    assert status == 200  # the review page itself, saying they are recused
    assert "Wat wordt beoordeeld" not in page
    assert subject["purpose"] not in page
    assert subject["file_url"] not in page


def test_a_member_with_a_stake_does_not_see_it_through_the_review(subject, people, login):
    # The initiator (applicant, proposer) on the panel is recused automatically.
    PanelMembershipFactory(wijk=subject["review"].wijk, member=people.initiator)
    status, page = _page(login(people.initiator), subject["review"])
    assert status == 200
    assert subject["file_url"] not in page
    assert login(people.initiator).get(subject["file_url"]).status_code == 403


@pytest.mark.parametrize("who", ["other", "resident"])
def test_another_wijks_member_and_a_resident_are_refused_the_review(who, subject, people, login):
    status, page = _page(login(getattr(people, who)), subject["review"])
    assert status == 403
    assert subject["purpose"] not in page


def test_the_applicants_address_and_e_mail_stay_hidden_from_the_panel(wijk, people, login):
    application, _purpose, _amount = _application(wijk, people)
    review = services.review_open(subject=application, wijk=wijk, actor=people.staff)
    _status, page = _page(login(people.member), review)

    assert "Huur van een springkussen" in page
    for private in ("Geheimstraat", "6441ZZ", people.initiator.email, "NL91ABNA0417164300"):
        assert private not in page
    # The budget (planned costs) is shown with its total.
    assert "Springkussen" in page
    assert "€ 600,00" in page


def test_the_files_close_with_the_review_but_the_description_stays(wijk, people, login):
    initiative, purpose, _amount = _initiative(wijk, people)
    review = services.review_open(subject=initiative, wijk=wijk, actor=people.staff)
    for user in (people.chair, people.member):
        services.member_review_declare(actor=user, review=review, has_conflict=False)
        services.member_review_submit(
            actor=user,
            review=review,
            scores=dict.fromkeys(review.criteria, 4),
            advice=Advice.POSITIVE,
            reasoning="Goed plan.",
        )
    services.review_write_advice(
        actor=people.chair, review=review, advice=Advice.POSITIVE, text="Het panel steunt dit."
    )
    url = reverse("review:subject_file", kwargs={"pk": review.pk, "key": "foto"})

    status, page = _page(login(people.member), review)
    assert status == 200
    assert purpose in page
    assert url not in page
    assert "De bijlagen kunt u openen zolang de beoordeling loopt." in page
    assert login(people.member).get(url).status_code == 403
    assert login(people.staff).get(url).status_code == 200


def test_a_kind_without_a_description_shows_the_title_only(wijk, people, login):
    previous = registry.kind_for(Initiative)
    registry.register(Initiative, registry.SubjectKind(on_concluded=lambda **kwargs: None))
    try:
        initiative, purpose, _amount = _initiative(wijk, people)
        review = services.review_open(subject=initiative, wijk=wijk, actor=people.staff)
        status, page = _page(login(people.member), review)
    finally:
        registry.register(Initiative, previous)
    assert status == 200
    assert "Moestuin Noord" in page
    assert purpose not in page


def test_the_member_sees_the_subject_beside_the_review_form(wijk, people, login):
    initiative, purpose, amount = _initiative(wijk, people)
    review = services.review_open(subject=initiative, wijk=wijk, actor=people.staff)
    services.member_review_declare(actor=people.member, review=review, has_conflict=False)

    status, page = _page(login(people.member), review, "review:member_review")
    assert status == 200
    assert purpose in page
    assert amount in page

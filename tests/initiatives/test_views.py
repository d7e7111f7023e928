"""Pages as residents and staff use them: forms, bad input, escaping, e-mail, moderation."""

from __future__ import annotations

import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from initiatives.models import Initiative
from initiatives.models import InitiativeStatus as S
from initiatives.services import initiative_transition
from review.models import Advice, ReviewStatus
from review.selectors import review_for
from tests.factories import UserFactory
from tests.factories.initiatives import ProgressUpdateFactory, VolunteerFactory
from tests.initiatives.test_workflow import give_advice

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def _form_data(**overrides):
    data = {
        "title": "Buurtbarbecue",
        "summary": "Een barbecue voor de hele straat",
        "description": "Op het plein, met muziek.",
        "themes": ["ontmoeting"],
        "place": "Marktplein",
        "latitude": "",
        "longitude": "",
        "estimated_cost": "150,50",
        "needs_volunteers": "on",
    }
    data.update(overrides)
    return data


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("plein.png", buffer.getvalue(), content_type="image/png")


def _login_staff(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)


def test_a_resident_proposes_an_initiative_with_a_photo(client, resident, wijk):
    client.force_login(resident)

    response = client.post(
        reverse("initiatives:create", kwargs={"slug": wijk.slug}),
        {**_form_data(), "photo": _png()},
        follow=True,
    )

    initiative = Initiative.objects.get()
    assert response.status_code == 200
    assert initiative.status == S.CONCEPT
    assert str(initiative.estimated_cost) == "150.50"
    assert initiative.photo.name.endswith(".png")
    assert "plein" not in initiative.photo.name  # renamed at random
    assert "als concept bewaard" in response.content.decode()


def test_bad_input_keeps_everything_typed_saves_nothing_and_explains_in_dutch(
    client, resident, wijk
):
    client.force_login(resident)

    response = client.post(
        reverse("initiatives:create", kwargs={"slug": wijk.slug}),
        _form_data(themes=[], estimated_cost="veel", latitude="50,9", title=SCRIPT),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert not Initiative.objects.exists()
    assert "Kies ten minste één thema." in content
    assert "Vul zowel breedte- als lengtegraad in, of geen van beide." in content
    assert "Een barbecue voor de hele straat" in content
    assert "Op het plein, met muziek." in content
    assert "&lt;script&gt;" in content
    assert SCRIPT not in content


def test_a_file_that_is_not_a_photo_is_refused(client, resident, wijk):
    client.force_login(resident)
    fake = SimpleUploadedFile("foto.png", b"<svg onload=alert(1)>", content_type="image/png")

    response = client.post(
        reverse("initiatives:create", kwargs={"slug": wijk.slug}), {**_form_data(), "photo": fake}
    )

    assert "Upload een foto als JPG of PNG." in response.content.decode()
    assert not Initiative.objects.exists()


def test_html_in_every_text_field_is_shown_escaped(client, make_initiative):
    initiative = make_initiative(
        S.PUBLISHED, title=SCRIPT, summary=SCRIPT, description=SCRIPT, place=SCRIPT
    )
    ProgressUpdateFactory(initiative=initiative, title=SCRIPT, text=SCRIPT)

    for url in (
        reverse("initiatives:detail", kwargs={"pk": initiative.pk}),
        reverse("initiatives:overview"),
    ):
        content = client.get(url).content.decode()
        assert SCRIPT not in content
        assert "&lt;script&gt;" in content


def test_the_initiator_submits_through_the_page_and_sees_the_new_status(client, make_initiative):
    initiative = make_initiative(S.CONCEPT)
    client.force_login(initiative.created_by)
    url = reverse("initiatives:transition", kwargs={"pk": initiative.pk, "action": "submit"})

    assert "Indienen" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""}, follow=True)

    initiative.refresh_from_db()
    assert initiative.status == S.SUBMITTED
    assert "De status is nu: Ingediend." in response.content.decode()


def test_a_step_not_possible_now_is_explained_not_taken(client, make_initiative):
    initiative = make_initiative(S.PUBLISHED)
    client.force_login(initiative.created_by)
    url = reverse("initiatives:transition", kwargs={"pk": initiative.pk, "action": "submit"})

    response = client.post(url, follow=True)

    assert "Deze stap is nu niet mogelijk (status: Gepubliceerd)." in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == S.PUBLISHED


def test_staff_rejecting_without_a_reason_get_a_dutch_message(client, staff, make_initiative):
    initiative = make_initiative(S.SUBMITTED)
    _login_staff(client, staff)
    url = reverse("initiatives:transition", kwargs={"pk": initiative.pk, "action": "reject"})

    response = client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert "Dit is een verplicht veld." in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == S.SUBMITTED


def test_the_advice_becomes_public_together_with_the_decision(
    client, staff, panel_chair, make_initiative
):
    initiative = make_initiative(S.SUBMITTED)
    initiative = initiative_transition(actor=staff, initiative=initiative, action="start_review")
    give_advice(review_for(subject=initiative), Advice.NEGATIVE, chair=panel_chair)
    url = reverse("initiatives:detail", kwargs={"pk": initiative.pk})
    client.force_login(initiative.created_by)
    assert "Advies van het wijkpanel" not in client.get(url).content.decode()

    _login_staff(client, staff)
    publish = reverse("initiatives:transition", kwargs={"pk": initiative.pk, "action": "publish"})
    response = client.post(publish, {"reason": ""})
    assert "leg uit waarom u toch publiceert" in response.content.decode()
    client.post(publish, {"reason": "Het plan is aangepast aan de bezwaren."})
    client.logout()

    content = client.get(url).content.decode()
    assert "Advies van het wijkpanel" in content
    assert "Het panel vindt dit een goed plan voor de buurt." in content
    assert "Het plan is aangepast aan de bezwaren." in content
    assert review_for(subject=initiative).status == ReviewStatus.ADVISED


def test_a_resident_supports_once_and_withdraws(client, resident, make_initiative):
    initiative = make_initiative(S.PUBLISHED)
    client.force_login(resident)
    support = reverse("initiatives:support", kwargs={"pk": initiative.pk})

    response = client.post(support, follow=True)
    assert "Dank voor uw steun." in response.content.decode()
    assert "1 bewoner steunt dit initiatief." in response.content.decode()
    response = client.post(support, follow=True)
    assert "U steunt dit initiatief al." in response.content.decode()
    assert initiative.supports.count() == 1

    client.post(reverse("initiatives:support_withdraw", kwargs={"pk": initiative.pk}))
    assert initiative.supports.count() == 0


def test_the_initiators_read_volunteer_messages_escaped(client, make_initiative):
    initiative = make_initiative(S.PUBLISHED)
    VolunteerFactory(initiative=initiative, message=f"Ik help graag {SCRIPT}")
    client.force_login(initiative.created_by)

    content = client.get(
        reverse("initiatives:volunteers", kwargs={"pk": initiative.pk})
    ).content.decode()

    assert "Ik help graag &lt;script&gt;" in content


def test_a_volunteer_signs_up_through_the_page(client, resident, make_initiative):
    initiative = make_initiative(S.PUBLISHED)
    client.force_login(resident)

    client.post(
        reverse("initiatives:volunteer", kwargs={"pk": initiative.pk}),
        {"message": "Zaterdag kan ik"},
    )

    assert initiative.volunteers.get().user == resident


def test_an_invited_person_accepts_after_logging_in(
    client, make_initiative, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.CONCEPT)
    client.force_login(initiative.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("initiatives:invite", kwargs={"pk": initiative.pk}),
            {"email": "buur@example.org"},
        )
    link = re.search(r"http\S+/initiatieven/uitnodiging/\S+/", mailoutbox[0].body).group(0)
    path = link[link.index("/initiatieven/") :]
    client.logout()

    assert client.get(path).status_code == 302  # log in first
    invitee = UserFactory(email="buur@example.org")
    client.force_login(invitee)
    assert "De uitnodiging aannemen" in client.get(path).content.decode()
    response = client.post(path, follow=True)

    assert "U bent nu mede-initiatiefnemer" in response.content.decode()
    assert initiative.members.filter(user=invitee).exists()
    assert client.get(reverse("initiatives:edit", kwargs={"pk": initiative.pk})).status_code == 200


def test_a_bad_invitation_link_says_so(client, resident):
    client.force_login(resident)
    response = client.get(reverse("initiatives:invitation_accept", kwargs={"token": "nep"}))
    assert response.status_code == 400
    assert "Deze uitnodigingslink is niet geldig." in response.content.decode()


def test_reported_content_reaches_staff_who_hide_it_and_it_vanishes_from_the_overview(
    client, resident, staff, make_initiative, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = make_initiative(S.PUBLISHED, title="Verkeerde tekst")
    client.force_login(resident)
    client.post(reverse("initiatives:report", kwargs={"pk": initiative.pk}), {"reason": "Kwetsend"})

    _login_staff(client, staff)
    assert "Kwetsend" in client.get(reverse("initiatives:staff_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("initiatives:hide", kwargs={"pk": initiative.pk}),
            {"reason": "Kwetsend voor buurtbewoners"},
        )
    client.logout()

    assert "Verkeerde tekst" not in client.get(reverse("initiatives:overview")).content.decode()
    assert any("Kwetsend voor buurtbewoners" in m.body for m in mailoutbox)
    client.force_login(initiative.created_by)
    content = client.get(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))
    assert "Kwetsend voor buurtbewoners" in content.content.decode()


def test_the_overview_is_paginated_and_keeps_the_filters(client, make_initiative):
    for _ in range(13):
        make_initiative(S.PUBLISHED, themes=["groen"])

    response = client.get(reverse("initiatives:overview"), {"theme": "groen"})

    content = response.content.decode()
    assert "13 initiatieven gevonden" in content
    assert "theme=groen&amp;page=2" in content
    assert "Pagina 1 van 2" in content


def test_a_progress_update_with_bad_input_keeps_the_text(client, make_initiative):
    initiative = make_initiative(S.IN_PROGRESS)
    client.force_login(initiative.created_by)

    response = client.post(
        reverse("initiatives:update_create", kwargs={"pk": initiative.pk}),
        {"title": "", "text": "Het gaat goed", "date": "gisteren"},
    )

    content = response.content.decode()
    assert "Het gaat goed" in content
    assert "Dit is een verplicht veld." in content
    assert not initiative.updates.exists()


def test_initiators_see_a_volunteers_name_and_message_but_not_their_e_mail(client, make_initiative):
    initiative = make_initiative(S.PUBLISHED)
    volunteer = VolunteerFactory(initiative=initiative, message="Ik neem een ladder mee.")
    client.force_login(initiative.created_by)

    content = client.get(
        reverse("initiatives:volunteers", kwargs={"pk": initiative.pk})
    ).content.decode()

    assert volunteer.user.profile.display_name in content
    assert "Ik neem een ladder mee." in content
    assert volunteer.user.email not in content

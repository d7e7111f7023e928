"""Publishing a result takes four eyes: one staff member asks, a different one confirms
(or sends it back with a reason); the service and the database refuse one person doing both."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budget import services
from budget.models import Result
from cms.models import DecisionPage
from tests.budget.test_results import _after_close, counted_round  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _client_of(user) -> Client:
    """A logged-in client with the second factor, as staff pages ask."""
    TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def counted(counted_round, staff):  # noqa: F811 - the fixture imported above
    """A round whose voting closed, counted by `staff`; the clock stays after the close."""
    budget_round, _projects = counted_round
    with _after_close(budget_round):
        services.round_count(actor=staff, budget_round=budget_round)
        yield budget_round


def _result(budget_round) -> Result:
    return Result.objects.get(round=budget_round)


def test_asking_does_not_publish_and_is_recorded(client, staff, counted, mailoutbox, committed):
    with committed():
        result = services.result_publication_request(actor=staff, budget_round=counted)

    assert result.is_publication_requested and not result.is_published
    assert result.publication_requested_by == staff
    record = result.history.first()
    assert record.history_user == staff
    assert record.history_change_reason == (
        "Publicatie aangevraagd; wacht op een tweede medewerker"
    )
    assert client.get(reverse("budget:result", args=[counted.pk])).status_code == 403
    assert not DecisionPage.objects.exists()
    assert mailoutbox == []


def test_a_colleague_confirms_and_only_then_it_is_public(
    client, staff, colleague, counted, committed
):
    services.result_publication_request(actor=staff, budget_round=counted)
    with committed():
        result = services.result_publication_confirm(actor=colleague, budget_round=counted)

    assert result.is_published
    assert (result.publication_requested_by, result.published_by) == (staff, colleague)
    record = result.history.first()
    assert record.history_user == colleague
    assert record.history_change_reason == (
        "Uitslag gepubliceerd; aangevraagd door staff@example.org, "
        "bevestigd door colleague@example.org"
    )
    assert client.get(reverse("budget:result", args=[counted.pk])).status_code == 200
    assert DecisionPage.objects.filter(kind="budget_result", live=False).exists()


def test_the_same_person_cannot_ask_and_confirm(staff, counted):
    services.result_publication_request(actor=staff, budget_round=counted)
    rows = _result(counted).history.count()

    with pytest.raises(ValidationError, match="zelf aangevraagd|yourself"):
        services.result_publication_confirm(actor=staff, budget_round=counted)
    with pytest.raises(ValidationError, match="zelf aangevraagd|yourself"):
        services.result_publication_send_back(actor=staff, budget_round=counted, reason="Nee")

    result = _result(counted)
    assert not result.is_published and result.is_publication_requested
    assert result.history.count() == rows


def test_asking_twice_is_refused(staff, colleague, counted):
    services.result_publication_request(actor=staff, budget_round=counted)

    with pytest.raises(ValidationError, match="al aangevraagd|already been asked"):
        services.result_publication_request(actor=colleague, budget_round=counted)
    assert _result(counted).publication_requested_by == staff


def test_nothing_to_confirm_before_someone_asks(colleague, counted):
    with pytest.raises(ValidationError, match="Niemand heeft|Nobody has asked"):
        services.result_publication_confirm(actor=colleague, budget_round=counted)
    assert not _result(counted).is_published


def test_a_resident_can_neither_ask_nor_confirm(resident, staff, counted):
    with pytest.raises(PermissionDenied):
        services.result_publication_request(actor=resident, budget_round=counted)
    services.result_publication_request(actor=staff, budget_round=counted)
    with pytest.raises(PermissionDenied):
        services.result_publication_confirm(actor=resident, budget_round=counted)
    assert not _result(counted).is_published


def test_a_colleague_sends_it_back_with_a_reason(staff, colleague, counted):
    services.result_publication_request(actor=staff, budget_round=counted)

    with pytest.raises(ValidationError) as refused:
        services.result_publication_send_back(actor=colleague, budget_round=counted, reason=" ")
    why = "Geef aan waarom u de publicatie terugstuurt."
    assert refused.value.message_dict == {"reason": [why]}
    assert _result(counted).is_publication_requested

    result = services.result_publication_send_back(
        actor=colleague, budget_round=counted, reason="Project B ontbreekt"
    )

    assert not result.is_publication_requested and not result.is_published
    assert result.sent_back_reason == "Project B ontbreekt"
    record = result.history.first()
    assert record.history_user == colleague
    assert record.history_change_reason == "Publicatie teruggestuurd: Project B ontbreekt"
    # Sent back, it can be counted again and asked for again.
    services.round_count(actor=staff, budget_round=counted)
    services.result_publication_request(actor=staff, budget_round=counted)


def test_counting_again_withdraws_the_request(staff, colleague, counted):
    services.result_publication_request(actor=staff, budget_round=counted)

    result = services.round_count(actor=colleague, budget_round=counted)

    assert not result.is_publication_requested
    reason = result.history.first().history_change_reason
    assert "De aanvraag tot publicatie is ingetrokken" in reason
    with pytest.raises(ValidationError, match="Niemand heeft|Nobody has asked"):
        services.result_publication_confirm(actor=colleague, budget_round=counted)


def test_the_database_refuses_one_person_asking_and_confirming(staff, counted):
    services.result_publication_request(actor=staff, budget_round=counted)

    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(round=counted).update(published_at=timezone.now(), published_by=staff)
    assert not _result(counted).is_published


def test_the_database_refuses_a_request_without_its_moment(staff, counted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(round=counted).update(publication_requested_by=staff)


def test_the_pages_ask_for_confirmation_and_show_who_did_what(staff, colleague, counted):
    asker, checker = _client_of(staff), _client_of(colleague)
    result_url = reverse("budget:staff_result", args=[counted.pk])
    ask_url = reverse("budget:staff_publish", args=[counted.pk])
    confirm_url = reverse("budget:staff_publish_confirm", args=[counted.pk])

    ask = asker.get(ask_url).content.decode()
    assert "Weet u het zeker? Na publicatie ziet iedereen de uitslag." in ask
    response = asker.post(ask_url)
    assert response.status_code == 302 and response.url == result_url

    own = asker.get(result_url).content.decode()
    assert "Wacht op een collega die de publicatie bevestigt" in own
    assert "U hebt de publicatie van deze uitslag aangevraagd." in own
    assert confirm_url not in own
    other = checker.get(result_url).content.decode()
    assert confirm_url in other
    assert reverse("budget:staff_publish_send_back", args=[counted.pk]) in other

    # The one who asked cannot confirm through the page either.
    refused = asker.post(confirm_url)
    assert refused.status_code == 400
    assert "U hebt de publicatie van deze uitslag zelf aangevraagd" in refused.content.decode()
    assert not _result(counted).is_published

    assert "Weet u het zeker? Na publicatie ziet iedereen de uitslag" in (
        checker.get(confirm_url).content.decode()
    )
    response = checker.post(confirm_url)
    assert response.url == reverse("budget:result", args=[counted.pk])

    page = checker.get(result_url).content.decode()
    assert "Publicatie aangevraagd door</dt><dd>staff@example.org" in page
    assert "Publicatie bevestigd door</dt><dd>colleague@example.org" in page
    assert "Uitslag gepubliceerd; aangevraagd door staff@example.org" in page  # the history


def test_send_back_page_needs_a_reason(staff, colleague, counted):
    services.result_publication_request(actor=staff, budget_round=counted)
    url = reverse("budget:staff_publish_send_back", args=[counted.pk])
    checker = _client_of(colleague)

    refused = checker.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Dit is een verplicht veld." in refused.content.decode()
    checker.post(url, {"reason": "Telling klopt niet"})

    page = checker.get(reverse("budget:staff_result", args=[counted.pk])).content.decode()
    assert "Teruggestuurd omdat</dt><dd>Telling klopt niet" in page

"""What a resident does, run by test_pgbouncer.py in a pytest of its own whose database
connection goes through PgBouncer in transaction mode (not collected on its own: it needs
that connection, see DATABASE_URL in test_pgbouncer.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from budget import services
from budget.locks import round_config_lock_exclusive
from budget.models import Ballot, Participation
from subsidies.models import Attachment
from tests.budget.test_concurrency import _wijk_with_resident
from tests.factories.budget import ProjectFactory, RoundFactory
from tests.subsidies.conftest import PDF_BYTES, pdf_upload
from tests.subsidies.test_views import _form_data


def test_the_connection_goes_through_the_pooler_without_server_side_cursors():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.mark.django_db
def test_a_resident_votes_and_changes_the_ballot(client, resident, voting_round, projects):
    client.force_login(resident)
    url = reverse("budget:ballot", args=[voting_round.pk])
    first = client.post(url, {"projects": [projects["Speeltuin"].pk], "step": "confirm"})
    assert first.status_code == 302

    changed = {"projects": [projects["Bankjes"].pk, projects["Moestuin"].pk], "step": "confirm"}
    assert client.post(url, changed).status_code == 302

    ballot = Ballot.objects.get(round=voting_round)
    assert ballot.choices == {str(projects["Bankjes"].pk): 1, str(projects["Moestuin"].pk): 1}
    assert Participation.objects.filter(round=voting_round).count() == 1


@pytest.mark.django_db
def test_an_applicant_uploads_an_attachment(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("subsidies:application_edit", args=[draft.pk])
    response = client.post(url, {**_form_data(draft), "quote": pdf_upload("offerte.pdf")})
    assert response.status_code == 302

    attachment = Attachment.objects.get(application=draft)
    download = reverse("subsidies:attachment_download", args=[draft.pk, attachment.pk])
    assert b"".join(client.get(download).streaming_content) == PDF_BYTES


@pytest.mark.django_db(transaction=True)
def test_the_round_lock_still_makes_a_ballot_wait_for_a_configuration_change():
    """Advisory locks are transaction-scoped, so transaction pooling keeps them working."""
    wijk, voter = _wijk_with_resident("pooled-lock")
    budget_round = RoundFactory(wijk=wijk, max_choices=1)
    project = ProjectFactory(round=budget_round)
    locked, release, cast = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def change_configuration():
        try:
            with transaction.atomic():
                round_config_lock_exclusive(round_pk=budget_round.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    def vote():
        try:
            locked.wait(timeout=20)
            services.ballot_cast(actor=voter, budget_round=budget_round, choices={project.pk: 1})
            cast.set()
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change_configuration), threading.Thread(target=vote)]
    for thread in threads:
        thread.start()
    assert locked.wait(timeout=20)
    waited = not cast.wait(timeout=1.5)
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert waited, "the ballot did not wait for the exclusive round lock"
    assert errors == []
    assert cast.is_set()
    assert Ballot.objects.filter(round=budget_round).count() == 1

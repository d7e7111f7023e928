"""The PDF of a decision page is for council staff while the page is a draft, public once live."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Collection

from cms import services
from cms.models import DecisionPage
from core.events import decision_taken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Files on disk, as in production: Wagtail's serve view reads them from their path."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def draft(home, wijk):
    """A draft decision page prepared after a decision, with its PDF."""
    decision_taken.send(
        sender=type(wijk),
        kind="subsidy",
        obj=wijk,
        title="Subsidie toegekend: Groene Akerstraat",
        summary="Het college kent € 2.500 toe.",
        decided_at=timezone.now(),
        wijken=[wijk],
        pdf=PDF,
    )
    return DecisionPage.objects.get()


def _get(client, page):
    return client.get(page.document.url)


def _is_login_redirect(response):
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_pdf_of_a_draft_is_for_council_staff_only(draft, resident, staff_client):
    assert draft.document.url.startswith("/documents/")

    anonymous = Client()
    assert _is_login_redirect(_get(anonymous, draft))
    signed_in = Client()
    signed_in.force_login(resident)
    assert _is_login_redirect(_get(signed_in, draft))

    response = _get(staff_client, draft)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_publishing_makes_the_pdf_public_and_unpublishing_hides_it_again(draft, client):
    draft.get_latest_revision().publish()

    response = _get(client, draft)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    draft.refresh_from_db()
    assert draft.document.collection.name == services.PUBLIC_DECISIONS_COLLECTION

    draft.unpublish()

    assert _is_login_redirect(_get(client, draft))


def test_approval_in_the_editors_workflow_makes_the_pdf_public(draft, staff, client):
    """Not only the publish button: the approver's approval publishes too."""
    approver = UserFactory(email="eindredacteur@example.org")
    approver.groups.add(Group.objects.get(name="Redactie-goedkeurders"))
    workflow_state = draft.get_workflow().start(draft, staff)
    task_state = workflow_state.current_task_state

    task_state.task.specific.on_action(task_state, approver, "approve")

    draft.refresh_from_db()
    assert draft.live
    assert _get(client, draft).status_code == 200


def test_a_document_chosen_from_elsewhere_does_not_move(draft, client):
    own = Document(title="Raadsvoorstel")
    own.file.save("raadsvoorstel.pdf", ContentFile(PDF), save=False)
    own.save()
    draft.document = own
    draft.save_revision().publish()

    draft.unpublish()

    own.refresh_from_db()
    assert own.collection == Collection.get_first_root_node()
    assert _get(client, draft).status_code == 200


def test_the_restriction_is_made_again_when_it_was_removed(draft, client):
    draft.document.collection.get_view_restrictions().delete()

    services.decision_drafts_collection()

    assert _is_login_redirect(_get(client, draft))


def test_the_migration_hides_the_pdfs_of_existing_drafts(draft, client):
    # A draft made before the restricted collection existed: its PDF was public.
    Document.objects.filter(pk=draft.document_id).update(
        collection=Collection.get_first_root_node()
    )
    Collection.objects.filter(name=services.DRAFT_DECISIONS_COLLECTION).delete()
    Collection.fix_tree()
    assert _get(client, draft).status_code == 200

    migration = importlib.import_module("cms.migrations.0006_decision_drafts_collection")
    # With the models as the migration sees them, not today's.
    state = MigrationLoader(connection).project_state(("cms", "0006_decision_drafts_collection"))
    migration.restrict_draft_decision_documents(state.apps, None)

    assert _is_login_redirect(_get(client, draft))
    # The services find the collection the migration made.
    assert (
        services.decision_drafts_collection().pk
        == Document.objects.get(pk=draft.document_id).collection_id
    )

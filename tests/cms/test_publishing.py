"""Editors draft, an approver publishes; scheduled pages go live on time."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import NewsPage
from tests.factories import UserFactory
from tests.factories.cms import NewsPageFactory, news_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = UserFactory(email="redacteur@example.org")
    user.groups.add(Group.objects.get(name="Redacteuren"))
    TOTP.activate(user, generate_totp_secret())  # the CMS admin asks everyone for it
    return user


@pytest.fixture
def approver(db):
    user = UserFactory(email="eindredacteur@example.org")
    user.groups.add(Group.objects.get(name="Redactie-goedkeurders"))
    return user


def _draft(editor) -> NewsPage:
    page = NewsPage(
        title="Nieuwe openingstijden wijkbedrijf",
        slug="openingstijden",
        intro="Vanaf 1 april is het wijkbedrijf ook op vrijdagmiddag open.",
        live=False,
        owner=editor,
    )
    news_index().add_child(instance=page)
    page.save_revision(user=editor)
    return page


def test_the_home_page_uses_the_redactie_workflow(home):
    workflow = home.get_workflow()

    assert workflow.name == "Redactie"
    assert [task.name for task in workflow.tasks] == ["Goedkeuring redactie"]
    assert news_index().get_workflow() == workflow


def test_an_editor_may_draft_but_not_publish(home, editor, approver):
    page = _draft(editor)

    assert page.permissions_for_user(editor).can_edit()
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(approver).can_publish()


def test_a_page_goes_live_only_after_the_approver_approves(client, home, editor, approver):
    page = _draft(editor)

    workflow_state = page.get_workflow().start(page, editor)

    page.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not page.live
    assert client.get("/nieuws/openingstijden/").status_code == 404
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(page, editor) == []
    assert "approve" in [name for name, _label, _modal in task.get_actions(page, approver)]

    task.on_action(task_state, approver, "approve")

    page.refresh_from_db()
    workflow_state.refresh_from_db()
    assert page.live
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert client.get("/nieuws/openingstijden/").status_code == 200


def test_a_rejected_page_stays_a_draft(home, editor, approver):
    page = _draft(editor)
    workflow_state = page.get_workflow().start(page, editor)
    task_state = workflow_state.current_task_state

    task_state.task.specific.on_action(task_state, approver, "reject")

    page.refresh_from_db()
    workflow_state.refresh_from_db()
    assert not page.live
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_a_scheduled_page_goes_live_when_its_time_comes(client, home, time_machine):
    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0)))
    page = NewsPageFactory(title="Wijkbudget 2026 gaat open", slug="wijkbudget-open", live=False)
    page.go_live_at = timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 0))
    page.save_revision().publish()

    page.refresh_from_db()
    assert not page.live
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live
    assert client.get("/nieuws/wijkbudget-open/").status_code == 404

    time_machine.move_to(timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 5)))
    call_command("publish_scheduled")

    page.refresh_from_db()
    assert page.live
    assert client.get("/nieuws/wijkbudget-open/").status_code == 200


def test_an_editor_submits_a_news_item_for_moderation_in_the_admin(client, home, editor, wijk):
    index = news_index()
    client.force_login(editor)
    form = nested_form_data(
        {
            "title": "Nieuwe openingstijden wijkbedrijf",
            "slug": "openingstijden",
            "date": "2026-03-14",
            "tags": "openingstijden",
            "intro": "Vanaf 1 april is het wijkbedrijf ook op vrijdagmiddag open.",
            "body": streamfield([("paragraph", rich_text("<p>Welkom!</p>"))]),
            "comments": inline_formset([]),
            "action-submit": "Submit",
        }
    )
    form["wijken"] = [wijk.pk]

    assert client.get(f"/cms-admin/pages/add/cms/newspage/{index.pk}/").status_code == 200
    response = client.post(f"/cms-admin/pages/add/cms/newspage/{index.pk}/", form)

    assert response.status_code == 302
    page = NewsPage.objects.get(slug="openingstijden")
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert list(page.wijken.all()) == [wijk]

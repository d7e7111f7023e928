"""Who edits and who approves: named in the demo, managed from the site by a functional admin."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.models import NewsPage
from core.models import User
from core.roles import (
    APPROVERS,
    COUNCIL_STAFF,
    EDITORS,
    FUNCTIONAL_ADMINS,
    SCOPED_ROLES,
    WIJK_COORDINATORS,
)
from tests.factories import UserFactory
from tests.factories.cms import news_index

pytestmark = pytest.mark.django_db


def _with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def functional_admin(db):
    user = _with_totp(UserFactory(email="beheerder@example.org"))
    user.groups.add(Group.objects.get(name=FUNCTIONAL_ADMINS))
    return user


@pytest.fixture
def colleague(db):
    """A council staff member who also edits news."""
    user = UserFactory(email="collega@example.org", first_name="Sem", last_name="Bakker")
    user.groups.add(Group.objects.get(name=COUNCIL_STAFF), Group.objects.get(name=EDITORS))
    return user


def _edit(client, user: User, **fields):
    data = {
        "email": user.email,
        "first_name": user.first_name or "Sem",
        "last_name": user.last_name or "Bakker",
        "is_active": "on",
        **fields,
    }
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)


def test_the_demo_names_an_editor_an_approver_and_a_functional_admin():
    call_command("demo_data")

    staff = User.objects.get(email="medewerker.beijum@example.org")
    editor = User.objects.get(email="redacteur@example.org")
    assert staff.groups.filter(name=APPROVERS).exists()
    assert editor.groups.filter(name=EDITORS).exists()
    assert (
        User.objects.get(email="beheerder@example.org")
        .groups.filter(name=FUNCTIONAL_ADMINS)
        .exists()
    )

    # A news item the demo editor submits can be approved by the demo's staff member.
    page = NewsPage(title="Nieuw buurtcafé", slug="buurtcafe", intro="Elke vrijdag.", live=False)
    news_index().add_child(instance=page)
    page.save_revision(user=editor)
    workflow_state = page.get_workflow().start(page, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert "approve" in [name for name, _label, _modal in task.get_actions(page, staff)]
    task.on_action(task_state, staff, "approve")
    page.refresh_from_db()
    assert page.live
    assert WorkflowState.objects.get(pk=workflow_state.pk).status == "approved"


def test_a_functional_admin_makes_an_editor_an_approver_from_the_site(
    client, functional_admin, colleague
):
    client.force_login(functional_admin)
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200

    approvers = Group.objects.get(name=APPROVERS)
    coordinators = Group.objects.get(name=WIJK_COORDINATORS)
    response = _edit(client, colleague, groups=[approvers.pk, coordinators.pk])

    assert response.status_code == 302
    names = set(colleague.groups.values_list("name", flat=True))
    # The editorial role and the council role changed; council staff membership, which
    # the form no longer ticked, is gone (the functional administrator gives that too).
    assert names == {APPROVERS, WIJK_COORDINATORS}


def test_a_functional_admin_sees_only_the_editorial_and_council_roles_and_no_admin_flag(
    client, functional_admin, colleague
):
    client.force_login(functional_admin)
    form = client.get(reverse("wagtailusers_users:edit", args=[colleague.pk])).context["form"]

    assert "is_superuser" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        EDITORS,
        APPROVERS,
        COUNCIL_STAFF,
        *SCOPED_ROLES,
    }
    assert form.fields["email"].disabled
    assert form.fields["password1"].disabled


def test_a_functional_admin_cannot_make_a_superuser_or_take_over_an_account(
    client, functional_admin, colleague
):
    client.force_login(functional_admin)
    staff_group = Group.objects.get(name=COUNCIL_STAFF)

    _edit(
        client,
        colleague,
        email="aanvaller@example.org",
        is_superuser="on",
        groups=[staff_group.pk, Group.objects.get(name=FUNCTIONAL_ADMINS).pk],
    )

    colleague.refresh_from_db()
    assert not colleague.is_superuser
    assert colleague.email == "collega@example.org"
    assert not colleague.groups.filter(name=FUNCTIONAL_ADMINS).exists()


def test_a_functional_admin_cannot_open_a_superusers_account(client, functional_admin):
    root = UserFactory(email="root@example.org", is_superuser=True)
    client.force_login(functional_admin)

    response = client.get(reverse("wagtailusers_users:edit", args=[root.pk]), follow=True)

    # Wagtail's admin answers a refusal with its dashboard and a message.
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "root@example.org" not in response.content.decode()


def test_a_superuser_keeps_wagtails_full_user_screen(client, colleague):
    root = _with_totp(UserFactory(email="root@example.org", is_superuser=True))
    client.force_login(root)

    form = client.get(reverse("wagtailusers_users:edit", args=[colleague.pk])).context["form"]

    assert "is_superuser" in form.fields
    assert Group.objects.get(name=COUNCIL_STAFF) in form.fields["groups"].queryset

"""The permission matrix: every page and action of the review for every kind of person."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from review import services
from review.models import Advice

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "initiator", "member", "other", "recused", "former", "chair"]
ROLES += ["staff"]

# Expected status per page on an open review that nobody has scored yet.
# 302 for the anonymous visitor means: to the login page; for `member_review` it
# means: first to the declaration of interest.
PAGES = {
    "review:dashboard": {"member": 200, "other": 200, "recused": 200, "chair": 200},
    "review:detail": {"member": 200, "recused": 200, "chair": 200, "staff": 200},
    "review:declare": {"member": 200, "chair": 200},
    "review:member_review": {"member": 302, "chair": 302},
    # The chair declares first: sent to the declaration.
    "review:advice": {"chair": 302},
    "review:assign": {"chair": 200, "staff": 200},
    "review:name_substitute": {"staff": 200},
    "review:proceed_without_advice": {"staff": 200},
    "review:staff_overview": {"staff": 200},
    "review:staff_members": {"staff": 200},
}
WITHOUT_PK = {"review:dashboard", "review:staff_overview", "review:staff_members"}


def _url(name, review):
    return reverse(name) if name in WITHOUT_PK else reverse(name, kwargs={"pk": review.pk})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_permissions(page, role, review, people, login):
    client = login(getattr(people, role, None))

    response = client.get(_url(page, review))

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == PAGES[page].get(role, 403)


def test_a_member_who_has_not_declared_is_sent_to_the_declaration_first(review, people, login):
    response = login(people.member).get(reverse("review:member_review", kwargs={"pk": review.pk}))
    assert response.url == reverse("review:declare", kwargs={"pk": review.pk})


def _declare(user, review):
    services.member_review_declare(actor=user, review=review, has_conflict=False)


def _submit(user, review):
    services.member_review_submit(
        actor=user,
        review=review,
        scores=dict.fromkeys(review.criteria, 4),
        advice=Advice.POSITIVE,
        reasoning="Prima plan.",
    )


def _advise(user, review):
    services.review_write_advice(actor=user, review=review, advice=Advice.POSITIVE, text="Doen.")


def _proceed(user, review):
    services.review_proceed_without_advice(actor=user, review=review, reason="Geen quorum.")


# Who may take each action (anyone else is refused with PermissionDenied).
ACTIONS = {
    "declare": (_declare, {"member", "chair"}),
    "submit": (_submit, set()),  # nobody: a member must declare first
    "advise": (_advise, set()),  # the chair may, after declaring and with a quorum: see below
    "proceed": (_proceed, set()),  # staff may, but only after the due date: see below
}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_permissions(action, role, review, people):
    run, allowed = ACTIONS[action]
    user = getattr(people, role)
    if role in allowed:
        run(user, review)
    elif (action, role) == ("proceed", "staff"):
        # Permitted, but the state refuses: the due date has not passed.
        with pytest.raises(ValidationError):
            run(user, review)
    else:
        with pytest.raises(PermissionDenied):
            run(user, review)


@pytest.mark.parametrize("role", ["member", "chair"])
def test_a_member_who_declared_no_conflict_may_submit(role, review, people):
    user = getattr(people, role)
    _declare(user, review)
    _submit(user, review)
    assert review.member_reviews.get(member=user).is_submitted


def test_the_recused_member_cannot_declare_again_or_submit(review, people):
    with pytest.raises(PermissionDenied):
        _declare(people.recused, review)
    with pytest.raises(PermissionDenied):
        _submit(people.recused, review)


def test_a_recused_chair_cannot_write_the_advice(review, people):
    _declare(people.member, review)
    _submit(people.member, review)
    services.member_review_declare(
        actor=people.chair, review=review, has_conflict=True, explanation="Buurman."
    )
    assert not people.chair.has_perm("review.write_advice", review)
    with pytest.raises(PermissionDenied):
        _advise(people.chair, review)


def test_the_chair_reaches_the_advice_form_only_while_the_review_is_open(review, people, login):
    _declare(people.member, review)
    _submit(people.member, review)
    _declare(people.chair, review)
    _submit(people.chair, review)
    _advise(people.chair, review)

    response = login(people.chair).get(
        reverse("review:advice", kwargs={"pk": review.pk}), follow=True
    )

    # Not the form: back to the review, with the reason in Dutch.
    assert response.redirect_chain == [(reverse("review:detail", kwargs={"pk": review.pk}), 302)]
    assert "beoordelingen kunnen niet meer worden gewijzigd" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("staff", True),
        ("chair", False),
        ("member", False),
        ("resident", False),
        ("initiator", False),
    ],
)
def test_only_staff_record_the_decision(role, allowed, review, people, time_machine):
    time_machine.move_to(review.due_date + datetime.timedelta(days=1))
    services.review_proceed_without_advice(actor=people.staff, review=review, reason="Te laat.")
    user = getattr(people, role)
    if allowed:
        services.review_record_decision(actor=user, review=review, approved=True)
    else:
        with pytest.raises(PermissionDenied):
            services.review_record_decision(actor=user, review=review, approved=True)

"""Fixtures of the wijkpanel review: a panel with every kind of person, and an open review."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import is_mfa_enabled
from django.utils import timezone

from core.rules import is_council_staff
from initiatives.models import Initiative
from initiatives.selectors import initiative_interests
from review import registry, services
from tests.factories import PanelMembershipFactory, VerifiedProfileFactory
from tests.factories.review import ReviewInitiativeFactory


@pytest.fixture(autouse=True)
def initiative_kind():
    """Initiative registered with a handler that records calls (restored afterwards).

    Who has a stake in an initiative is the initiatives app's own answer (initiative_interests).
    """
    previous = registry.kind_for(Initiative)
    calls: list[dict] = []
    decided: set[int] = set()
    registry.register(
        Initiative,
        registry.SubjectKind(
            on_concluded=lambda **kwargs: calls.append(kwargs),
            is_decided=lambda subject: subject.pk in decided,
            interests=lambda subjects, user_ids: initiative_interests(
                initiative_ids={s.pk: s.pk for s in subjects}, user_ids=user_ids
            ),
        ),
    )
    yield SimpleNamespace(calls=calls, decided=decided)
    if previous is not None:
        registry.register(Initiative, previous)
    else:
        registry._KINDS.pop(Initiative, None)


def _member(wijk, postcode: str, **kwargs):
    membership = PanelMembershipFactory(wijk=wijk, **kwargs)
    VerifiedProfileFactory(user=membership.member, wijk=wijk, postcode=postcode)
    return membership.member


@pytest.fixture
def people(wijk, other_wijk, resident, staff, panel_chair):
    """Everyone the permission matrix asks about (the recused member declares in `review`)."""
    today = timezone.localdate()
    return SimpleNamespace(
        resident=resident,
        initiator=VerifiedProfileFactory(wijk=wijk, postcode="6441AD").user,
        member=_member(wijk, "6441AE"),
        recused=_member(wijk, "6441AF"),
        former=_member(
            wijk,
            "6441AG",
            term_start=today - datetime.timedelta(days=400),
            term_end=today - datetime.timedelta(days=1),
        ),
        other=_member(other_wijk, "9733AA"),
        chair=panel_chair,
        staff=staff,
    )


@pytest.fixture
def initiative(wijk, people):
    return ReviewInitiativeFactory(wijk=wijk, created_by=people.initiator, title="Moestuin Noord")


@pytest.fixture
def review(initiative, wijk, people, django_capture_on_commit_callbacks):
    """An open review of `initiative`; `people.recused` declared a conflict of interest."""
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_open(subject=initiative, wijk=wijk, actor=people.staff)
    services.member_review_declare(
        actor=people.recused,
        review=review,
        has_conflict=True,
        explanation="Mijn zus is een van de initiatiefnemers.",
    )
    return review


@pytest.fixture
def login(client):
    """Log a person in; staff get two-factor so they pass the staff check."""

    def _login(user):
        if user is None:
            return client
        if is_council_staff(user) and not is_mfa_enabled(user):
            TOTP.activate(user, generate_totp_secret())
        client.force_login(user)
        return client

    return _login

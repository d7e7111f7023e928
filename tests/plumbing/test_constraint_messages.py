"""A database constraint that refuses something says why in words, never by its name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import WijkCoordinator
from subsidies.models import Application
from tests.factories import make_coordinator, make_functional_admin
from tests.factories.subsidies import ApplicationFactory, SchemeFactory, make_initiator

OUR_APPS = {"core", "review", "initiatives", "subsidies", "budget", "cms", "stats"}


def _our_constraints():
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_of_ours_has_a_message_of_its_own():
    missing = [
        f"{model._meta.label}: {constraint.name}"
        for model, constraint in _our_constraints()
        if constraint.violation_error_message in (None, constraint.default_violation_error_message)
    ]

    assert missing == [], "constraints without violation_error_message"


def test_every_constraint_message_is_translated_into_dutch():
    untranslated = []
    for model, constraint in _our_constraints():
        message = constraint.violation_error_message
        if message in (None, constraint.default_violation_error_message):
            continue  # reported by the test above
        with translation.override("nl"):
            dutch = str(message)
        with translation.override("en"):
            english = str(message)
        if dutch == english or constraint.name in dutch:
            untranslated.append(f"{model._meta.label}: {constraint.name}")

    assert untranslated == []


@pytest.mark.django_db
def test_a_check_constraint_refuses_in_dutch_without_its_name(wijk):
    applicant, initiative = make_initiator(wijk=wijk)
    application = ApplicationFactory(
        scheme=SchemeFactory(wijk=wijk), initiative=initiative, created_by=applicant
    )
    application.granted_amount = application.requested_amount + Decimal("1")

    with translation.override("nl"), pytest.raises(ValidationError) as refusal:
        application.validate_constraints()

    assert refusal.value.messages == [
        "Het toegekende bedrag ligt tussen nul en het aangevraagde bedrag."
    ]
    assert not Application.objects.filter(granted_amount__isnull=False).exists()


@pytest.mark.django_db
def test_a_second_coordinator_post_in_the_admin_shows_the_dutch_reason_not_the_constraint(
    client, wijk
):
    # Naming coordinators is the functional administrator's task (core/rules.py).
    admin = make_functional_admin()
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    coordinator = make_coordinator(wijk)
    before = WijkCoordinator.objects.count()

    response = client.post(
        reverse("wijkcoordinator:add"), {"wijk": wijk.pk, "user": coordinator.pk}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Deze persoon is al wijkcoördinator van deze wijk." in content
    assert "unique_coordinator_per_wijk" not in content
    assert WijkCoordinator.objects.count() == before

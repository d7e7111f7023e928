"""An application started by someone acting for an organisation (eHerkenning) is the
organisation's, and the decision letter's addressee is the organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from identity.models import Organisation, OrganisationMember
from identity.selectors import ACTING_ORGANISATION_SESSION_KEY
from subsidies import services
from subsidies.letters import letter_context
from subsidies.models import Application
from tests.factories.subsidies import SchemeFactory, make_initiator

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return Organisation.objects.create(name="Stichting Buurtkracht", kvk_number="12345678")


@pytest.fixture
def initiator(wijk):
    user, initiative = make_initiator(wijk=wijk)
    user.initiative = initiative
    return user


def member(organisation, user):
    OrganisationMember.objects.create(
        organisation=organisation, user=user, last_authorised_at=timezone.now()
    )


def test_an_application_for_the_organisation_is_addressed_to_it(wijk, organisation, initiator):
    member(organisation, initiator)
    application = services.application_create(
        actor=initiator,
        initiative=initiator.initiative,
        scheme=SchemeFactory(wijk=wijk),
        organisation=organisation,
    )
    assert application.organisation == organisation
    assert letter_context(application=application)["applicant_name"] == "Stichting Buurtkracht"


def test_only_someone_authorised_for_the_organisation_applies_for_it(wijk, organisation, initiator):
    with pytest.raises(PermissionDenied):
        services.application_create(
            actor=initiator,
            initiative=initiator.initiative,
            scheme=SchemeFactory(wijk=wijk),
            organisation=organisation,
        )
    assert not Application.objects.exists()


def test_the_eherkenning_session_applies_for_its_organisation(
    client, wijk, organisation, initiator
):
    member(organisation, initiator)
    scheme = SchemeFactory(wijk=wijk)
    client.force_login(initiator)
    session = client.session
    session[ACTING_ORGANISATION_SESSION_KEY] = organisation.pk
    session.save()
    url = reverse("subsidies:application_start", kwargs={"pk": scheme.pk})
    response = client.post(url, {"initiative": initiator.initiative.pk})
    assert response.status_code == 302
    assert Application.objects.get().organisation == organisation


def test_without_eherkenning_the_application_is_the_persons(client, wijk, initiator):
    scheme = SchemeFactory(wijk=wijk)
    client.force_login(initiator)
    url = reverse("subsidies:application_start", kwargs={"pk": scheme.pk})
    client.post(url, {"initiative": initiator.initiative.pk})
    assert Application.objects.get().organisation is None

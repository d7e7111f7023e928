"""Factories for resident initiatives."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from initiatives.models import (
    INVITATION_DAYS,
    CoInitiatorInvitation,
    ContentReport,
    Initiative,
    InitiativeMember,
    InitiatorRole,
    ProgressUpdate,
    Support,
    Volunteer,
)
from tests.factories import UserFactory, VerifiedProfileFactory, WijkFactory


def verified_resident(wijk, **kwargs):
    """A verified resident of `wijk` (a user with a profile there)."""
    return VerifiedProfileFactory(wijk=wijk, **kwargs).user


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative whose creator is a verified resident and its initiator (a member row)."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    wijk = factory.SubFactory(WijkFactory)
    created_by = factory.LazyAttribute(lambda o: verified_resident(o.wijk))
    title = factory.Sequence(lambda n: f"Buurtmoestuin {n}")
    summary = "Samen groenten kweken op het braakliggende veldje."
    description = "We maken bakken, zaaien en oogsten samen met de buurt."
    themes = factory.LazyFunction(lambda: ["groen", "ontmoeting"])
    place = "Veldje aan de Kerkstraat"
    needs_volunteers = True
    estimated_cost = 250

    @factory.post_generation
    def initiator(obj, create, extracted, **kwargs):
        if create:
            InitiativeMember.objects.create(
                initiative=obj, user=obj.created_by, role=InitiatorRole.INITIATOR
            )


class InitiativeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeMember

    initiative = factory.SubFactory(InitiativeFactory)
    user = factory.SubFactory(UserFactory)
    role = InitiatorRole.CO_INITIATOR


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    initiative = factory.SubFactory(InitiativeFactory)
    user = factory.LazyAttribute(lambda o: verified_resident(o.initiative.wijk))


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    initiative = factory.SubFactory(InitiativeFactory)
    user = factory.LazyAttribute(lambda o: verified_resident(o.initiative.wijk))
    message = "Ik kan op zaterdag helpen."


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    author = factory.LazyAttribute(lambda o: o.initiative.created_by)
    title = "De eerste bakken staan"
    text = "Zaterdag hebben we vier bakken gebouwd."
    date = factory.LazyFunction(timezone.localdate)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoInitiatorInvitation

    initiative = factory.SubFactory(InitiativeFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    invited_by = factory.LazyAttribute(lambda o: o.initiative.created_by)
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    )


class ContentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentReport

    initiative = factory.SubFactory(InitiativeFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = "Dit bevat scheldwoorden."

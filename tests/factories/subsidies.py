"""Factories of subsidy schemes and applications (and the initiatives that apply)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from initiatives.models import Initiative, InitiativeMember, InitiativeStatus, InitiatorRole
from subsidies.models import Application, CostCategory, CostLine, LineKind, Scheme
from tests.factories import UserFactory, VerifiedProfileFactory, WijkFactory

VALID_IBAN = "NL91ABNA0417164300"


class SubsidyInitiativeFactory(factory.django.DjangoModelFactory):
    """A published initiative, created directly (the initiatives app has its own workflow)."""

    class Meta:
        model = Initiative

    wijk = factory.SubFactory(WijkFactory)
    title = factory.Sequence(lambda n: f"Buurtfeest Rumpenerstraat {n}")
    summary = "Een zomerfeest voor de hele straat."
    description = "Met muziek, een springkussen en een lange tafel."
    themes = factory.LazyFunction(lambda: ["ontmoeting"])
    status = InitiativeStatus.PUBLISHED
    created_by = factory.SubFactory(UserFactory)


class InitiativeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeMember

    initiative = factory.SubFactory(SubsidyInitiativeFactory)
    user = factory.SubFactory(UserFactory)
    role = InitiatorRole.INITIATOR


def make_initiator(*, wijk, initiative=None, user=None):
    """A verified resident of `wijk` who runs an initiative there; returns (user, initiative)."""
    if user is None:
        user = VerifiedProfileFactory(wijk=wijk).user
    if initiative is None:
        initiative = SubsidyInitiativeFactory(wijk=wijk, created_by=user)
    InitiativeMemberFactory(initiative=initiative, user=user)
    return user, initiative


class SchemeFactory(factory.django.DjangoModelFactory):
    """An open scheme: pot € 10.000, € 100 to € 2.500 per application, panel advice required."""

    class Meta:
        model = Scheme

    wijk = factory.SubFactory(WijkFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    name = "Stimuleringsregeling bewonersinitiatieven"
    pot = Decimal("10000.00")
    min_amount = Decimal("100.00")
    max_amount = Decimal("2500.00")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    eligibility = "Bewonersinitiatieven in de wijk die ontmoeting bevorderen."
    advice_required = True


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft (concept) that can be submitted as it is; budget € 600."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    scheme = factory.SubFactory(SchemeFactory)
    initiative = factory.SubFactory(
        SubsidyInitiativeFactory, wijk=factory.SelfAttribute("..scheme.wijk")
    )
    created_by = factory.SelfAttribute("initiative.created_by")
    purpose = "Huur van een springkussen en boodschappen voor de lange tafel."
    requested_amount = Decimal("500.00")
    other_funding = "Woningcorporatie betaalt de muziek."
    other_funding_amount = Decimal("100.00")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=40))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=41))
    expected_participants = 80
    account_holder = "Stichting Buurtfeest"
    iban = VALID_IBAN
    declaration = True

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        if not create:
            return
        for position, (description, amount) in enumerate(
            extracted or [("Springkussen", "350.00"), ("Boodschappen", "250.00")]
        ):
            CostLine.objects.create(
                application=obj,
                kind=LineKind.PLANNED,
                description=description,
                category=CostCategory.RENT if position == 0 else CostCategory.CATERING,
                amount=Decimal(amount),
                position=position,
            )

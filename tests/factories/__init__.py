"""factory_boy factories for every app's models."""

from __future__ import annotations

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from core.models import (
    Municipality,
    PanelMembership,
    Profile,
    ResidencyStatus,
    User,
    VerificationMethod,
    Wijk,
    WijkCoordinator,
    WijkPostcode,
)
from core.roles import COUNCIL_STAFF


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """A municipality without a site of its own (its requests go to the default site)."""

    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = "Gemeente Brunssum"
    slug = factory.LazyAttribute(lambda o: slugify(o.name.lower().removeprefix("gemeente ")))


class WijkFactory(factory.django.DjangoModelFactory):
    """A wijk; `municipality` may be a Municipality or a place name ("Groningen")."""

    class Meta:
        model = Wijk
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.Sequence(lambda n: f"wijk-{n}")
    municipality = "Brunssum"

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if isinstance(kwargs.get("municipality"), str):
            kwargs["municipality"] = MunicipalityFactory(name=f"Gemeente {kwargs['municipality']}")
        return kwargs


class WijkPostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WijkPostcode

    wijk = factory.SubFactory(WijkFactory)
    code = factory.Sequence(lambda n: str(2000 + n))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ProfileFactory(factory.django.DjangoModelFactory):
    """A resident; pass `wijk=` and the postcode follows from the wijk's first area."""

    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("first_name", locale="nl_NL")
    wijk = factory.SubFactory(WijkFactory)
    postcode = factory.LazyAttribute(
        lambda o: (
            (o.wijk.postcodes.filter(code__regex=r"^\d{4}$").first().code + "AB")
            if o.wijk and o.wijk.postcodes.exists()
            else "9999ZZ"
        )
    )
    house_number = factory.Sequence(lambda n: str(n + 1))
    residency_status = ResidencyStatus.UNVERIFIED


class VerifiedProfileFactory(ProfileFactory):
    residency_status = ResidencyStatus.VERIFIED
    verification_method = VerificationMethod.STAFF
    verified_at = factory.LazyFunction(timezone.now)


def make_staff(**kwargs) -> User:
    """A council staff member (in the group created by the data migration)."""
    user = UserFactory(**kwargs)
    # get_or_create: transactional tests flush the group the data migration made.
    user.groups.add(Group.objects.get_or_create(name=COUNCIL_STAFF)[0])
    return user


class PanelMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMembership

    wijk = factory.SubFactory(WijkFactory)
    member = factory.SubFactory(UserFactory)
    term_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    term_end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    is_chair = False


class WijkCoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WijkCoordinator

    wijk = factory.SubFactory(WijkFactory)
    user = factory.LazyFunction(make_staff)

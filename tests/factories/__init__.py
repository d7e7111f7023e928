"""factory_boy factories for every app's models."""

from __future__ import annotations

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from budget.models import BudgetOfficer
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
from core.roles import (
    BUDGET_OFFICERS,
    COUNCIL_STAFF,
    FUNCTIONAL_ADMINS,
    SCOPED_ROLES,
    SUBSIDY_OFFICERS,
    WIJK_COORDINATORS,
)
from subsidies.models import Scheme, SchemeOfficer

# Tests only: members hold every scoped role in every wijk and scheme, also those created
# later in the test (see `follow_new_wijken_and_schemes`), as all council staff could
# before the roles were scoped; so `make_staff` keeps meaning what it meant.
EVERYWHERE = "tests: every wijk and scheme"


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


def _group(name: str) -> Group:
    # get_or_create: transactional tests flush the groups the data migrations made.
    return Group.objects.get_or_create(name=name)[0]


def make_base_staff(*roles: str, **kwargs) -> User:
    """Council staff (the base group) with the given role groups, but no scope rows yet."""
    user = UserFactory(**kwargs)
    user.groups.add(_group(COUNCIL_STAFF), *(_group(role) for role in roles))
    return user


def _grant_wijk(user: User, wijk: Wijk) -> None:
    WijkCoordinator.objects.get_or_create(wijk=wijk, user=user)
    BudgetOfficer.objects.get_or_create(wijk=wijk, user=user)


def _grant_scheme(user: User, scheme) -> None:
    SchemeOfficer.objects.get_or_create(scheme=scheme, user=user)


def make_staff(**kwargs) -> User:
    """Council staff with every scoped role in every wijk and scheme, now and later, and
    functional administration: all that council staff could do before roles were scoped."""
    user = make_base_staff(*SCOPED_ROLES, FUNCTIONAL_ADMINS, **kwargs)
    user.groups.add(_group(EVERYWHERE))
    for wijk in Wijk.objects.all():
        _grant_wijk(user, wijk)
    for scheme in Scheme.objects.all():
        _grant_scheme(user, scheme)
    return user


def follow_new_wijken_and_schemes(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save receiver (tests/conftest.py): `make_staff` staff get each new wijk or scheme."""
    if not created or raw:
        return
    for user in User.objects.filter(groups__name=EVERYWHERE):
        if isinstance(instance, Wijk):
            _grant_wijk(user, instance)
        elif isinstance(instance, Scheme):
            _grant_scheme(user, instance)


def make_coordinator(*wijken: Wijk, **kwargs) -> User:
    """A wijkcoördinator of exactly these wijken."""
    user = make_base_staff(WIJK_COORDINATORS, **kwargs)
    for wijk in wijken:
        WijkCoordinator.objects.create(wijk=wijk, user=user)
    return user


def make_budget_officer(*wijken: Wijk, **kwargs) -> User:
    """A budget officer of exactly these wijken."""
    user = make_base_staff(BUDGET_OFFICERS, **kwargs)
    for wijk in wijken:
        BudgetOfficer.objects.create(wijk=wijk, user=user)
    return user


def make_subsidy_officer(*schemes, **kwargs) -> User:
    """A subsidy officer of exactly these schemes."""
    user = make_base_staff(SUBSIDY_OFFICERS, **kwargs)
    for scheme in schemes:
        SchemeOfficer.objects.create(scheme=scheme, user=user)
    return user


def make_functional_admin(**kwargs) -> User:
    """A functional administrator: accounts and roles, no content."""
    user = UserFactory(**kwargs)
    user.groups.add(_group(FUNCTIONAL_ADMINS))
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
        # `make_staff` staff already coordinate every wijk.
        django_get_or_create = ("wijk", "user")

    wijk = factory.SubFactory(WijkFactory)
    user = factory.LazyFunction(lambda: make_base_staff(WIJK_COORDINATORS))

"""Factories of the wijkpanel review (and a plain Initiative to review)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from initiatives.models import Initiative, InitiativeStatus
from review.models import DEFAULT_CRITERIA, Advice, MemberReview, Review
from tests.factories import UserFactory, WijkFactory


class ReviewInitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative in review, created directly (the initiatives app has its own workflow)."""

    class Meta:
        model = Initiative

    wijk = factory.SubFactory(WijkFactory)
    title = factory.Sequence(lambda n: f"Moestuin aan de Schuttersweg {n}")
    summary = "Een gezamenlijke moestuin voor de buurt."
    description = "We willen een braakliggend stuk grond omtoveren tot moestuin."
    status = InitiativeStatus.IN_REVIEW
    created_by = factory.SubFactory(UserFactory)


class ReviewFactory(factory.django.DjangoModelFactory):
    """An open review of an initiative (without the e-mail that review_open sends)."""

    class Meta:
        model = Review

    subject = factory.SubFactory(ReviewInitiativeFactory)
    wijk = factory.LazyAttribute(lambda o: o.subject.wijk)
    criteria = factory.LazyFunction(lambda: list(DEFAULT_CRITERIA))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class MemberReviewFactory(factory.django.DjangoModelFactory):
    """A submitted member review with every criterion scored."""

    class Meta:
        model = MemberReview

    review = factory.SubFactory(ReviewFactory)
    member = factory.SubFactory(UserFactory)
    has_conflict = False
    scores = factory.LazyAttribute(lambda o: dict.fromkeys(o.review.criteria, 4))
    advice = Advice.POSITIVE
    reasoning = "Goed plan, veel steun in de straat."
    submitted_at = factory.LazyFunction(timezone.now)

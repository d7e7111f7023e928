"""factory_boy factories for cms pages, with realistic Dutch content.

Pages are created under their overview page (made under the home page when missing)
and published, unless `live=False` is passed: then only a draft revision exists.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.models import (
    DecisionIndexPage,
    DecisionKind,
    DecisionPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
)


def _index(model, title: str, slug: str):
    index = model.objects.first()
    if index is None:
        index = model(title=title, slug=slug)
        HomePage.objects.get().add_child(instance=index)
        index.save_revision().publish()
    return index


def news_index() -> NewsIndexPage:
    """The news overview ("Nieuws")."""
    return _index(NewsIndexPage, "Nieuws", "nieuws")


def decision_index() -> DecisionIndexPage:
    """The decisions overview ("Besluiten")."""
    return _index(DecisionIndexPage, "Besluiten", "besluiten")


def event_index() -> EventIndexPage:
    """The agenda."""
    return _index(EventIndexPage, "Agenda", "agenda")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    title = "Bewoners planten bloembollen op het Akerplein"
    description = "Vijf bewoners met schoppen planten bloembollen in een perk"
    file = factory.LazyFunction(lambda: get_test_image_file(filename="akerplein.png"))


class _PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under `parent` and publishes it (pass live=False for a draft)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent, live=True, **kwargs):
        page = model_class(*args, live=live, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        return model_class.objects.get(pk=page.pk)


class NewsPageFactory(_PageFactory):
    class Meta:
        model = NewsPage

    parent = factory.LazyFunction(news_index)
    title = factory.Sequence(lambda n: f"Bloembollen geplant op het Akerplein ({n})")
    slug = factory.Sequence(lambda n: f"bloembollen-akerplein-{n}")
    date = factory.LazyFunction(timezone.localdate)
    intro = (
        "Zaterdag plantten twintig bewoners samen met het wijkbedrijf 3.000 bloembollen "
        "op het Akerplein."
    )
    body = [
        (
            "paragraph",
            "<p>Het initiatief <b>Groene Akerstraat</b> kreeg in maart een subsidie uit de "
            "stimuleringsregeling. In april staat het plein in bloei.</p>",
        ),
        ("quote", {"quote": "Zo leer je je buren kennen.", "attribution": "Sanne, bewoner"}),
        (
            "object_card",
            {
                "kind": "initiative",
                "title": "Groene Akerstraat",
                "link": "/initiatieven/groene-akerstraat/",
                "summary": "Meer groen en bankjes in de Akerstraat.",
            },
        ),
    ]


class DecisionPageFactory(_PageFactory):
    class Meta:
        model = DecisionPage

    parent = factory.LazyFunction(decision_index)
    title = factory.Sequence(lambda n: f"Subsidie toegekend aan Groene Akerstraat ({n})")
    slug = factory.Sequence(lambda n: f"subsidie-groene-akerstraat-{n}")
    decided_on = factory.LazyFunction(timezone.localdate)
    kind = DecisionKind.SUBSIDY
    summary = (
        "Het college kent € 2.500 toe uit de stimuleringsregeling voor plantenbakken en "
        "bankjes in de Akerstraat."
    )
    panel_advice = "Het wijkpanel adviseert positief: het plan is breed gedragen in de straat."
    decided_url = "/initiatieven/groene-akerstraat/"


class EventPageFactory(_PageFactory):
    class Meta:
        model = EventPage

    parent = factory.LazyFunction(event_index)
    title = factory.Sequence(lambda n: f"Koffieochtend in het wijkbedrijf ({n})")
    slug = factory.Sequence(lambda n: f"koffieochtend-{n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 30)
    place = "Wijkbedrijf Brunssum-Noord"
    address = "Akerstraat 112\n6441 AN Brunssum"
    intro = "Elke week: koffie, thee en een praatje met de wijkcoördinator."
    signup_url = "/initiatieven/groene-akerstraat/"
    signup_label = "Meld u aan als vrijwilliger voor Groene Akerstraat"

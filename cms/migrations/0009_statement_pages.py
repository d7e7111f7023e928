"""The accessibility and privacy statements under every home page, so the footer's links to
/toegankelijkheidsverklaring/ and /privacyverklaring/ never answer 404 on a fresh install.

Plain standard pages with a Dutch starting text that editors complete in the CMS. A home page
that already has a page with that slug (the demo made them before) keeps its own.
"""

import json

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, as Wagtail uses it
STEPLEN = 4

STATEMENTS = (
    (
        "toegankelijkheidsverklaring",
        "Toegankelijkheidsverklaring",
        "Deze website wil voor iedereen bruikbaar zijn, ook met een schermlezer, alleen een "
        "toetsenbord of een vergroting.",
        "<p>Wijkplein is gebouwd volgens de WCAG 2.1 op niveau AA, de norm voor websites van "
        "de overheid. Alle pagina's werken zonder JavaScript, hebben een link 'Direct naar de "
        "inhoud', een zichtbare focus en formulieren met labels en een overzicht van fouten.</p>"
        "<p>Loopt u toch tegen een probleem aan? Meld het bij de gemeente; we reageren binnen "
        "vijf werkdagen.</p>",
    ),
    (
        "privacyverklaring",
        "Privacyverklaring",
        "Welke gegevens Wijkplein van u bewaart, waarom, en hoe lang.",
        "<p>We bewaren uw e-mailadres, naam, postcode en huisnummer om te weten in welke wijk u "
        "woont, en uw geboortejaar alleen als u het opgeeft (voor een minimumleeftijd bij "
        "stemmingen). Als u stemt, bewaren we dát u stemde, niet wát u stemde bij uw naam.</p>"
        "<p>U kunt uw gegevens inzien, downloaden en wijzigen onder 'Mijn gegevens', en daar "
        "ook uw account verwijderen. Vragen over uw gegevens stelt u aan de gemeente.</p>",
    ),
)


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def create_statement_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    StandardPage = apps.get_model("cms", "StandardPage")
    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="standardpage")
    now = timezone.now()
    for home in HomePage.objects.all():
        children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        for slug, title, intro, text in STATEMENTS:
            if children.filter(slug=slug).exists():
                continue
            last = children.order_by("-path").values_list("path", flat=True).first()
            number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
            StandardPage.objects.create(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=home.path + _step(number),
                depth=home.depth + 1,
                numchild=0,
                url_path=f"{home.url_path}{slug}/",
                locale_id=home.locale_id,
                live=True,
                first_published_at=now,
                last_published_at=now,
                intro=intro,
                body=json.dumps([{"type": "paragraph", "value": text}]),
            )
        Page.objects.filter(pk=home.pk).update(numchild=children.count())


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0008_constraint_messages"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_statement_pages, migrations.RunPython.noop)]

"""Municipalities as objects: one per distinct name the wijken had, their letter details.

`Wijk.municipality` was a name ("Brunssum"); it becomes a foreign key to a Municipality
("Gemeente Brunssum"). The default Wagtail site gets the municipality named in the letter
settings (else MUNICIPALITY_NAME, the name of a fresh install), which takes over the letter
settings' signatory and objection details; LetterSettings goes away.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify

PREFIX = "gemeente "


def full_name(name: str) -> str:
    """'Brunssum' -> 'Gemeente Brunssum'; a name that says 'Gemeente' already stays."""
    name = " ".join(name.split())
    return name if name.lower().startswith(PREFIX) else f"Gemeente {name}"


def _unique_slug(Municipality, name: str) -> str:
    base = slugify(name.lower().removeprefix(PREFIX)) or "gemeente"
    slug, number = base, 2
    while Municipality.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def municipalities_from_names(apps, *, names: list[str], letters: dict | None) -> dict:
    """The municipalities for the wijken's old names ({old name: municipality}).

    The default site's municipality is the wijken's only name if they have one, else the
    letter settings' name, else MUNICIPALITY_NAME (a fresh install); it takes over the
    letter settings' signatory and objection details.
    """
    Municipality = apps.get_model("core", "Municipality")
    Site = apps.get_model("wagtailcore", "Site")
    by_key: dict[str, object] = {}

    def named(name: str):
        key = full_name(name).lower()
        if key not in by_key:
            by_key[key] = Municipality.objects.create(
                name=full_name(name), slug=_unique_slug(Municipality, full_name(name))
            )
        return by_key[key]

    letters = letters or {}
    distinct = {full_name(name).lower(): name for name in names if name.strip()}
    if len(distinct) == 1:
        default_name = next(iter(distinct.values()))
    else:
        default_name = letters.get("municipality_name", "").strip() or settings.MUNICIPALITY_NAME
    default = named(default_name)
    default.site = Site.objects.filter(is_default_site=True).first()
    for field in ("signatory_name", "signatory_role", "objection_address", "objection_email"):
        setattr(default, field, letters.get(field, ""))
    default.save()
    return {name: named(name) if name.strip() else default for name in [*names, ""]}


def create_municipalities(apps, schema_editor):
    """Link every wijk (and its history rows) to the municipality of its old name."""
    Wijk = apps.get_model("core", "Wijk")
    HistoricalWijk = apps.get_model("core", "HistoricalWijk")
    LetterSettings = apps.get_model("core", "LetterSettings")
    stored = LetterSettings.objects.values().first()
    names = list(Wijk.objects.values_list("municipality_name", flat=True))
    history_names = HistoricalWijk.objects.values_list("municipality_name", flat=True)
    found = municipalities_from_names(apps, names=[*names, *history_names], letters=stored)
    for wijk in Wijk.objects.all():
        wijk.municipality = found[wijk.municipality_name]
        wijk.save(update_fields=["municipality"])
    for row in HistoricalWijk.objects.all():
        row.municipality_id = found[row.municipality_name].pk
        row.save(update_fields=["municipality"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_council_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalMunicipality",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As letters are signed, for example 'Gemeente Utrecht'.",
                        max_length=120,
                        verbose_name="name",
                    ),
                ),
                ("slug", models.SlugField(verbose_name="slug")),
                (
                    "postal_address",
                    models.TextField(
                        blank=True, help_text="One line per line.", verbose_name="postal address"
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="contact e-mail address"
                    ),
                ),
                (
                    "phone",
                    models.CharField(
                        blank=True, max_length=30, verbose_name="contact telephone number"
                    ),
                ),
                ("website", models.URLField(blank=True, verbose_name="website")),
                (
                    "email_sender",
                    models.CharField(
                        blank=True,
                        help_text="The From address of its e-mails, for example 'Gemeente Utrecht <wijkplein@utrecht.nl>'. Empty: the platform's address.",
                        max_length=200,
                        verbose_name="e-mail sender",
                    ),
                ),
                (
                    "signatory_name",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="name of the signing official"
                    ),
                ),
                (
                    "signatory_role",
                    models.CharField(
                        blank=True,
                        help_text="For example 'teamleider Wijken'.",
                        max_length=120,
                        verbose_name="role of the signing official",
                    ),
                ),
                (
                    "objection_address",
                    models.TextField(
                        blank=True,
                        help_text="Where residents send an objection to a decision; one line per line.",
                        verbose_name="postal address for objections",
                    ),
                ),
                (
                    "objection_email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="e-mail address for objections"
                    ),
                ),
                (
                    "theme_stylesheet",
                    models.CharField(
                        blank=True,
                        help_text="NL Design System: the path in static/ of the municipality's design tokens (for example 'themes/utrecht.css'), loaded after ours. Empty: our default tokens.",
                        max_length=200,
                        verbose_name="design tokens stylesheet",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "logo",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="wagtailimages.image",
                        verbose_name="logo",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The host name it is served on, with its own page tree.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="wagtailcore.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical municipality",
                "verbose_name_plural": "historical municipalities",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Municipality",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="As letters are signed, for example 'Gemeente Utrecht'.",
                        max_length=120,
                        verbose_name="name",
                    ),
                ),
                ("slug", models.SlugField(unique=True, verbose_name="slug")),
                (
                    "postal_address",
                    models.TextField(
                        blank=True, help_text="One line per line.", verbose_name="postal address"
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="contact e-mail address"
                    ),
                ),
                (
                    "phone",
                    models.CharField(
                        blank=True, max_length=30, verbose_name="contact telephone number"
                    ),
                ),
                ("website", models.URLField(blank=True, verbose_name="website")),
                (
                    "email_sender",
                    models.CharField(
                        blank=True,
                        help_text="The From address of its e-mails, for example 'Gemeente Utrecht <wijkplein@utrecht.nl>'. Empty: the platform's address.",
                        max_length=200,
                        verbose_name="e-mail sender",
                    ),
                ),
                (
                    "signatory_name",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="name of the signing official"
                    ),
                ),
                (
                    "signatory_role",
                    models.CharField(
                        blank=True,
                        help_text="For example 'teamleider Wijken'.",
                        max_length=120,
                        verbose_name="role of the signing official",
                    ),
                ),
                (
                    "objection_address",
                    models.TextField(
                        blank=True,
                        help_text="Where residents send an objection to a decision; one line per line.",
                        verbose_name="postal address for objections",
                    ),
                ),
                (
                    "objection_email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="e-mail address for objections"
                    ),
                ),
                (
                    "theme_stylesheet",
                    models.CharField(
                        blank=True,
                        help_text="NL Design System: the path in static/ of the municipality's design tokens (for example 'themes/utrecht.css'), loaded after ours. Empty: our default tokens.",
                        max_length=200,
                        verbose_name="design tokens stylesheet",
                    ),
                ),
                (
                    "logo",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="wagtailimages.image",
                        verbose_name="logo",
                    ),
                ),
                (
                    "site",
                    models.OneToOneField(
                        blank=True,
                        help_text="The host name it is served on, with its own page tree.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="municipality",
                        to="wagtailcore.site",
                        verbose_name="site",
                    ),
                ),
            ],
            options={
                "verbose_name": "municipality",
                "verbose_name_plural": "municipalities",
                "ordering": ["name"],
            },
        ),
        # The old text column stays as municipality_name until the municipalities exist.
        migrations.RenameField("wijk", "municipality", "municipality_name"),
        migrations.RenameField("historicalwijk", "municipality", "municipality_name"),
        migrations.AddField(
            model_name="wijk",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wijken",
                to="core.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name="historicalwijk",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(create_municipalities, migrations.RunPython.noop),
        migrations.RemoveField("wijk", "municipality_name"),
        migrations.RemoveField("historicalwijk", "municipality_name"),
        migrations.AlterField(
            model_name="wijk",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wijken",
                to="core.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.DeleteModel(name="LetterSettings"),
        migrations.AddField(
            model_name="notification",
            name="sender",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]

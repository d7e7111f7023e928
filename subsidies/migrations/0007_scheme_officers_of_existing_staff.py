"""Existing council staff become officers of every scheme (core 0008 explains why)."""

from django.db import migrations

COUNCIL_STAFF = "Gemeentemedewerkers"


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Scheme = apps.get_model("subsidies", "Scheme")
    SchemeOfficer = apps.get_model("subsidies", "SchemeOfficer")
    staff = Group.objects.filter(name=COUNCIL_STAFF).first()
    if staff is None:
        return
    for scheme in Scheme.objects.all():
        for user in staff.user_set.all():
            SchemeOfficer.objects.get_or_create(scheme=scheme, user=user)


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0006_scheme_officer"),
        ("core", "0008_council_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

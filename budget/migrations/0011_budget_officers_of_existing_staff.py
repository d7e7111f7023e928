"""Existing council staff become budget officers of every wijk (core 0008 explains why)."""

from django.db import migrations

COUNCIL_STAFF = "Gemeentemedewerkers"


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Wijk = apps.get_model("core", "Wijk")
    BudgetOfficer = apps.get_model("budget", "BudgetOfficer")
    staff = Group.objects.filter(name=COUNCIL_STAFF).first()
    if staff is None:
        return
    for wijk in Wijk.objects.all():
        for user in staff.user_set.all():
            BudgetOfficer.objects.get_or_create(wijk=wijk, user=user)


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0010_budget_officer"),
        ("core", "0008_council_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

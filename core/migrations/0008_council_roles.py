"""The scoped council roles as groups; existing staff keep what they could do.

"Gemeentemedewerkers" becomes the base (it opens /beheer/); the rights to act come from
the coordinator, subsidy officer and budget officer roles, each scoped by rows. So that an
upgrade takes no right away from anyone, every council staff member of today gets the three
roles here, and a coordinator row in every wijk (budget and subsidies add their own rows in
their migrations); the functional administrator narrows them afterwards.
"""

from django.db import migrations

COUNCIL_STAFF = "Gemeentemedewerkers"
ROLES = ("Wijkcoördinatoren", "Subsidiebehandelaars", "Budgetbeheerders")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Wijk = apps.get_model("core", "Wijk")
    WijkCoordinator = apps.get_model("core", "WijkCoordinator")
    staff = Group.objects.filter(name=COUNCIL_STAFF).first()
    members = list(staff.user_set.all()) if staff is not None else []
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        group.user_set.add(*members)
    for wijk in Wijk.objects.all():
        for user in members:
            WijkCoordinator.objects.get_or_create(wijk=wijk, user=user)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_constraint_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

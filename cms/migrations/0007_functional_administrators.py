"""The "Functioneel beheer" group: who may decide, from the site, who edits and who approves.

Its members open the CMS admin's Users screen and give people the "Redacteuren" (edit) or
"Redactie-goedkeurders" (approve) role, so a municipality needs no `createsuperuser` and no
database access to staff its editorial workflow. They cannot change what a group may do
(that stays with a superuser), and our Users screen (core/wagtail_users.py) offers them only
the editorial roles: no superuser flag, no other groups, no one else's e-mail or password.
"""

from django.db import migrations

FUNCTIONAL_ADMINS = "Functioneel beheer"
USER_CODENAMES = ("add_user", "change_user", "view_user")


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename}
    )
    return permission


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=FUNCTIONAL_ADMINS)
    group.permissions.add(
        _permission(apps, "wagtailadmin", "admin", "access_admin"),
        _permission(apps, "auth", "group", "view_group"),
        *(_permission(apps, "core", "user", codename) for codename in USER_CODENAMES),
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=FUNCTIONAL_ADMINS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_decision_drafts_collection"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

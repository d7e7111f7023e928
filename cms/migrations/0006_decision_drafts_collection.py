"""Documents of unpublished decision pages go in a collection only council staff can open.

Creates the "Besluiten (concept)" collection (login and the council staff group) and
moves the PDFs of decision pages that are still drafts into it; cms.services moves a
document to the public "Besluiten" collection when its page is published. The
services create both collections on demand as well (e.g. on a database made before).
"""

from django.db import migrations

DRAFTS = "Besluiten (concept)"
COUNCIL_STAFF = "Gemeentemedewerkers"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, with steps of 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(4, "0")


def restrict_draft_decision_documents(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    DecisionPage = apps.get_model("cms", "DecisionPage")
    Document = apps.get_model("wagtaildocs", "Document")
    Group = apps.get_model("auth", "Group")

    document_ids = list(
        DecisionPage.objects.filter(live=False, document__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None or not document_ids:
        return  # nothing to hide; the services create the collection when needed
    children = Collection.objects.filter(depth=2, path__startswith=root.path)
    drafts = children.filter(name=DRAFTS).first()
    if drafts is None:
        last = children.order_by("-path").values_list("path", flat=True).first()
        number = int(last[-4:], len(ALPHABET)) + 1 if last else 1
        drafts = Collection.objects.create(
            name=DRAFTS, path=root.path + _step(number), depth=2, numchild=0
        )
        root.numchild = Collection.objects.filter(depth=2, path__startswith=root.path).count()
        root.save(update_fields=["numchild"])
    if not CollectionViewRestriction.objects.filter(collection=drafts).exists():
        restriction = CollectionViewRestriction.objects.create(
            collection=drafts, restriction_type="groups", password=""
        )
        restriction.groups.add(Group.objects.get_or_create(name=COUNCIL_STAFF)[0])
    Document.objects.filter(pk__in=document_ids).update(collection=drafts)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("cms", "0005_redactie_workflow"),
        ("core", "0002_council_staff_group"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(restrict_draft_decision_documents, migrations.RunPython.noop)
    ]

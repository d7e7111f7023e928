"""Ballots no longer name the staff who typed in or confirmed a paper form: that is on the
audited PaperEntry, apart from the choices (its own migration: PostgreSQL does not alter a
table in the transaction that moved rows out of it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0005_integrity_of_votes"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="ballot",
            name="confirmed_by",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="entered_by",
        ),
    ]

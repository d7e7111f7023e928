"""Rounds made before drafts existed were public: they stay published.

A plain update of the new column (no history rows): nothing changes for anyone, the
round was public before and is public now. Their history rows say so too.
"""

from django.db import migrations


def publish_existing(apps, schema_editor):
    for name in ("Round", "HistoricalRound"):
        apps.get_model("budget", name).objects.update(status="published")


class Migration(migrations.Migration):
    dependencies = [("budget", "0007_round_drafts_and_result_four_eyes")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0003_round_notified_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalproject",
            name="funding_overlap_reason",
            field=models.TextField(
                blank=True, max_length=1000, verbose_name="why it is also funded by a subsidy"
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="funding_overlap_reason",
            field=models.TextField(
                blank=True, max_length=1000, verbose_name="why it is also funded by a subsidy"
            ),
        ),
    ]

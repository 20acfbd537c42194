"""A line of a police digest ("Sammanfattning natt", "… kväll och natt") carries the
digest's time, written the morning after the night it sums up: it has no clock time of its
own (`time_known` false), so the time profiles and the suggestions' busiest hours no longer
count it at 07:00. Lines stored before are marked so too: the feed's own ids are numbers,
and only a digest's lines are stored as "<digest id>:<n>" (`importers.split_summary`)."""

from django.db import migrations, models


def lines_without_clock(apps, schema_editor):
    Incident = apps.get_model("analytics", "Incident")
    Incident.objects.filter(source="police_feed", external_id__contains=":").update(
        time_known=False
    )


def lines_with_clock(apps, schema_editor):
    Incident = apps.get_model("analytics", "Incident")
    Incident.objects.filter(source="police_feed", external_id__contains=":").update(
        time_known=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0018_feedfetch_refused"),
    ]

    operations = [
        migrations.AlterField(
            model_name="incident",
            name="time_known",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Nej när källan bara angav datum (tiden sparas då som kl. 12) och för en "
                    "rad ur någon av polisens sammanfattningar (tiden är sammanfattningens)."
                ),
                verbose_name="klockslag känt",
            ),
        ),
        migrations.RunPython(lines_without_clock, lines_with_clock),
    ]

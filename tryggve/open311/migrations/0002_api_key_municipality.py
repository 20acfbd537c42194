"""Each API key belongs to one municipality (issue 14). Existing keys were made while the
deployment served its default municipality (settings.MUNICIPALITY_CODE) only, so they are
its; where that municipality is not set up yet they stay without one, which means the
same."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def assign(apps, schema_editor):
    Municipality = apps.get_model("areas", "Municipality")
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is not None:
        apps.get_model("open311", "ApiKey").objects.filter(municipality__isnull=True).update(
            municipality=home
        )


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0010_municipality_sms_sender"),
        ("open311", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_keys",
                to="areas.municipality",
                verbose_name="kommun",
            ),
        ),
        migrations.RunPython(assign, migrations.RunPython.noop),
    ]

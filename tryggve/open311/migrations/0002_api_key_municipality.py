"""Each API key belongs to one municipality (issue 14). An existing key made by a staff
member of exactly one municipality is that municipality's (its administrator made it on
that municipality's page); any other is the default municipality's
(settings.MUNICIPALITY_CODE), which every key was while one municipality was served. Where
that municipality is not set up yet they stay without one, which means the same."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def assign(apps, schema_editor):
    Municipality = apps.get_model("areas", "Municipality")
    ApiKey = apps.get_model("open311", "ApiKey")
    for api_key in ApiKey.objects.filter(municipality__isnull=True, created_by__isnull=False):
        theirs = list(Municipality.objects.filter(members=api_key.created_by_id)[:2])
        if len(theirs) == 1:
            ApiKey.objects.filter(pk=api_key.pk).update(municipality=theirs[0])
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is not None:
        ApiKey.objects.filter(municipality__isnull=True).update(municipality=home)


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

"""Existing categories, units and response templates are the default municipality's
(settings.MUNICIPALITY_CODE): until issue 14 the deployment served that one only. Where that
municipality is not set up yet, they stay without one, which means the same."""

from django.conf import settings
from django.db import migrations


def assign(apps, schema_editor):
    Municipality = apps.get_model("areas", "Municipality")
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is None:
        return
    for name in ("Category", "Unit", "ResponseTemplate"):
        apps.get_model("reports", name).objects.filter(municipality__isnull=True).update(
            municipality=home
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_municipality_of_categories_units_templates"),
        ("areas", "0009_municipality_public_identity_reference_prefix"),
    ]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]

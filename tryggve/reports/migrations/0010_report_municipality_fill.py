"""Existing reports belong to their residential area's municipality, else (no position, or
a position outside every area) to the deployment's municipality, settings.MUNICIPALITY_CODE."""

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    ResidentialArea = apps.get_model("areas", "ResidentialArea")
    Municipality = apps.get_model("areas", "Municipality")
    Report.objects.filter(municipality__isnull=True, area__isnull=False).update(
        municipality=Subquery(
            ResidentialArea.objects.filter(pk=OuterRef("area_id")).values("municipality_id")[:1]
        )
    )
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is not None:
        Report.objects.filter(municipality__isnull=True).update(municipality=home)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_report_municipality"),
        ("areas", "0008_staff_members_of_default"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

"""Existing police presence belongs to its residential area's municipality, else (logged at
a point outside every area) to the deployment's municipality, settings.MUNICIPALITY_CODE,
the only one presence could be logged for before."""

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    PolicePresence = apps.get_model("analytics", "PolicePresence")
    ResidentialArea = apps.get_model("areas", "ResidentialArea")
    Municipality = apps.get_model("areas", "Municipality")
    PolicePresence.objects.filter(municipality__isnull=True, area__isnull=False).update(
        municipality=Subquery(
            ResidentialArea.objects.filter(pk=OuterRef("area_id")).values("municipality_id")[:1]
        )
    )
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is not None:
        PolicePresence.objects.filter(municipality__isnull=True).update(municipality=home)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0004_presence_municipality")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

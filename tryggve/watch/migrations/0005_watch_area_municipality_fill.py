"""Existing watch areas belong to their residential area's municipality, else (drawn anew,
or their residential area since deleted) to the deployment's municipality,
settings.MUNICIPALITY_CODE, the only one watch could be offered in before."""

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    WatchArea = apps.get_model("watch", "WatchArea")
    ResidentialArea = apps.get_model("areas", "ResidentialArea")
    Municipality = apps.get_model("areas", "Municipality")
    WatchArea.objects.filter(municipality__isnull=True, residential_area__isnull=False).update(
        municipality=Subquery(
            ResidentialArea.objects.filter(pk=OuterRef("residential_area_id")).values(
                "municipality_id"
            )[:1]
        )
    )
    home = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).first()
    if home is not None:
        WatchArea.objects.filter(municipality__isnull=True).update(municipality=home)


class Migration(migrations.Migration):
    dependencies = [("watch", "0004_watch_area_municipality")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

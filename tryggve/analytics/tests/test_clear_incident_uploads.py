"""Uploads whose columns were never chosen are deleted after a day, files and all; uploads
that were imported stay in the history (their files were emptied when they ran)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tryggve.analytics.models import IncidentImport

Status = IncidentImport.Status


def make(municipality, status, hours_ago):
    row = IncidentImport.objects.create(
        municipality=municipality, file_name="f.csv", data=b"Datum;Typ\n", status=status
    )
    IncidentImport.objects.filter(pk=row.pk).update(
        created=timezone.now() - timedelta(hours=hours_ago)
    )
    return row


@pytest.mark.django_db
def test_abandoned_uploads_go_after_a_day_and_the_rest_stay(municipality, arjeplog):
    old = make(municipality, Status.UPLOADED, 25)
    old_elsewhere = make(arjeplog, Status.UPLOADED, 30)
    fresh = make(municipality, Status.UPLOADED, 23)
    done = make(municipality, Status.DONE, 200)
    queued = make(municipality, Status.QUEUED, 200)
    out = StringIO()
    call_command("clear_incident_uploads", stdout=out)
    assert "removed: 2 " in out.getvalue()
    left = set(IncidentImport.objects.values_list("pk", flat=True))
    assert left == {fresh.pk, done.pk, queued.pk}
    assert old.pk not in left and old_elsewhere.pk not in left


@pytest.mark.django_db
def test_hours_can_be_shortened(municipality):
    make(municipality, Status.UPLOADED, 3)
    call_command("clear_incident_uploads", "--hours", "2", stdout=StringIO())
    assert not IncidentImport.objects.exists()

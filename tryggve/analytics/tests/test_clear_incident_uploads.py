"""Uploads whose columns were never chosen are deleted after a day, files and all; uploads
that were imported stay in the history (their files were emptied when they ran)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tryggve.analytics.models import IncidentImport
from tryggve.analytics.services import incident_import_run
from tryggve.analytics.uploads import incident_import_start, incident_import_upload

Status = IncidentImport.Status


def make(municipality, status, hours_ago, **ago):
    """An import uploaded `hours_ago`, its other times (`queued`, `progressed`) as long
    ago as `ago` says."""
    row = IncidentImport.objects.create(
        municipality=municipality, file_name="f.csv", data=b"Datum;Typ\n", status=status
    )
    now = timezone.now()
    IncidentImport.objects.filter(pk=row.pk).update(
        created=now - timedelta(hours=hours_ago), **{name: now - ago[name] for name in ago}
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


@pytest.mark.django_db
def test_imports_whose_worker_died_or_never_ran_end_as_failed(municipality, case_handler):
    """An import left "Importeras 51 %" by a worker that died (or queued with no worker)
    ends as failed after two hours, its file forgotten; a task starting later does nothing."""
    rows = {}
    for name, status, hours in (
        ("running", Status.RUNNING, 3),
        ("queued", Status.QUEUED, 3),
        ("recent", Status.QUEUED, 1),
    ):
        rows[name] = make(municipality, status, 5, queued=timedelta(hours=hours))
        IncidentImport.objects.filter(pk=rows[name].pk).update(rows_done=51)
    out = StringIO()
    call_command("clear_incident_uploads", stdout=out)
    assert "failed: 2 " in out.getvalue()
    for name in ("running", "queued"):
        row = IncidentImport.objects.get(pk=rows[name].pk)
        assert (row.status, bytes(row.data)) == (Status.FAILED, b"")
        assert row.finished is not None
    assert IncidentImport.objects.get(pk=rows["recent"].pk).status == Status.QUEUED

    assert incident_import_run(import_id=rows["queued"].pk) is None
    page = case_handler.get(f"/personal/lagesbild/import/{rows['running'].pk}/")
    assert "arbetsprocess stoppades" in page.content.decode()
    assert "Ingenting från filen har sparats." in page.content.decode()


@pytest.mark.django_db
def test_a_running_import_silent_a_quarter_of_an_hour_ends_as_failed(municipality):
    """A worker killed mid-import leaves it running, and the task is never run again: the
    sweep fails it once it has not moved on for a quarter of an hour (not two hours after
    it was queued), so other imports can be undone again."""
    rows = {
        name: make(
            municipality,
            status,
            0,
            queued=timedelta(minutes=20),
            progressed=timedelta(minutes=minutes),
        )
        for name, status, minutes in (
            ("dead", Status.RUNNING, 16),
            ("saving", Status.RUNNING, 14),
            ("queued", Status.QUEUED, 16),
        )
    }
    out = StringIO()
    call_command("clear_incident_uploads", stdout=out)
    assert "failed: 1 " in out.getvalue()
    statuses = {name: IncidentImport.objects.get(pk=row.pk).status for name, row in rows.items()}
    assert statuses == {"dead": Status.FAILED, "saving": Status.RUNNING, "queued": Status.QUEUED}


@pytest.mark.django_db
def test_starting_an_import_notes_when_it_was_queued(municipality, monkeypatch):
    monkeypatch.setattr("tryggve.analytics.uploads.enqueue_import", lambda pk: None)
    upload = incident_import_upload(
        municipality=municipality,
        uploaded_by=None,
        file_name="f.csv",
        data="time;lat;lon;type\n2026-10-01 22:15;65,59;19,18;Stöld\n".encode(),
    )
    before = timezone.now()
    started = incident_import_start(
        incident_import=upload, mapping={"time": "time", "lat": "lat", "lon": "lon", "type": "type"}
    )
    assert started.status == Status.QUEUED and started.queued >= before


@pytest.mark.django_db
def test_an_import_queued_before_its_time_was_noted_is_failed_by_its_upload_time(
    municipality, case_handler
):
    legacy = make(municipality, Status.RUNNING, 3)  # queued stays empty, as before 0009
    recent = make(municipality, Status.QUEUED, 1)
    call_command("clear_incident_uploads", stdout=StringIO())
    assert IncidentImport.objects.get(pk=legacy.pk).status == Status.FAILED
    assert IncidentImport.objects.get(pk=recent.pk).status == Status.QUEUED
    # Stored untranslated, the reason is shown in the reader's language.
    case_handler.cookies["django_language"] = "en"
    page = case_handler.get(f"/personal/lagesbild/import/{legacy.pk}/").content.decode()
    assert "The import was interrupted before it finished" in page

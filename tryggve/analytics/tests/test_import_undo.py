"""A mistaken upload is undone: the incidents it added go (with their prepared alerts), the
ones it found already there stay, and the history says who undid it and when."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tryggve.analytics.importers import CsvMapping, read_csv
from tryggve.analytics.models import Incident, IncidentImport, NearRepeatAlert
from tryggve.analytics.services import incident_import_undo, incidents_import
from tryggve.conftest import CENTRUM

URL = "/personal/lagesbild/import/"
LAT, LON = CENTRUM
HEADER = "Datum;Brottstyp;Latitud;Longitud\n"
FIRST = HEADER + f"2026-11-20 22:15;Skadegörelse;{LAT};{LON}\n"
# The same row again and two new ones, one a burglary (which prepares near-repeat alerts).
SECOND = FIRST + (
    f"2026-11-21 01:40;Skadegörelse;{LAT};{LON}\n"
    f"2026-11-22 03:10;Inbrott i villa;{LAT};{LON}\n"
)
COLUMNS = {
    "time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Longitud",
    "types_column": "Brottstyp",
}


def imported(client, content: str, name: str = "h.csv") -> IncidentImport:
    file = SimpleUploadedFile(name, content.encode(), "text/csv")
    client.post(URL, {"file": file})
    upload = IncidentImport.objects.latest("pk")
    client.post(f"{URL}{upload.pk}/", COLUMNS, follow=True)
    upload.refresh_from_db()
    assert upload.status == IncidentImport.Status.DONE
    return upload


@pytest.mark.django_db
def test_undo_removes_what_the_upload_added_and_keeps_the_rest(case_handler, municipality):
    first = imported(case_handler, FIRST)
    second = imported(case_handler, SECOND, "igen.csv")
    assert (second.imported, second.duplicates) == (2, 1)
    assert NearRepeatAlert.objects.filter(incident__incident_import=second).exists()
    staff = Incident.objects.create(
        source="staff", external_id="obs-1", occurred_at="2026-11-21T10:00:00Z",
        offence_group="vandalism", municipality_code="2505",
    )
    page = case_handler.get(f"{URL}{second.pk}/angra/").content.decode()
    assert "2 händelser finns kvar att ta bort" in page
    answer = case_handler.post(f"{URL}{second.pk}/angra/", follow=True)
    assert "Importen är ångrad: 2 händelser togs bort." in answer.content.decode()
    # The first upload's row (the second's duplicate) and the staff's own stay.
    assert set(Incident.objects.all()) == {*first.incidents.all(), staff}
    assert not NearRepeatAlert.objects.exists()
    second.refresh_from_db()
    assert (second.removed, second.undone_by, second.imported) == (2, case_handler.user, 2)
    detail = case_handler.get(f"{URL}{second.pk}/").content.decode()
    assert "av Handlaggare: 2 händelser togs bort ur lägesbilden." in detail
    assert "Ångra importen</a>" not in detail
    assert "<td>Ångrad</td>" in case_handler.get(URL).content.decode()


@pytest.mark.django_db
def test_a_second_undo_removes_nothing(case_handler, municipality):
    upload = imported(case_handler, FIRST)
    assert incident_import_undo(incident_import=upload, user=case_handler.user) == 1
    # The same row imported again by another upload is that upload's, not the undone one's.
    again = imported(case_handler, FIRST, "igen.csv")
    assert again.imported == 1
    assert incident_import_undo(incident_import=upload, user=case_handler.user) == 0
    assert case_handler.post(f"{URL}{upload.pk}/angra/").status_code == 302
    assert Incident.objects.get().incident_import == again


@pytest.mark.django_db
def test_what_cannot_be_undone_goes_back_to_its_page(case_handler, municipality):
    waiting = IncidentImport.objects.create(
        municipality=municipality, file_name="x.csv", data=FIRST.encode()
    )
    imported(case_handler, FIRST)
    empty = imported(case_handler, FIRST, "samma.csv")  # only a duplicate: nothing added
    undone = imported(case_handler, HEADER + f"2026-11-23 10:00;Stöld;{LAT};{LON}\n", "u.csv")
    incident_import_undo(incident_import=undone, user=case_handler.user)
    for upload, why in (
        (waiting, "Den är inte klar."),
        (empty, "Den lade inte till några händelser."),
        (undone, "Den är redan ångrad."),
    ):
        answer = case_handler.post(f"{URL}{upload.pk}/angra/")
        assert answer["Location"] == f"{URL}{upload.pk}/"
        page = case_handler.get(f"{URL}{upload.pk}/angra/").content.decode()
        assert "kan inte ångras</h1>" in page and why in page
        assert "Ta bort händelserna" not in page
    assert "Ångra importen</a>" not in case_handler.get(f"{URL}{empty.pk}/").content.decode()
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_a_file_imported_on_the_server_is_not_undone_here(case_handler, municipality):
    data = FIRST.encode()
    mapping = CsvMapping.from_json({k: v for k, v in COLUMNS.items() if k != "types_column"})
    incidents_import(incidents=read_csv(data, mapping).rows())
    record = IncidentImport.objects.create(
        municipality=municipality, file_name="server.csv", via=IncidentImport.Via.COMMAND,
        status=IncidentImport.Status.DONE, imported=1,
    )
    assert not record.may_undo
    page = case_handler.get(f"{URL}{record.pk}/angra/").content.decode()
    assert "Den gjordes på servern (import_incidents)" in page
    assert incident_import_undo(incident_import=record, user=None) == 0
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_access(client, council_reader, case_handler, municipality, other_area):
    upload = imported(case_handler, FIRST)
    page = f"{URL}{upload.pk}/angra/"
    assert client.get(page).status_code == 302 and client.post(page).status_code == 302
    assert council_reader.get(page).status_code == 403
    assert council_reader.post(page).status_code == 403
    theirs = IncidentImport.objects.create(
        municipality=other_area.municipality, file_name="theirs.csv",
        status=IncidentImport.Status.DONE, imported=1,
    )
    assert case_handler.get(f"{URL}{theirs.pk}/angra/").status_code == 404
    assert case_handler.post(f"{URL}{theirs.pk}/angra/").status_code == 404
    assert case_handler.put(page).status_code == 405
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_a_row_a_later_import_had_too_stays_and_is_that_imports(case_handler, municipality):
    # The later file held the first one's row too (a duplicate then): undoing the first
    # keeps that row, now the later import's, and the later one's counts say so.
    first = imported(case_handler, FIRST)
    later = imported(case_handler, SECOND, "hela.csv")
    assert list(later.confirmed.all()) == list(first.incidents.all())
    page = case_handler.get(f"{URL}{first.pk}/angra/").content.decode()
    assert "0 händelser finns kvar att ta bort" in page
    assert f'<a href="{URL}{later.pk}/">hela.csv</a>' in page
    assert "1 händelse)" in page
    case_handler.post(f"{URL}{first.pk}/angra/")
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.removed, first.handed_on) == (0, 1)
    assert (later.imported, later.duplicates) == (3, 0)
    assert set(Incident.objects.all()) == set(later.incidents.all())
    assert Incident.objects.count() == 3 and not later.confirmed.exists()
    detail = case_handler.get(f"{URL}{first.pk}/").content.decode()
    assert "1 händelse fanns också i en senare import och finns kvar." in detail
    # Undoing the later one now takes all three: nothing after it had them.
    page = case_handler.get(f"{URL}{later.pk}/angra/").content.decode()
    assert "3 händelser finns kvar att ta bort" in page and "undo-handed-on" not in page
    assert incident_import_undo(incident_import=later, user=case_handler.user) == 3
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_a_row_a_file_imported_on_the_server_had_too_stays(case_handler, municipality, tmp_path):
    first = imported(case_handler, FIRST)
    path = tmp_path / "server.csv"
    path.write_text(SECOND, encoding="utf-8")
    mapping = tmp_path / "m.json"
    columns = {k: v for k, v in COLUMNS.items() if k != "types_column"}
    mapping.write_text(json.dumps(columns), encoding="utf-8")
    call_command(
        "import_incidents", "--format", "csv", str(path), "--mapping", str(mapping),
        stdout=StringIO(), stderr=StringIO(),
    )
    server = IncidentImport.objects.get(via=IncidentImport.Via.COMMAND)
    assert (server.imported, server.duplicates) == (2, 1)
    assert incident_import_undo(incident_import=first, user=case_handler.user) == 0
    assert Incident.objects.count() == 3
    assert Incident.objects.filter(incident_import=server).count() == 1


@pytest.mark.django_db
def test_no_undo_while_another_import_runs(case_handler, municipality):
    upload = imported(case_handler, FIRST)
    running = IncidentImport.objects.create(
        municipality=municipality,
        file_name="pågår.csv",
        status=IncidentImport.Status.RUNNING,
        progressed=timezone.now(),
    )
    page = case_handler.get(f"{URL}{upload.pk}/angra/").content.decode()
    assert "En annan import pågår." in page
    answer = case_handler.post(f"{URL}{upload.pk}/angra/")
    assert answer["Location"] == f"{URL}{upload.pk}/angra/"
    assert Incident.objects.count() == 1
    upload.refresh_from_db()
    assert upload.undone is None
    running.status = IncidentImport.Status.DONE
    running.save()
    page = case_handler.get(f"{URL}{upload.pk}/angra/").content.decode()
    assert "En annan import pågår." not in page
    assert case_handler.post(f"{URL}{upload.pk}/angra/")["Location"] == f"{URL}{upload.pk}/"
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_confirm_page_answers_head(case_handler, municipality):
    upload = imported(case_handler, FIRST)
    assert case_handler.head(f"{URL}{upload.pk}/angra/").status_code == 200
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_the_confirm_page_names_alerts_as_the_overview_does(case_handler, municipality):
    """The overview and the watch pages speak of "larm" sent to "kontaktombud": the page
    asking first must not call the same things "varningar" and "kontaktpersoner"."""
    upload = imported(case_handler, SECOND)
    page = " ".join(case_handler.get(f"{URL}{upload.pk}/angra/").content.decode().split())
    assert "Förberedda larm om upprepade inbrott för händelserna tas också bort." in page
    assert "Ett larm som redan har skickats till kontaktombuden" in page
    assert "varning" not in page and "kontaktperson" not in page
    overview = case_handler.get("/personal/lagesbild/").content.decode()
    assert "Förberedda larm om upprepade inbrott" in overview and "kontaktombud" in overview


@pytest.mark.django_db
def test_an_import_that_stands_still_does_not_hold_the_undo_back(case_handler, municipality):
    """Its worker was killed: it will write nothing, and the undo page said "En annan import
    pågår. Vänta tills den är klar" until the hourly sweep failed it."""
    upload = imported(case_handler, FIRST)
    IncidentImport.objects.create(
        municipality=municipality,
        file_name="stod-still.csv",
        status=IncidentImport.Status.RUNNING,
        progressed=timezone.now() - timedelta(minutes=16),
    )
    page = case_handler.get(f"{URL}{upload.pk}/angra/").content.decode()
    assert "En annan import pågår." not in page
    assert incident_import_undo(incident_import=upload, user=case_handler.user) == 1

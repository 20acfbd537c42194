"""Staff upload a CSV file: mapping preview, the import on the task queue, the result and
the history, a page at a time; bad files get a Swedish message next to the field and import
nothing; every view of the file's rows is logged."""

import json
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from tryggve.analytics import services, uploads
from tryggve.analytics.forms import type_field_name
from tryggve.analytics.models import FeedFetch, Incident, IncidentImport
from tryggve.areas.models import Municipality
from tryggve.audit.models import AccessLog
from tryggve.conftest import CENTRUM

URL = "/personal/lagesbild/import/"
LAT, LON = CENTRUM

GOOD = (
    "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
    f"2026-11-20 22:15;Inbrott;{LAT};{LON};Inbrott i villa, altandörr uppbruten\n"
    f"2026-11-21 01:40;Skadegörelse;{LAT};{LON};Krossad ruta i busskur\n"
    f"2026-11-21 01:40;Skadegörelse;{LAT};{LON};Krossad ruta i busskur\n"
    f"inte en tid;Stöld;{LAT};{LON};Cykel stulen\n"
    f"2026-11-22 14:00;Rattfylleri;;;Ingen plats\n"
)


def upload(client, content, name="handelser.csv", encoding="utf-8"):
    data = content.encode(encoding) if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


def start(client, upload_id, **mapping):
    """Send the mapping page; its types were listed for the type column sent, unless
    `types_column` says otherwise (the page was made for another column)."""
    fields = {
        "time": "Datum",
        "type": "Brottstyp",
        "lat": "Latitud",
        "lon": "Longitud",
        "text": "Beskrivning",
    } | mapping
    fields.setdefault("types_column", fields["type"])
    return client.post(f"{URL}{upload_id}/", fields, follow=True)


@pytest.mark.django_db
def test_upload_preview_import_and_result(case_handler, municipality):
    response = upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{created.pk}/"
    page = case_handler.get(response["Location"]).content.decode()
    # The preview: the file's columns, its first rows and the guessed mapping selected.
    assert '<th scope="col">Brottstyp</th>' in page
    assert "Inbrott i villa, altandörr uppbruten" in page
    assert '<option value="Datum" selected>' in page
    assert Incident.objects.count() == 0

    response = start(case_handler, created.pk)
    page = response.content.decode()
    created.refresh_from_db()
    assert (created.status, created.imported, created.duplicates, created.rejected) == (
        IncidentImport.Status.DONE,
        2,
        1,
        2,
    )
    assert Incident.objects.count() == 2
    assert 'id="result-imported">2<' in page
    assert "rad 5: tiden &#x27;inte en tid&#x27; går inte att tolka" in page
    assert "rad 6: position saknas" in page
    assert created.data == b"" and created.uploaded_by == case_handler.user


@pytest.mark.django_db
def test_an_export_with_a_title_above_its_table_is_taken(case_handler, municipality):
    # Refused before as "Filen har bara 1 kolumn i rubrikraden": the title was the header.
    title = "Skolans incidentlogg läsåret 2025/26\nUtskriven 2026-11-27;;;;\n"
    response = upload(case_handler, title + GOOD, encoding="cp1252")
    created = IncidentImport.objects.get()
    assert response.status_code == 302
    page = case_handler.get(response["Location"]).content.decode()
    assert '<option value="Datum" selected>' in page
    start(case_handler, created.pk)
    created.refresh_from_db()
    assert (created.imported, created.duplicates, created.rejected) == (2, 1, 2)
    assert "rad 7: tiden 'inte en tid' går inte att tolka" in created.rejections[0]


TWO_DATES = (
    "Datum;Datum;Brottstyp;Latitud;Longitud\n"
    f"2026-11-20 22:15;2026-11-23 09:00;Inbrott;{LAT};{LON}\n"
)


@pytest.mark.parametrize(
    ("chosen", "imported_at"), [("Datum", "2026-11-20 22:15"), ("Datum (2)", "2026-11-23 09:00")]
)
@pytest.mark.django_db
def test_either_of_two_columns_of_one_name_can_be_chosen(
    case_handler, municipality, chosen, imported_at
):
    """An export's event date and reported date, both "Datum": both were offered as
    "Datum", and choosing the second read the first, silently."""
    response = upload(case_handler, TWO_DATES)
    created = IncidentImport.objects.get()
    page = case_handler.get(response["Location"]).content.decode()
    assert '<th scope="col">Datum</th><th scope="col">Datum (2)</th>' in page
    time_select = page.split('id="id_time"', 1)[1].split("</select>", 1)[0]
    assert '<option value="Datum" selected>Datum</option>' in time_select
    assert '<option value="Datum (2)">Datum (2)</option>' in time_select
    start(case_handler, created.pk, time=chosen, text="")
    created.refresh_from_db()
    assert created.imported == 1
    occurred = timezone.localtime(Incident.objects.get().occurred_at)
    assert occurred.strftime("%Y-%m-%d %H:%M") == imported_at


@pytest.mark.django_db
def test_the_mapping_page_names_its_fields_plainly(case_handler, municipality):
    """Our date field is not called "Tid", which files use for the clock time; and the
    source system says what leaving it empty means."""
    response = upload(case_handler, GOOD)
    page = case_handler.get(response["Location"]).content.decode()
    assert re.search(r'<label for="id_time">\s*Datum \(och tid\)', page)
    assert re.search(r'<label for="id_clock">\s*Klockslag', page)
    assert not re.search(r'<label for="id_time">\s*Tid\b', page)
    assert (
        "Lämna tomt om filen kommer från samma system som tidigare filer utan källsystem: "
        "då räknas en rad med samma id som en tidigare rad som samma händelse."
    ) in page


@pytest.mark.django_db
def test_sending_the_mapping_twice_imports_once(case_handler, municipality):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    start(case_handler, created.pk)
    start(case_handler, created.pk)
    assert Incident.objects.count() == 2
    created.refresh_from_db()
    assert created.imported == 2


@pytest.mark.django_db
def test_latin1_with_commas_and_a_bom_are_read(case_handler, municipality):
    latin1 = GOOD.replace(";", ",").replace(f"{LAT},{LON}", f'"{LAT}","{LON}"')
    upload(case_handler, latin1, encoding="latin-1")
    upload(case_handler, "\ufeff" + GOOD)
    for created in IncidentImport.objects.all():
        start(case_handler, created.pk)
    assert sorted(IncidentImport.objects.values_list("imported", "duplicates")) == [(0, 3), (2, 1)]


@pytest.mark.django_db
def test_a_stray_nul_in_a_cell_is_read_as_the_command_reads_it(case_handler, municipality):
    """A damaged export with one NUL byte: the web upload refused it as "not text" while
    `import_incidents` read it; both read it now, the NUL as U+FFFD."""
    upload(case_handler, GOOD.replace("altandörr", "altan\x00dörr"))
    created = IncidentImport.objects.get()
    start(case_handler, created.pk)
    created.refresh_from_db()
    assert created.imported == 2
    assert Incident.objects.filter(summary__contains="altan\ufffddörr").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Filen är tom."),
        ("   \n\n", "Filen är tom."),
        (
            "Datum|Brottstyp|Latitud|Longitud\n2026-11-20|Inbrott|65.5|19.1\n",
            "Filen har bara 1 kolumn i rubrikraden.",
        ),
        ("Datum;Brottstyp\n2026-11-20;Inbrott\n", "Filen har bara 2 kolumner i rubrikraden."),
        # A "column" the size of a book would be repeated in every choice of the mapping page.
        (
            "Datum;Brottstyp;Latitud;Longitud;"
            + "x" * 100_000
            + "\n2026-11-20;Inbrott;65.5;19.1;1\n",
            "längre än 200 tecken",
        ),
        # 60,000 columns would be a choice of 60,000 in each of the mapping's selects.
        (
            "Datum;Brottstyp;Latitud;Longitud;"
            + ";".join(f"k{n}" for n in range(60_000))
            + "\n2026-11-20;Inbrott;65.5;19.1\n",
            "Rubrikraden har 60004 kolumner; högst 200 går att välja bland.",
        ),
        # A line beyond the csv module's field limit, in Swedish.
        (
            "Datum;Brottstyp;Latitud;Longitud\n" + "x" * 200_000 + "\n",
            "ett fält är längre än 131072 tecken",
        ),
        ("a;b;c;d\n1;2;3;4\n", "Ingen kolumn i rubrikraden känns igen"),
        # An Excel workbook renamed .csv (xlsx is a zip file; xls an OLE file).
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "Excel-fil"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Excel-fil"),
        # Binary, or UTF-16 without its byte order mark: never a header of NULs.
        ("Datum;Brottstyp;Latitud;Longitud\n".encode("utf-16-le"), "inte läsas som text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "inte läsas som text"),
        ("Datum;Brottstyp;Latitud;Longitud\n", "inga rader med händelser"),
        # The header line left empty: not "inga rader med händelser" (the row below was
        # taken for the header), but what is wrong.
        (";;;;\n2026-11-20 22:15;Inbrott;65.5;19.1\n", "Rubrikraden är tom: rad 1 har inga"),
        (
            ";;;;\n2026-11-20 22:15;Inbrott;65.5;19.1\n2026-11-20 23:15;Inbrott;65.5;19.1\n",
            "Rubrikraden är tom: rad 1 har inga kolumnnamn",
        ),
        # Blank rows above a header of names we do not know: the header is not empty.
        (
            ";;;;\nNär;Vad;Var 1;Var 2\n2026-11-20 22:15;Inbrott;65.5;19.1\n",
            "Ingen kolumn i rubrikraden känns igen (till exempel tid, typ, lat, lon, x, y). "
            "Filen har: När, Vad, Var 1, Var 2",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_files_get_a_message_next_to_the_field(case_handler, municipality, content, message):
    response = upload(case_handler, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_file_error"' in page and message in page
    assert IncidentImport.objects.count() == 0


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(case_handler, municipality, settings):
    settings.INCIDENT_IMPORT_MAX_BYTES = 100
    response = upload(case_handler, GOOD)
    assert response.status_code == 400
    assert "Filen är för stor" in response.content.decode()


@pytest.mark.django_db
def test_a_mapping_that_does_not_fit_is_refused_and_nothing_is_imported(case_handler, municipality):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    response = start(case_handler, created.pk, lat="", lon="")
    assert response.status_code == 400
    assert "antingen" in response.content.decode()
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_a_failure_while_saving_leaves_nothing_half_imported(
    case_handler, municipality, monkeypatch
):
    manager = type(Incident.objects)
    write = manager.bulk_create
    written = []

    def fail_after_the_first_row(self, objs, **kwargs):
        written.extend(write(self, objs[:1], **kwargs))
        raise RuntimeError("disk full")

    monkeypatch.setattr(manager, "bulk_create", fail_after_the_first_row)
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    page = start(case_handler, created.pk).content.decode()
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.FAILED
    assert "Ingenting från filen har sparats." in page
    assert len(written) == 1 and Incident.objects.count() == 0


def progress_after(client, created, **minutes_ago):
    """(stalled, text) of the import's status once its times (`queued`, `progressed`) lie
    as many minutes back as `minutes_ago` says; `created` is read again."""
    now = timezone.now()
    IncidentImport.objects.filter(pk=created.pk).update(
        **{name: now - timedelta(minutes=minutes) for name, minutes in minutes_ago.items()}
    )
    created.refresh_from_db()
    status = client.get(f"{URL}{created.pk}/status.json").json()
    return status["stalled"], status["text"]


@pytest.mark.django_db
def test_an_import_left_waiting_in_the_queue_says_it_has_not_started(
    case_handler, municipality, dummy_queue
):
    """No worker picks it up (stopped, or never started): the page said "I kö" for two
    hours, until the hourly sweep failed it."""
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    start(case_handler, created.pk)
    assert progress_after(case_handler, created, queued=4) == (
        False,
        "I kö – importen startar snart",
    )
    stalled, text = progress_after(case_handler, created, queued=6)
    at = timezone.localtime(created.queued).strftime("%H:%M")
    expected = (
        f"I kö sedan kl. {at}: importen har inte startat. Tjänsten som kör importer kan ha "
        "stannat – kontakta systemförvaltaren. Filen finns kvar och inget har sparats."
    )
    assert (stalled, text) == (True, expected)
    assert expected in " ".join(case_handler.get(f"{URL}{created.pk}/").content.decode().split())


@pytest.mark.django_db
def test_an_import_whose_worker_was_killed_mid_run_says_it_stands_still(
    case_handler, municipality, dummy_queue, monkeypatch
):
    """The worker killed (SIGKILL) while saving: its transaction rolled back and the task is
    never run again. The page said "Importeras: 99 %" for the two hours until the sweep,
    and every other import of the municipality could not be undone meanwhile."""
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    start(case_handler, created.pk)

    def killed(**kwargs):
        raise KeyboardInterrupt  # nothing the run catches, as nothing runs after SIGKILL

    monkeypatch.setattr("tryggve.analytics.services.incidents_import", killed)
    before = timezone.now()
    with pytest.raises(KeyboardInterrupt):
        services.incident_import_run(import_id=created.pk)
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.RUNNING and created.progressed >= before
    assert progress_after(case_handler, created, progressed=14) == (
        False,
        "Sparar i databasen: 99 %",
    )
    # Sixteen minutes without a sign of life: it will not go on, and the page says so.
    stalled, text = progress_after(case_handler, created, progressed=16)
    at = timezone.localtime(created.progressed).strftime("%H:%M")
    expected = (
        f"Importen har stått still sedan kl. {at} (vid 99 %): tjänsten som kör importer "
        "stoppades troligen mitt i, och importen fortsätter inte. Inget från filen har "
        "sparats. Ladda upp filen igen; kontakta systemförvaltaren om det händer igen."
    )
    assert (stalled, text) == (True, expected)
    page = " ".join(case_handler.get(f"{URL}{created.pk}/").content.decode().split())
    assert f'<p id="import-phase" class="notice">{expected}</p>' in page
    # "The import carries on" is hidden beside it (kept for the script, which hides it too).
    assert '<p id="import-leave" hidden>Du kan lämna sidan; importen fortsätter' in page
    # The history said "Importeras" until the sweep failed it.
    history = case_handler.get(URL).content.decode()
    assert "<td>Står still</td>" in history and "<td>Importeras</td>" not in history
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_an_import_waits_while_another_of_its_municipality_runs(
    case_handler, municipality, dummy_queue
):
    """Two workers, one file uploaded twice: run side by side, each import found the other's
    rows new, both said "20000 händelser importerade", and undoing the one that saved them
    took them from the other file as well. The second now starts after the first."""
    from django_tasks import default_task_backend

    from tryggve.analytics.tasks import run_incident_import

    upload(case_handler, GOOD)
    upload(case_handler, GOOD, name="igen.csv")
    first, second = IncidentImport.objects.order_by("pk")
    start(case_handler, first.pk)
    start(case_handler, second.pk)
    running = IncidentImport.objects.filter(pk=first.pk)
    running.update(status=IncidentImport.Status.RUNNING, progressed=timezone.now())
    default_task_backend.clear()
    assert run_incident_import.call(second.pk) == "waiting"
    assert IncidentImport.objects.get(pk=second.pk).status == IncidentImport.Status.QUEUED
    [again] = default_task_backend.results
    assert again.args == [second.pk] and again.task.run_after > timezone.now()
    # Waiting its turn longer than a worker takes to pick an import up is no stopped
    # worker: the page says what it waits for, not "Tjänsten ... kan ha stannat".
    IncidentImport.objects.filter(pk=second.pk).update(
        queued=timezone.now() - timedelta(minutes=20)
    )
    page = case_handler.get(f"{URL}{second.pk}/").content.decode()
    assert "I kö bakom en annan import av kommunen, som pågår" in page
    assert "kan ha stannat" not in page
    assert case_handler.get(f"{URL}{second.pk}/status.json").json()["stalled"] is False
    # A first whose worker was killed (silent a quarter of an hour) keeps no one waiting.
    running.update(progressed=timezone.now() - timedelta(minutes=16))
    assert run_incident_import.call(second.pk) == IncidentImport.Status.DONE
    assert IncidentImport.objects.get(pk=second.pk).imported == 2


@pytest.mark.django_db
def test_the_status_endpoint_and_the_progress_page(case_handler, municipality, dummy_queue):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    page = start(case_handler, created.pk).content.decode()
    assert "Uppdatera" in page and "import-progress.js" in page
    # Queued: what happens next, not "I kö: 0 %"; that one may leave; a refresh without
    # JavaScript lands on the result.
    assert "I kö – importen startar snart" in page and "0 %" not in page
    assert "Du kan lämna sidan; importen fortsätter och resultatet finns i" in page
    # The page itself, no fragment: a link that only adds one scrolls and never reloads.
    assert f'<a class="button" href="{URL}{created.pk}/">Uppdatera</a>' in page
    assert case_handler.get(f"{URL}{created.pk}/status.json").json() == {
        "status": "queued",
        "label": "I kö",
        "percent": 0,
        "text": "I kö – importen startar snart",
        "stalled": False,
        "finished": False,
    }
    # Reading half done, then every row read and the one transaction saving them: the
    # page says so rather than standing still at 99 % for as long again.
    IncidentImport.objects.filter(pk=created.pk).update(
        status=IncidentImport.Status.RUNNING, total_rows=4, rows_done=2
    )
    assert case_handler.get(f"{URL}{created.pk}/status.json").json()["label"] == "Importeras"
    IncidentImport.objects.filter(pk=created.pk).update(rows_done=4)
    saving = case_handler.get(f"{URL}{created.pk}/status.json").json()
    assert (saving["label"], saving["percent"]) == ("Sparar i databasen", 99)
    assert "Sparar i databasen: 99 %" in case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert saving["text"] == "Sparar i databasen: 99 %"
    # The one live line is empty when the page opens: the script writes it at each quarter.
    assert '<p id="import-announce" class="visually-hidden" role="status"></p>' in (
        case_handler.get(f"{URL}{created.pk}/").content.decode()
    )
    from tryggve.analytics.services import incident_import_run

    IncidentImport.objects.filter(pk=created.pk).update(status=IncidentImport.Status.QUEUED)
    incident_import_run(import_id=created.pk)
    done = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert '<h2 id="import-result" tabindex="-1" autofocus>Importen är klar:' in done


@pytest.mark.django_db
def test_history_lists_who_when_and_counts(
    case_handler, administrator, municipality, django_assert_max_num_queries
):
    for _ in range(5):
        upload(case_handler, GOOD)
    FeedFetch.objects.create(started="2026-11-28T09:00:00Z", url="x", outcome="ok", imported=7)
    with django_assert_max_num_queries(14):
        page = administrator.get(URL).content.decode()
    assert page.count("handelser.csv") == 5
    assert "Väntar på kolumnval" in page and "2026-11-28" in page


@pytest.mark.django_db
def test_history_holds_files_imported_on_the_server(administrator, municipality, tmp_path):
    path = tmp_path / "uttag-oktober.csv"
    path.write_text(
        f"time;lat;lon;type\n2026-10-01 22:15;{LAT};{LON};Stöld\n"
        "2026-10-02 22:15;59,33;18,06;Stöld\n"
    )
    call_command("import_incidents", "--format", "csv", str(path), stdout=StringIO())
    FeedFetch.objects.create(
        started="2026-11-28T09:00:00Z", url="x", outcome="ok", imported=2, outside=9,
        counts={"2505": {"imported": 2, "duplicates": 0}},
    )
    page = administrator.get(URL).content.decode()
    row = re.search(
        r"<tr><td>[^<]*</td><td>([^<]*)</td><td><a href=\"([^\"]+)\">uttag-oktober.csv", page
    )
    assert row and row.group(1) == "Importerad på servern (import_incidents)"
    # This municipality's count, not the deployment's events of places it does not serve.
    assert "<td>Hämtad</td><td>2</td><td>0</td>" in page
    assert "<td>9</td>" not in page and "Andra orter" not in page
    detail = administrator.get(row.group(2)).content.decode()
    assert "Importerad på servern (import_incidents)," in detail
    assert "rad 3: platsen ligger utanför kommunen" in detail


def history_table(page: str) -> list[list[str]]:
    """The rows of the list of earlier imports, each row's cells."""
    section = page.split('id="history-caption"', 1)[1].split('id="feed-caption"', 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1])
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell) for cell in row] for row in cells]


@pytest.mark.django_db
def test_a_police_file_shows_in_each_municipalitys_history_with_its_own_counts_only(
    case_handler, arjeplogs_handler, municipality, arjeplog, tmp_path
):
    municipality.members.add(case_handler.user)
    event = {"datetime": "2026-11-28 20:00:00 +01:00", "type": "Stöld", "url": "/x"}
    events = [
        event | {"id": 1, "name": "28 november 20.00, Stöld, Arjeplog", "summary": "Anna A."},
        event | {"id": 2, "name": "28 november 20.00, Stöld, Arjeplog", "summary": "Anna A."},
        event | {"id": 3, "name": "28 november 20.00, Stöld, Arjeplog", "datetime": "Bo B."},
        event | {"id": 4, "name": "28 november 20.00, Stöld, Arvidsjaur"},
    ]
    path = tmp_path / "polisen.json"
    path.write_text(json.dumps(events))
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("import_incidents", "--format", "polisen", str(path), **quiet)

    ours = case_handler.get(URL).content.decode()
    theirs = arjeplogs_handler.get(f"/arjeplog{URL}").content.decode()
    via = "Importerad på servern (import_incidents)"
    assert [row[2:] for row in history_table(ours)] == [["polisen.json", "Klar", "1", "0", "0"]]
    assert [row[2:] for row in history_table(theirs)] == [["polisen.json", "Klar", "2", "0", "1"]]
    assert history_table(ours)[0][1] == history_table(theirs)[0][1] == via
    # Each one's detail page: its own rejected event, never the other's; the other's
    # record is not found from here at all.
    own = IncidentImport.objects.get(municipality=municipality)
    other = IncidentImport.objects.get(municipality=arjeplog)
    assert "Bo B." not in case_handler.get(f"{URL}{own.pk}/").content.decode()
    assert "Bo B." in arjeplogs_handler.get(f"/arjeplog{URL}{other.pk}/").content.decode()
    assert case_handler.get(f"{URL}{other.pk}/").status_code == 404


# The police feed's calls: one for every municipality served, each seeing its own share --

MISSING = '<span aria-hidden="true">–</span><span class="visually-hidden">uppgift saknas</span>'


def feed_table(page: str) -> tuple[list[str], list[list[str]]]:
    """The feed's table as its header cells and each row's cells."""
    section = page.split('id="feed-caption"', 1)[1]
    head = re.findall(r'<th scope="col">(.*?)</th>', section)
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1])
    return head, [re.findall(r"<td>(.*?)</td>", row) for row in rows]


def shared_fetch(**counts):
    """One call for Arvidsjaur and Arjeplog: 17 imported in all, 12 of them Arvidsjaur's,
    3 Arjeplog's and 2 placed in Norrbotten only; 9 events of places not served."""
    return FeedFetch.objects.create(
        started="2026-11-28T09:00:00Z", url="x", outcome="ok",
        events=40, imported=17, duplicates=11, rejected=0, outside=9,
        counts=counts or {
            "2505": {"imported": 12, "duplicates": 8, "rejected": 0},
            "2506": {"imported": 3, "duplicates": 2, "rejected": 0},
            "county:25": {"imported": 2, "duplicates": 1, "rejected": 0},
        },
    )


HEAD = ["När", "Utfall", "Nya här", "Dubbletter här", "Hela länet", "Förklaring"]


@pytest.fixture
def arjeplogs_handler(django_user_model, arjeplog):
    from tryggve.conftest import _staff_client

    client = _staff_client(django_user_model, "handlaggare-arjeplog", "case_handler")
    arjeplog.members.add(client.user)
    return client


@pytest.mark.django_db
def test_each_municipalitys_staff_see_only_their_own_counts_of_a_fetch(
    case_handler, arjeplogs_handler, municipality, arjeplog
):
    municipality.members.add(case_handler.user)
    shared_fetch()
    ours = case_handler.get(URL).content.decode()
    theirs = arjeplogs_handler.get(f"/arjeplog{URL}").content.decode()
    assert feed_table(ours) == (HEAD, [["2026-11-28 10:00", "Hämtad", "12", "8", "2", ""]])
    assert feed_table(theirs) == (HEAD, [["2026-11-28 10:00", "Hämtad", "3", "2", "2", ""]])
    for page in (ours, theirs):
        feed = page.split('id="feed-caption"', 1)[1]
        # Not the deployment's totals, which mix the municipalities.
        assert not {"17", "11", "9"} & set(re.findall(r"<td>(\d+)</td>", feed))
        assert "Andra orter" not in feed and "Importerade" not in feed
        assert "en gång för alla kommuner som tjänsten betjänar" in feed


@pytest.mark.django_db
def test_a_fetch_from_before_the_counts_per_municipality_shows_a_dash(
    case_handler, arjeplogs_handler, municipality, arjeplog
):
    municipality.members.add(case_handler.user)
    FeedFetch.objects.create(
        started="2026-11-27T09:00:00Z", url="x", outcome="ok", imported=7, duplicates=4
    )
    FeedFetch.objects.create(
        started="2026-11-27T08:00:00Z", url="x", outcome="failed", http_status=500,
        error="HTTP 500",
    )
    # A call of before Arjeplog was served: Arvidsjaur's alone, and the county's under "",
    # as calls were logged before the county was named (both served lie in Norrbotten).
    shared_fetch(**{"2505": {"imported": 5, "duplicates": 6}, "": {"imported": 1}})
    page = case_handler.get(URL).content.decode()
    _head, rows = feed_table(page)
    server_error = "Polisens tjänst svarade med ett fel (500)."
    assert rows == [
        ["2026-11-28 10:00", "Hämtad", "5", "6", "1", ""],
        ["2026-11-27 10:00", "Hämtad", MISSING, MISSING, MISSING, ""],
        ["2026-11-27 09:00", "Misslyckades", "0", "0", "0", server_error],
    ]
    assert "Ett streck betyder att uppgiften saknas" in page
    _head, rows = feed_table(arjeplogs_handler.get(f"/arjeplog{URL}").content.decode())
    assert rows[0] == ["2026-11-28 10:00", "Hämtad", MISSING, MISSING, MISSING, ""]


@pytest.mark.django_db
def test_a_fetch_with_every_count_known_says_nothing_of_dashes(administrator, municipality):
    shared_fetch(**{"2505": {"imported": 1, "duplicates": 0}})
    page = administrator.get(URL).content.decode()
    assert MISSING not in page and "Ett streck betyder" not in page
    # Arvidsjaur served alone: events of its county count for it, so the column is there.
    assert feed_table(page)[1] == [["2026-11-28 10:00", "Hämtad", "1", "0", "0", ""]]


def serve_malmo(municipality):
    """Malmö (Skåne, county 12) served beside the two of Norrbotten (25)."""
    return Municipality.objects.create(
        code="1280", name="Malmö stad", slug="malmo", geometry=municipality.geometry,
        min_lon=municipality.min_lon, min_lat=municipality.min_lat,
        max_lon=municipality.max_lon, max_lat=municipality.max_lat,
    )


@pytest.mark.django_db
def test_with_two_counties_served_each_reader_sees_their_own_countys_events(
    case_handler, municipality, arjeplog, django_user_model
):
    from tryggve.conftest import _staff_client

    malmo = serve_malmo(municipality)
    municipality.members.add(case_handler.user)
    malmos_handler = _staff_client(django_user_model, "handlaggare-malmo", "case_handler")
    malmo.members.add(malmos_handler.user)
    counts = {
        "2505": {"imported": 12, "duplicates": 8, "rejected": 0},
        "2506": {"imported": 3, "duplicates": 2, "rejected": 0},
        "1280": {"imported": 30, "duplicates": 0, "rejected": 0},
        "county:25": {"imported": 2, "duplicates": 1, "rejected": 0},
        "county:12": {"imported": 7, "duplicates": 0, "rejected": 0},
    }
    shared_fetch(**counts)
    head, rows = feed_table(case_handler.get(URL).content.decode())
    assert head == HEAD
    assert rows == [["2026-11-28 10:00", "Hämtad", "12", "8", "2", ""]]
    head, rows = feed_table(malmos_handler.get(f"/malmo{URL}").content.decode())
    assert head == HEAD
    assert rows == [["2026-11-28 10:00", "Hämtad", "30", "0", "7", ""]]


@pytest.mark.django_db
def test_an_older_call_with_two_counties_served_does_not_say_whose_county(
    case_handler, municipality, arjeplog
):
    # Logged before the county was named: its "" may be either county's.
    serve_malmo(municipality)
    municipality.members.add(case_handler.user)
    shared_fetch(
        **{"2505": {"imported": 12, "duplicates": 8}, "": {"imported": 2, "duplicates": 1}}
    )
    page = case_handler.get(URL).content.decode()
    assert feed_table(page) == (HEAD, [["2026-11-28 10:00", "Hämtad", "12", "8", MISSING, ""]])
    assert "Ett streck betyder att uppgiften saknas" in page


def explained(page: str) -> list[str]:
    """The feed table's explanations, a row each."""
    return [cells[-1] for cells in feed_table(page)[1]]


@pytest.mark.django_db
def test_staff_read_what_happened_in_swedish_never_the_technical_text(
    case_handler, municipality, settings
):
    municipality.members.add(case_handler.user)
    for hour, outcome, status, error, retry_after in [
        (10, "refused", 403, "403: retry after 2026-11-28T10:01:00+00:00",
         "2026-11-28T10:01:00Z"),
        (9, "rate_limited", 429, "429: retry after 2026-11-28T13:20:00+00:00",
         "2026-11-28T13:20:00Z"),
        (8, "failed", None, "URLError: <urlopen error [Errno 111] Connection refused>", None),
        (7, "failed", 503, "HTTP 503", None),
        (6, "failed", 200, "Filen är inte giltig JSON: fel på rad 1, tecken 1.", None),
        (5, "gone", 404, "404: permanent, no further calls", None),
        (4, "failed", 301, "HTTP 301 to https://moved.invalid/x, not followed: check "
         "POLICE_FEED_URL", None),
        (3, "failed", 200, "AnswerTooLarge: answer larger than 20971520 bytes", None),
    ]:
        FeedFetch.objects.create(
            started=f"2026-11-28T{hour:02}:00:00Z", url="x", outcome=outcome,
            http_status=status, error=error, retry_after=retry_after,
        )
    page = case_handler.get(URL).content.decode()
    # Each a sentence with its full stop.
    assert explained(page) == [
        "Polisen nekade anropet (HTTP 403); nästa försök tidigast kl. 11:01.",
        "Polisen bad oss vänta; nästa försök tidigast kl. 14:20.",
        "Polisens tjänst svarade inte (nätverksfel).",
        "Polisens tjänst svarade med ett fel (503).",
        "Polisens svar gick inte att läsa.",
        "Adressen finns inte längre hos polisen; inga fler försök görs – kontakta "
        "systemförvaltaren.",
        "Polisens tjänst svarade med en omdirigering (HTTP 301), som inte följs; "
        "systemförvaltaren behöver kontrollera adressen till polisens tjänst.",
        "Polisens svar var för stort för att tas emot; nästa hämtning försöker igen – "
        "kontakta systemförvaltaren om det upprepas.",
    ]
    # The outcome in plain words; the HTTP codes are the operator's (the admin, the command).
    assert [cells[1] for cells in feed_table(page)[1]] == [
        "Nekad av polisen",
        "För många anrop – väntar",
        "Misslyckades",
        "Misslyckades",
        "Misslyckades",
        "Adressen finns inte längre",
        "Misslyckades",
        "Misslyckades",
    ]
    assert "429/403" not in page and "(404, permanent)" not in page
    for technical in ("retry after", "URLError", "urlopen", "HTTP 503", "JSON", "no further",
                      "moved.invalid", "POLICE_FEED_URL", "AnswerTooLarge", "20971520"):
        assert technical not in page


@pytest.mark.django_db
def test_staff_learn_how_many_of_their_own_events_could_not_be_read_never_whose_else(
    case_handler, arjeplogs_handler, municipality, arjeplog
):
    municipality.members.add(case_handler.user)
    FeedFetch.objects.create(
        started="2026-11-28T09:00:00Z", url="x", outcome="ok", events=9, rejected=6,
        counts={
            "2505": {"imported": 1, "duplicates": 0, "rejected": 2},
            "2506": {"imported": 0, "duplicates": 0, "rejected": 3},
            "county:25": {"imported": 0, "duplicates": 0, "rejected": 1},
        },
        # Arjeplog's events named by their ids: never on Arvidsjaur's page.
        error="händelse 4 (id 650301): tiden 'igår' går inte att tolka\n"
        "händelse 5 (id 650302): tiden 'snart' går inte att tolka",
    )
    ours = case_handler.get(URL).content.decode()
    theirs = arjeplogs_handler.get(f"/arjeplog{URL}").content.decode()
    # Each municipality's own and their county's, not the call's six.
    assert explained(ours) == ["3 händelser kunde inte läsas."]
    assert explained(theirs) == ["4 händelser kunde inte läsas."]
    for page in (ours, theirs):
        assert "650301" not in page and "går inte att tolka" not in page


@pytest.mark.django_db
def test_an_older_call_that_rejected_events_shows_a_dash_for_whose_they_were(
    case_handler, municipality
):
    municipality.members.add(case_handler.user)
    FeedFetch.objects.create(
        started="2026-11-28T09:00:00Z", url="x", outcome="ok", events=9, rejected=2,
        counts={"2505": {"imported": 1, "duplicates": 0}},
        error="händelse 4 (id 650301): saknar id",
    )
    page = case_handler.get(URL).content.decode()
    assert explained(page) == [MISSING]
    assert "Ett streck betyder att uppgiften saknas" in page and "650301" not in page


def many_uploads(municipality, django_user_model, n):
    """`n` uploads, each by an uploader of its own (names must not cost a query a row)."""
    made = django_user_model.objects.count()
    users = django_user_model.objects.bulk_create(
        django_user_model(username=f"u{made + i}", first_name=f"Uppladdare {i}") for i in range(n)
    )
    IncidentImport.objects.bulk_create(
        IncidentImport(municipality=municipality, uploaded_by=user, file_name=f"fil-{i}.csv")
        for i, user in enumerate(users)
    )


def many_fetches(n):
    start = timezone.now()
    FeedFetch.objects.bulk_create(
        FeedFetch(
            started=start - timedelta(hours=i), url="x", outcome="ok", imported=i,
            counts={"2505": {"imported": i, "duplicates": 0}},
        )
        for i in range(n)
    )


def pager(page: str, label: str) -> str:
    """The navigation named `label`, or "" when the page has none."""
    found = re.search(rf'<nav class="pagination" aria-label="{label}">.*?</nav>', page, re.S)
    return found.group(0) if found else ""


UPLOAD_PAGES = "Sidor med tidigare importer"
FETCH_PAGES = "Sidor med polisens hämtningar"


@pytest.mark.django_db
def test_uploads_are_shown_fifty_a_page(administrator, municipality, django_user_model):
    many_uploads(municipality, django_user_model, 120)
    first = administrator.get(URL).content.decode()
    assert first.count(".csv</a>") == 50 and "fil-119.csv" in first and "fil-69.csv" not in first
    nav = pager(first, UPLOAD_PAGES)
    assert '<span aria-current="page">Sida 1 av 3</span>' in nav
    assert 'href="?sida=2#history-caption">Nästa<' in nav and "Föregående" not in nav
    # No second list of fetches to page through: no second navigation.
    assert not pager(first, FETCH_PAGES)
    last = administrator.get(URL, {"sida": 3}).content.decode()
    assert last.count(".csv</a>") == 20 and "fil-0.csv" in last
    assert 'href="?sida=2#history-caption">Föregående<' in last and "Nästa" not in last


@pytest.mark.django_db
def test_fetches_are_shown_ten_a_page_and_each_list_keeps_the_others_page(
    administrator, municipality, django_user_model
):
    many_uploads(municipality, django_user_model, 60)
    many_fetches(35)
    page = administrator.get(URL, {"sida": 2, "hamtningar": 4}).content.decode()
    fetches = pager(page, FETCH_PAGES)
    assert '<span aria-current="page">Sida 4 av 4</span>' in fetches
    assert 'href="?sida=2&amp;hamtningar=3#feed-caption">Föregående<' in fetches
    uploads = pager(page, UPLOAD_PAGES)
    assert 'href="?hamtningar=4&amp;sida=1#history-caption">Föregående<' in uploads
    assert page.count(".csv</a>") == 10
    # The oldest five fetches: 30 to 34 imported.
    rows = re.findall(r"<td>Hämtad</td><td>(\d+)</td>", page)
    assert rows == ["30", "31", "32", "33", "34"]


@pytest.mark.parametrize(
    ("number", "shown"),
    [("abc", 1), ("0", 1), ("-3", 1), ("2.5", 1), ("%00", 1), ("", 1), ("99999999999999999999", 3)],
)
@pytest.mark.parametrize(("param", "label"), [("sida", UPLOAD_PAGES), ("hamtningar", FETCH_PAGES)])
@pytest.mark.django_db
def test_a_bad_page_number_gives_the_nearest_page(
    administrator, municipality, django_user_model, param, label, number, shown
):
    many_uploads(municipality, django_user_model, 101)
    many_fetches(21)
    response = administrator.get(f"{URL}?{param}={number}")
    assert response.status_code == 200
    nav = pager(response.content.decode(), label)
    assert f'<span aria-current="page">Sida {shown} av 3</span>' in nav


@pytest.mark.parametrize(
    ("make", "per_page"), [("uploads", 50), ("fetches", 10)], ids=["uploads", "fetches"]
)
@pytest.mark.django_db
def test_a_pages_queries_do_not_grow_with_the_rows(
    administrator, municipality, django_user_model, django_assert_max_num_queries, make, per_page
):
    def add(n):
        if make == "uploads":
            many_uploads(municipality, django_user_model, n)
        else:
            many_fetches(n)

    add(3)
    with django_assert_max_num_queries(50) as few:
        administrator.get(URL)
    # Three pages more, each row (an upload) by another uploader; the middle page is read.
    IncidentImport.objects.all().delete()
    FeedFetch.objects.all().delete()
    add(3 * per_page)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = administrator.get(URL, {"sida": 2, "hamtningar": 2}).content.decode()
    assert "Sida 2 av 3" in page


@pytest.mark.django_db
def test_access(client, council_reader, police_officer, municipality, django_user_model):
    assert client.get(URL).status_code == 302
    assert council_reader.get(URL).status_code == 403
    assert council_reader.post(URL, {}).status_code == 403
    assert police_officer.get(URL).status_code == 200


@pytest.mark.django_db
def test_another_municipalitys_import_is_not_found(case_handler, other_area):
    theirs = IncidentImport.objects.create(
        municipality=other_area.municipality, file_name="arjeplog.csv", data=GOOD.encode()
    )
    assert case_handler.get(f"{URL}{theirs.pk}/").status_code == 404
    assert case_handler.get(f"{URL}{theirs.pk}/status.json").status_code == 404
    assert case_handler.post(f"{URL}{theirs.pk}/", {"time": "Datum"}).status_code == 404
    assert "arjeplog.csv" not in case_handler.get(URL).content.decode()


@pytest.mark.django_db
def test_an_upload_in_another_municipality_is_imported_there_by_the_worker(
    case_handler, arjeplog, dummy_queue
):
    from tryggve.analytics.services import incident_import_run
    from tryggve.conftest import ARJEPLOG

    arjeplog.members.add(case_handler.user)
    content = (
        "Datum;Brottstyp;Latitud;Longitud\n"
        f"2026-11-20 22:15;Skadegörelse;{ARJEPLOG[0]};{ARJEPLOG[1]}\n"
        f"2026-11-21 01:40;Skadegörelse;{LAT};{LON}\n"
    )
    response = case_handler.post(
        f"/arjeplog{URL}", {"file": SimpleUploadedFile("a.csv", content.encode(), "text/csv")}
    )
    created = IncidentImport.objects.get()
    assert response["Location"] == f"/arjeplog{URL}{created.pk}/"
    mapping = {"time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Longitud"}
    assert case_handler.post(response["Location"], mapping).status_code == 302
    # The worker: no request, so no municipality chosen.
    incident_import_run(import_id=created.pk)
    created.refresh_from_db()
    # Arjeplog's row is Arjeplog's; the row in Arvidsjaur is refused by its line, never
    # added to Arvidsjaur's picture by Arjeplog's staff, and says where it lies.
    assert (created.imported, created.rejected) == (1, 1)
    assert list(Incident.objects.values_list("municipality_code", flat=True)) == ["2506"]
    assert created.rejections == ["rad 3: platsen ligger utanför kommunen, i Arvidsjaurs kommun"]


@pytest.mark.django_db
def test_rows_outside_the_municipality_are_refused_by_line(case_handler, municipality):
    content = (
        "Datum;Brottstyp;Latitud;Longitud\n"
        f"2026-11-20 22:15;Skadegörelse;{LAT};{LON}\n"
        "2026-11-21 01:40;Skadegörelse;59.3293;18.0686\n"
    )
    upload(case_handler, content)
    created = IncidentImport.objects.get()
    page = start(case_handler, created.pk, text="").content.decode()
    created.refresh_from_db()
    assert (created.imported, created.rejected) == (1, 1)
    assert "rad 3: platsen ligger utanför kommunen" in page
    assert Incident.objects.get().municipality_code == "2505"


@pytest.mark.parametrize(
    ("mapping", "field", "message"),
    [
        ({"lat": "", "lon": ""}, "lat", "en adress räcker inte"),
        ({"lon": ""}, "lon", "Välj också kolumnen för longitud."),
        ({"x": "Latitud", "y": "Longitud"}, "x", "inte båda"),
        ({"time": ""}, "time", "Välj kolumnen med tiden."),
        ({"type": ""}, "type", "Välj kolumnen med typen av händelse."),
    ],
)
@pytest.mark.django_db
def test_a_mapping_error_is_shown_next_to_its_field(
    case_handler, municipality, mapping, field, message
):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    response = start(case_handler, created.pk, **mapping)
    assert response.status_code == 400
    page = response.content.decode()
    error = page.split(f'id="id_{field}_error">', 1)[1].split("</div>", 1)[0]
    assert message in error
    # Nothing of the command line's mapping file ("lat" in quotes, "Kolumnmappningen").
    assert "Kolumnmappningen" not in page


def form_key(client) -> str:
    page = client.get(URL).content.decode()
    return page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]


def upload_with_key(client, key, content=GOOD, name="h.csv"):
    file = SimpleUploadedFile(name, content.encode(), "text/csv")
    return client.post(URL, {"file": file, "submission_key": key})


@pytest.mark.django_db
def test_a_double_submit_of_the_upload_keeps_one_file(case_handler, municipality):
    key = form_key(case_handler)
    answers = [upload_with_key(case_handler, key) for _ in range(2)]
    created = IncidentImport.objects.get()
    assert [a["Location"] for a in answers] == [f"{URL}{created.pk}/"] * 2
    # The same form sent back with another file (the back button) is a new upload.
    upload_with_key(case_handler, key, name="annan.csv")
    assert IncidentImport.objects.count() == 2


@pytest.mark.django_db
def test_the_form_sent_back_with_a_corrected_file_of_the_same_name_is_a_new_upload(
    case_handler, municipality
):
    key = form_key(case_handler)
    first = upload_with_key(case_handler, key)
    corrected = GOOD.replace("Krossad ruta i busskur", "Rättad rad")
    second = upload_with_key(case_handler, key, corrected)
    again = upload_with_key(case_handler, key, corrected)  # and a double click on that
    assert first["Location"] != second["Location"] == again["Location"]
    assert IncidentImport.objects.count() == 2
    page = case_handler.get(second["Location"]).content.decode()
    assert "Rättad rad" in page and "Krossad ruta" not in page


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs connections of their own at once"
)
@pytest.mark.django_db(transaction=True)
def test_three_posts_at_once_with_one_key_keep_one_upload(municipality, django_user_model):
    user = django_user_model.objects.create(username="samtidig")
    for round_ in range(10):
        key = uuid.uuid4()
        contents = [GOOD, GOOD, GOOD] if round_ % 2 else [GOOD, GOOD, GOOD + "\n"]
        barrier = threading.Barrier(len(contents))

        def post(data: str, key=key, barrier=barrier) -> int:
            try:
                barrier.wait()
                return uploads.incident_import_upload(
                    municipality=municipality,
                    uploaded_by=user,
                    file_name="h.csv",
                    data=data.encode(),
                    submission_key=key,
                ).pk
            finally:
                connection.close()

        with ThreadPoolExecutor(len(contents)) as pool:
            pks = list(pool.map(post, contents))
        assert pks[0] == pks[1]
        assert len(set(pks)) == len(set(contents))
        assert IncidentImport.objects.filter(pk__in=pks).count() == len(set(contents))


@pytest.mark.django_db
def test_an_unknown_type_names_the_field_on_the_page(case_handler, municipality):
    upload(case_handler, GOOD.replace("Skadegörelse", "Vattenskada"))
    created = IncidentImport.objects.get()
    page = start(case_handler, created.pk).content.decode()
    # On the result page the choice can no longer be made: the message only says why.
    assert "okänd typ &#x27;Vattenskada&#x27;: ingen brottsgrupp vald för den" in page


@pytest.mark.django_db
def test_a_time_in_the_future_is_refused_by_line(case_handler, municipality):
    # A mistyped year: a burglary "in 2062" would count as fresh and warn its neighbours.
    upload(case_handler, GOOD.replace("2026-11-21 01:40", "2062-11-21 01:40", 1))
    created = IncidentImport.objects.get()
    page = start(case_handler, created.pk).content.decode()
    assert "rad 3: tiden 2062-11-21 01:40 ligger i framtiden" in page
    assert not Incident.objects.filter(occurred_at__year=2062).exists()


# Reads of the file's rows are logged ------------------------------------------------------


@pytest.mark.django_db
def test_opening_the_preview_logs_who_read_which_file(case_handler, municipality):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    assert not AccessLog.objects.exists()  # the upload itself shows no row
    case_handler.get(f"{URL}{created.pk}/")
    log = AccessLog.objects.get()
    assert (log.actor, log.action) == (case_handler.user, AccessLog.Action.VIEW)
    assert log.subject == f"filimport {created.pk} (2505) första raderna: handelser.csv"
    # A mapping sent back with an error shows the rows again: read again.
    start(case_handler, created.pk, lat="", lon="")
    assert AccessLog.objects.count() == 2


@pytest.mark.django_db
def test_the_result_with_rejected_rows_is_logged_and_the_progress_is_not(
    case_handler, municipality, dummy_queue
):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    start(case_handler, created.pk)  # the mapping, then the progress page: no row shown
    assert AccessLog.objects.count() == 0
    from tryggve.analytics.services import incident_import_run

    incident_import_run(import_id=created.pk)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert "rad 6: position saknas" in page
    log = AccessLog.objects.get()
    assert log.actor == case_handler.user
    assert log.subject == f"filimport {created.pk} (2505) avvisade rader: handelser.csv"
    # A result without rejected rows holds nothing of the file.
    IncidentImport.objects.filter(pk=created.pk).update(rejections=[])
    case_handler.get(f"{URL}{created.pk}/")
    assert AccessLog.objects.count() == 1


def ours_and_theirs(ours, theirs, content: str) -> list[IncidentImport]:
    """An upload of our municipality and one of another, both waiting for their columns."""
    return [
        IncidentImport.objects.create(municipality=m, file_name=name, data=content.encode())
        for m, name in ((ours, "var.csv"), (theirs, "deras.csv"))
    ]


@pytest.mark.django_db
def test_a_refused_reader_is_not_logged(
    client, council_reader, staff_without_role, case_handler, other_area, municipality
):
    ours, theirs = ours_and_theirs(municipality, other_area.municipality, GOOD)
    assert client.get(f"{URL}{ours.pk}/").status_code == 302
    assert council_reader.get(f"{URL}{ours.pk}/").status_code == 403
    assert staff_without_role.get(f"{URL}{ours.pk}/").status_code == 403
    assert case_handler.get(f"{URL}{theirs.pk}/").status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_staff_of_another_served_municipality_are_not_logged(case_handler, arjeplog, municipality):
    # Arjeplog's upload, opened at Arjeplog's address by Arvidsjaur's case handler (no member).
    theirs = IncidentImport.objects.create(
        municipality=arjeplog, file_name="arjeplog.csv", data=GOOD.encode()
    )
    assert case_handler.get(f"/arjeplog{URL}{theirs.pk}/").status_code == 404
    assert not AccessLog.objects.exists()
    # A member reads it there, and the row names Arjeplog.
    arjeplog.members.add(case_handler.user)
    assert case_handler.get(f"/arjeplog{URL}{theirs.pk}/").status_code == 200
    assert AccessLog.objects.get().subject == (
        f"filimport {theirs.pk} (2506) första raderna: arjeplog.csv"
    )


# Types the importer does not recognise, mapped onto groups on the page --------------------

OWN_TYPES = (
    "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
    f"2026-11-20 22:15;Tagg;{LAT};{LON};Tags på skolans vägg\n"
    f"2026-11-20 23:15;tagg ;{LAT};{LON};Tags på busskuren\n"
    f"2026-11-21 01:40;Nedskräpning;{LAT};{LON};Sopor vid återvinningen\n"
    f"2026-11-21 02:40;Tjuvjakt;{LAT};{LON};Skott i skogen\n"
    f"2026-11-21 03:40;Skadegörelse;{LAT};{LON};Krossad ruta\n"
)

# The mapping page of OWN_TYPES as sent with "Tagg" put in vandalism.
KLOTTER_SENT = {
    "time": "Datum",
    "type": "Brottstyp",
    "lat": "Latitud",
    "lon": "Longitud",
    "types_column": "Brottstyp",
    type_field_name("Tagg"): "vandalism",
}


def type_select(page: str, value: str) -> str:
    """The select for one of the file's types, found by its label as a person would."""
    label = re.search(rf'<label for="(id_typ_[0-9a-f]+)">{re.escape(value)}', page)
    assert label, f"no select labelled {value!r}"
    return label.group(1).removeprefix("id_")


def uploaded(client, content) -> IncidentImport:
    upload(client, content)
    return IncidentImport.objects.latest("pk")


@pytest.mark.django_db
def test_a_mapped_type_imports_into_the_chosen_group(case_handler, municipality):
    created = uploaded(case_handler, OWN_TYPES)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    section = page.split("<legend>", 1)[1].split("</fieldset>", 1)[0]
    assert "Typer som inte känns igen" in section
    # The whole file counted, the spellings the importer takes as one merged, known types out.
    assert "Tagg (2 rader)" in section and "Nedskräpning (1 rad)" in section
    labels = re.findall(r'<label for="id_typ_[0-9a-f]+">([^<]*)</label>', section)
    assert labels == ["Tagg (2 rader)", "Nedskräpning (1 rad)", "Tjuvjakt (1 rad)"]
    assert section.count("<select") == 3
    assert '<option value="" selected>(avvisa raderna)</option>' in section
    assert 'name="types_column" value="Brottstyp"' in page
    assert type_select(page, "Tagg") == type_field_name("Tagg")

    page = start(
        case_handler,
        created.pk,
        **{type_field_name("Tagg"): "vandalism", type_field_name("Nedskräpning"): "disturbance"},
    ).content.decode()
    created.refresh_from_db()
    assert created.mapping["group"] == {"Tagg": "vandalism", "Nedskräpning": "disturbance"}
    assert (created.imported, created.rejected) == (4, 1)
    groups = dict(Incident.objects.values_list("summary", "offence_group"))
    assert groups["Tags på skolans vägg"] == groups["Tags på busskuren"] == "vandalism"
    assert groups["Sopor vid återvinningen"] == "disturbance"
    # Left at "avvisa raderna": rejected by its line, as before.
    assert "rad 5: okänd typ &#x27;Tjuvjakt&#x27;" in page
    assert 'id="result-imported">4<' in page


@pytest.mark.django_db
def test_an_unmapped_unknown_type_is_still_rejected_by_line(case_handler, municipality):
    created = uploaded(case_handler, OWN_TYPES)
    page = start(case_handler, created.pk).content.decode()
    created.refresh_from_db()
    assert (created.imported, created.rejected) == (1, 4)
    assert "group" not in created.mapping
    for line, value in ((2, "Tagg"), (3, "tagg"), (4, "Nedskräpning"), (5, "Tjuvjakt")):
        assert f"rad {line}: okänd typ &#x27;{value}&#x27;" in page


TWO_TYPE_COLUMNS = (
    "Datum;Brottstyp;Kategori;Latitud;Longitud\n"
    f"2026-11-20 22:15;Skadegörelse;Tagg;{LAT};{LON}\n"
    f"2026-11-21 01:40;Stöld;Cykelstöld;{LAT};{LON}\n"
)


@pytest.mark.django_db
def test_changing_the_type_column_lists_its_types_before_importing(case_handler, municipality):
    created = uploaded(case_handler, TWO_TYPE_COLUMNS)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert "Alla typer i kolumnen ”Brottstyp” känns igen." in page
    assert "<fieldset" not in page

    # The person picks the other column and sends the page listed for the first.
    response = start(case_handler, created.pk, type="Kategori", types_column="Brottstyp", text="")
    assert response.status_code == 400
    page = response.content.decode()
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED and not Incident.objects.exists()
    error = page.split('id="id_type_error">', 1)[1].split("</div>", 1)[0]
    assert "Typerna i kolumnen ”Kategori” visas nu under ”Typer som inte känns igen”" in error
    assert "Tagg (1 rad)" in page and "Cykelstöld (1 rad)" in page
    assert 'name="types_column" value="Kategori"' in page
    assert '<option value="Kategori" selected>' in page

    # Sent again, now listed for that column: imported with the groups chosen.
    start(
        case_handler,
        created.pk,
        type="Kategori",
        text="",
        **{type_field_name("Tagg"): "vandalism", type_field_name("Cykelstöld"): "theft"},
    )
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.DONE
    assert sorted(Incident.objects.values_list("type_label", "offence_group")) == [
        ("Cykelstöld", "theft"),
        ("Tagg", "vandalism"),
    ]


@pytest.mark.django_db
def test_changing_to_a_column_the_importer_knows_imports_at_once(case_handler, municipality):
    created = uploaded(case_handler, TWO_TYPE_COLUMNS)
    # Listed for "Kategori", sent with "Brottstyp": no type of it needs a group.
    start(case_handler, created.pk, type="Brottstyp", types_column="Kategori", text="")
    created.refresh_from_db()
    assert (created.status, created.imported) == (IncidentImport.Status.DONE, 2)


@pytest.mark.parametrize("listed", [None, "", "Ingen sådan kolumn", "x" * 5000])
@pytest.mark.django_db
def test_a_missing_or_forged_list_column_lists_again(case_handler, municipality, listed):
    created = uploaded(case_handler, OWN_TYPES)
    fields = {"time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Longitud"}
    if listed is not None:
        fields["types_column"] = listed
    response = case_handler.post(f"{URL}{created.pk}/", fields)
    assert response.status_code == 400
    assert 'name="types_column" value="Brottstyp"' in response.content.decode()
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED


@pytest.mark.parametrize(
    "fields",
    [
        {"group": "vandalism"},
        {"types_column": ["Brottstyp", "Latitud"]},
        {"type": "Finns inte", "types_column": "Finns inte"},
        {"default_group": "<b>", "typ_0000000000000000": "vandalism"},
    ],
)
@pytest.mark.django_db
def test_odd_fields_never_break_the_page(case_handler, municipality, fields):
    created = uploaded(case_handler, OWN_TYPES)
    data = KLOTTER_SENT | fields
    response = case_handler.post(f"{URL}{created.pk}/", data)
    assert response.status_code in (302, 400)
    created.refresh_from_db()
    if response.status_code == 302:
        assert created.mapping["group"] == {"Tagg": "vandalism"}
        assert "default_group" not in created.mapping


@pytest.mark.django_db
def test_a_group_that_does_not_exist_is_refused_next_to_its_select(case_handler, municipality):
    created = uploaded(case_handler, OWN_TYPES)
    name = type_field_name("Tagg")
    response = start(case_handler, created.pk, **{name: "<script>"})
    assert response.status_code == 400
    error = response.content.decode().split(f'id="id_{name}_error">', 1)[1].split("</div>")[0]
    assert "Välj ett giltigt alternativ" in error and "<script>" not in error
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED


@pytest.mark.django_db
def test_values_from_the_file_are_escaped(case_handler, municipality):
    hostile = '<img src=x onerror="alert(1)">'
    created = uploaded(case_handler, OWN_TYPES.replace("Tjuvjakt", hostile))
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (1 rad)" in page
    start(case_handler, created.pk, **{type_field_name(hostile): "other"})
    assert Incident.objects.get(type_label=hostile).offence_group == "other"
    # A column's name, said in the section's text and in the message beside the type.
    column = "<b>Kategori</b>"
    created = uploaded(case_handler, OWN_TYPES.replace("Beskrivning", column))
    response = start(case_handler, created.pk, type=column, types_column="Brottstyp", text="")
    page = response.content.decode()
    assert response.status_code == 400 and "<b>" not in page
    assert page.count("kolumnen ”&lt;b&gt;Kategori&lt;/b&gt;”") == 3  # summary, field, section


@pytest.mark.django_db
def test_a_long_value_is_shortened_on_the_page_and_mapped_by_its_whole_text(
    case_handler, municipality
):
    long_value = "Ä" + "ö" * 9_999
    # Two values alike in their first 100 characters, which the incident keeps of its type.
    twin = long_value[:-1] + "x"
    content = OWN_TYPES.replace("Tjuvjakt", long_value).replace("Nedskräpning", twin)
    created = uploaded(case_handler, content)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert "ö" * 100 not in page
    assert page.count(f"{long_value[:79]}… (1 rad)") == 2
    start(
        case_handler,
        created.pk,
        **{type_field_name(long_value): "theft", type_field_name(twin): ""},
    )
    created.refresh_from_db()
    assert created.mapping["group"] == {long_value: "theft"}
    assert (created.imported, created.rejected) == (2, 3)
    incident = Incident.objects.get(offence_group="theft")
    assert incident.type_label == long_value[:100]


@pytest.mark.django_db
def test_a_thousand_distinct_types_list_the_fifty_most_common(
    case_handler, municipality, django_assert_max_num_queries
):
    rows = [f"2026-11-20 22:15;Egen typ {n:04};{LAT};{LON};Rad {n}" for n in range(1000)]
    rows += [f"2026-11-21 22:1{n};Vanligast;{LAT};{LON};Igen {n}" for n in range(3)]
    header = "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
    created = uploaded(case_handler, header + "\n".join(rows))
    with django_assert_max_num_queries(20):
        page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    section = page.split("<legend>", 1)[1].split("</fieldset>", 1)[0]
    assert section.count("<select") == 51  # fifty types, and all the others together
    assert "Kolumnen har 1001 typer som inte känns igen. De 50 med flest rader" in section
    assert "de andra 951" in section
    labels = re.findall(r'<label for="id_typ_[0-9a-f]+">([^<]*)</label>', section)
    assert labels[0] == "Vanligast (3 rader)" and labels[-1] == "Egen typ 0048 (1 rad)"
    assert "Alla andra typer som inte känns igen" in section
    start(
        case_handler,
        created.pk,
        **{type_field_name("Vanligast"): "vandalism", "default_group": "other"},
    )
    created.refresh_from_db()
    assert created.mapping["default_group"] == "other"
    assert (created.imported, created.rejected) == (1003, 0)
    assert Incident.objects.filter(offence_group="vandalism").count() == 3


@pytest.mark.django_db
def test_sending_the_types_twice_imports_once(case_handler, municipality):
    created = uploaded(case_handler, OWN_TYPES)
    mapped = {type_field_name("Tagg"): "vandalism"}
    start(case_handler, created.pk, **mapped)
    again = start(case_handler, created.pk, **mapped | {type_field_name("Tjuvjakt"): "other"})
    assert again.status_code == 200
    created.refresh_from_db()
    assert (created.imported, created.rejected) == (3, 2)
    assert Incident.objects.count() == 3 and "Tjuvjakt" not in created.mapping["group"]


@pytest.mark.django_db
def test_types_cannot_be_mapped_by_the_wrong_people(
    client, council_reader, staff_without_role, case_handler, other_area, municipality
):
    ours, theirs = ours_and_theirs(municipality, other_area.municipality, OWN_TYPES)
    fields = KLOTTER_SENT
    assert client.post(f"{URL}{ours.pk}/", fields).status_code == 302
    assert council_reader.post(f"{URL}{ours.pk}/", fields).status_code == 403
    assert staff_without_role.post(f"{URL}{ours.pk}/", fields).status_code == 403
    assert case_handler.post(f"{URL}{theirs.pk}/", fields).status_code == 404
    assert council_reader.get(f"{URL}{ours.pk}/").status_code == 403
    for upload_row in (ours, theirs):
        upload_row.refresh_from_db()
        assert (upload_row.status, upload_row.mapping) == (IncidentImport.Status.UPLOADED, {})
    assert not Incident.objects.exists() and not AccessLog.objects.exists()


# The file's size on the mapping page ------------------------------------------------------


@pytest.mark.django_db
def test_a_row_of_many_cells_shows_as_many_as_the_header_has(case_handler, municipality):
    huge = f"2026-11-20 22:15;Inbrott;{LAT};{LON};Inbrott;" + ";".join(["extra"] * 100_000)
    upload(case_handler, GOOD + huge + "\n")
    created = IncidentImport.objects.get()
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert page.count("<td>") == 5 * 5 and "extra" not in page


# The mapping tried on the first rows before anything runs ---------------------------------


def error_of(page: str, field: str) -> str:
    return page.split(f'id="id_{field}_error">', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("mapping", "messages"),
    [
        (
            {"lon": "Latitud"},
            {
                "lat": "Samma kolumn är vald för ”Longitud (WGS84)”.",
                "lon": "Samma kolumn är vald för ”Latitud (WGS84)”.",
            },
        ),
        (
            {"time": "Brottstyp"},
            {
                "time": "Samma kolumn är vald för ”Typ av händelse”.",
                "type": "Samma kolumn är vald för ”Datum (och tid)”.",
            },
        ),
        # The id may not be another field's column; the description may.
        (
            {"id": "Datum", "text": "Brottstyp"},
            {
                "time": "Samma kolumn är vald för ”Id i källan”.",
                "id": "Samma kolumn är vald för ”Datum (och tid)”.",
            },
        ),
    ],
)
@pytest.mark.django_db
def test_one_column_for_two_fields_is_an_error_beside_each(
    case_handler, municipality, mapping, messages
):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    response = start(case_handler, created.pk, **mapping)
    assert response.status_code == 400
    page = response.content.decode()
    for field, message in messages.items():
        assert message in error_of(page, field)
    assert page.count("Samma kolumn är vald för") == 2 * len(messages)  # summary and field
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED


@pytest.mark.django_db
def test_the_service_refuses_one_column_for_two_fields_too(case_handler, municipality):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    mapping = {"time": "Datum", "type": "Brottstyp", "lat": "Latitud", "lon": "Latitud"}
    with pytest.raises(ValidationError) as refused:
        uploads.incident_import_start(incident_import=created, mapping=mapping)
    assert set(refused.value.message_dict) == {"lat", "lon"}
    assert "Kolumnen ”Latitud” är vald för två fält." in refused.value.message_dict["lat"]


MONTH_FIRST = (
    "Datum;Brottstyp;Latitud;Longitud\n"
    f"4/3/2026 22:15;Inbrott;{LAT};{LON}\n"
    f"5/3/2026 01:40;Skadegörelse;{LAT};{LON}\n"
)


@pytest.mark.parametrize(
    ("content", "mapping", "field", "message"),
    [
        (
            GOOD,
            {"time": "Beskrivning"},
            "time",
            "Ingen av filens 5 första rader med värden skulle importeras med de här kolumnerna: "
            "rad 2: "
            "tiden &#x27;Inbrott i villa, altandörr uppbruten&#x27; går inte att tolka; skriv "
            "till exempel 2026-03-04 22:15; rad 3: tiden &#x27;Krossad ruta i busskur&#x27;",
        ),
        (
            # Dates of numbers only, no order named: beside the order's select.
            MONTH_FIRST,
            {"text": ""},
            "date_order",
            "Datumen i filen har bara siffror och kan läsas både som dag/månad/år och som "
            "månad/dag/år. Välj datumordning.",
        ),
        (
            GOOD,
            {"x": "Latitud", "y": "Longitud", "lat": "", "lon": ""},
            "x",
            f"rad 2: SWEREF 99 TM-koordinaterna {LAT}, {LON} ligger inte i Sverige (de ser ut "
            "som latitud och longitud i WGS84)",
        ),
        (
            # Row 4 lacks a position: it says nothing of the columns and is passed over.
            "Datum;Brottstyp;Latitud;Longitud\n"
            f"inte en tid;Stöld;{LAT};{LON}\n"
            f"2026-11-20 22:15;Stöld;abc;{LON}\n"
            "2026-11-20 23:15;Stöld;;\n",
            {"text": ""},
            None,
            "Ingen av filens 2 första rader med värden skulle importeras med de här kolumnerna: "
            "rad 2: tiden &#x27;inte en tid&#x27; går inte att tolka; skriv till exempel "
            f"2026-03-04 22:15; rad 3: koordinaterna abc, {LON} är inte tal",
        ),
        (
            # SWEREF 99 TM in the WGS84 columns: the fields to choose, as the page labels them.
            "Datum;Brottstyp;Latitud;Longitud\n2026-11-20 22:15;Stöld;7281000;1721000\n",
            {"text": ""},
            "lat",
            "rad 2: koordinaterna 7281000, 1721000 ligger utanför jorden (SWEREF 99 TM? välj då "
            "kolumnerna som ”X, norrkoordinat (SWEREF 99 TM)” och ”Y, östkoordinat (SWEREF 99 "
            "TM)” i stället för latitud och longitud)",
        ),
        (
            # The columns of latitude and longitude swapped: inside the other way round.
            f"Datum;Brottstyp;Latitud;Longitud\n2026-11-20 22:15;Stöld;{LON};{LAT}\n",
            {"text": ""},
            "lat",
            "rad 2: platsen ligger utanför kommunen (latitud och longitud förväxlade?)",
        ),
    ],
    ids=[
        "time of text",
        "month first",
        "x/y of degrees",
        "reasons of several fields",
        "lat/lon of metres",
        "lat/lon swapped",
    ],
)
@pytest.mark.django_db
def test_a_mapping_none_of_the_first_rows_would_import_with_is_refused_before_it_runs(
    case_handler, municipality, content, mapping, field, message
):
    upload(case_handler, content)
    created = IncidentImport.objects.get()
    response = start(case_handler, created.pk, **mapping)
    assert response.status_code == 400
    page = response.content.decode()
    if field:
        assert message in error_of(page, field)
    else:  # rows refused for different fields' values: above the form, no field marked
        summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
        assert message in summary and "_error" not in page
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED and created.data
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_only_the_first_twenty_rows_are_tried(case_handler, municipality):
    bad = "".join(f"inte en tid;Stöld;{LAT};{LON};Cykel {n}\n" for n in range(20))
    content = GOOD.split("\n", 1)[0] + "\n" + bad + GOOD.split("\n", 1)[1]
    upload(case_handler, content)
    created = IncidentImport.objects.get()
    assert start(case_handler, created.pk).status_code == 400
    # The twentieth row would import: the mapping is right.
    upload(case_handler, content.replace("Cykel 18", "Cykel 18\n" + GOOD.split("\n")[1], 1))
    later = IncidentImport.objects.latest("pk")
    assert start(case_handler, later.pk).status_code == 200
    later.refresh_from_db()
    assert later.status == IncidentImport.Status.DONE and later.imported == 2


@pytest.mark.django_db
def test_excel_s_blank_columns_at_the_end_do_not_count(case_handler, municipality):
    """Excel writes a separator for every column ever touched: 250 blank names after four."""
    blanks = ";" * 250
    lines = [line + blanks for line in GOOD.splitlines()]
    response = upload(case_handler, "\n".join(lines) + "\n")
    assert response.status_code == 302
    created = IncidentImport.objects.get()
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert page.count("<th scope=\"col\">") == 5
    start(case_handler, created.pk)
    created.refresh_from_db()
    assert (created.status, created.imported) == (IncidentImport.Status.DONE, 2)


@pytest.mark.parametrize(
    ("first_rows", "rejected"),
    [
        ("".join(f"2026-11-21 01:40;Stöld;;;Cykel {n}\n" for n in range(25)), 25),
        ("".join(f"2026-11-21 01:40;Tjuvjakt;{LAT};{LON};Skott {n}\n" for n in range(25)), 25),
        ("".join(f"2026-11-21 01:40;Stöld;;;Cykel {n}\n" for n in range(1_500)), 1_500),
    ],
    ids=["no position", "a type given no group", "1,500 without a position"],
)
@pytest.mark.django_db
def test_rows_lacking_a_value_or_a_group_do_not_stop_a_good_file(
    case_handler, municipality, first_rows, rejected
):
    """What a row lacks, or a type staff chose to reject, says nothing of the columns: such
    rows are rejected by line, and the good rows after them are imported."""
    good = f"2026-11-22 01:40;Skadegörelse;{LAT};{LON};Ruta krossad\n"
    upload(case_handler, GOOD.split("\n", 1)[0] + "\n" + first_rows + good)
    created = IncidentImport.objects.get()
    assert start(case_handler, created.pk).status_code == 200
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.DONE
    assert (created.imported, created.rejected) == (1, rejected)


@pytest.mark.django_db
def test_a_file_beginning_with_other_places_is_imported_and_those_rows_rejected(
    case_handler, municipality
):
    """Where a row lies is the import's business: a police area's file may begin with a
    neighbour's rows, and refusing the mapping would refuse the file."""
    stockholm = "".join(f"2026-11-21 01:40;Stöld;59.3293;18.0686;Cykel {n}\n" for n in range(25))
    upload(case_handler, GOOD.split("\n", 1)[0] + "\n" + stockholm + GOOD.split("\n", 1)[1])
    created = IncidentImport.objects.get()
    start(case_handler, created.pk)
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.DONE
    assert (created.imported, created.rejected) == (2, 27)


# The result and Excel's files -------------------------------------------------------------


@pytest.mark.django_db
def test_the_result_says_when_it_lists_only_the_first_rejected_rows(case_handler, municipality):
    bad = "".join(f"inte en tid;Stöld;{LAT};{LON};Cykel {n}\n" for n in range(3_000))
    upload(case_handler, GOOD + bad)
    created = IncidentImport.objects.get()
    page = start(case_handler, created.pk).content.decode()
    created.refresh_from_db()
    assert created.rejected == 3_002
    assert "De första 1\xa0000 av 3\xa0002 avvisade raderna:" in page
    listed = page.split("De första", 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 1_000


@pytest.mark.django_db
def test_a_result_listing_every_rejected_row_says_nothing_of_the_first(case_handler, municipality):
    upload(case_handler, GOOD)
    page = start(case_handler, IncidentImport.objects.get().pk).content.decode()
    assert "rad 6: position saknas" in page and "De första" not in page


@pytest.mark.django_db
def test_excels_sep_line_is_skipped_and_its_delimiter_used(case_handler, municipality):
    # A comma file that says so, with a semicolon in its text; lines counted in the file.
    content = "sep=,\r\n" + GOOD.replace(";", ",").replace("uppbruten", "uppbruten; igen")
    content = content.replace("villa, altandörr", "villa och altandörr")
    response = upload(case_handler, content)
    created = IncidentImport.objects.get()
    page = case_handler.get(response["Location"]).content.decode()
    assert '<th scope="col">Brottstyp</th>' in page and "sep=" not in page
    page = start(case_handler, created.pk).content.decode()
    created.refresh_from_db()
    assert (created.imported, created.rejected) == (2, 2)
    assert "rad 6: tiden &#x27;inte en tid&#x27; går inte att tolka" in page
    assert Incident.objects.filter(summary="Inbrott i villa och altandörr uppbruten; igen").exists()


@pytest.mark.django_db
def test_staff_of_another_municipality_do_not_see_its_feed_calls(
    case_handler, arjeplog, municipality
):
    municipality.members.add(case_handler.user)
    shared_fetch()
    # Not a member of Arjeplog: its pages are not there for them (as for every staff page).
    response = case_handler.get(f"/arjeplog{URL}")
    assert response.status_code == 404
    assert 'id="feed-caption"' not in response.content.decode()


# Source systems and the trial of the first rows -------------------------------------------

NUMBERED = "Id;Datum;Brottstyp;Latitud;Longitud\n"


def trial_cells(page: str) -> list[str]:
    """The "Vid importen" cell of each row of the first rows' table."""
    return re.findall(r'<td class="trial trial-\w+">([^<]*)</td>', page)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Väktarbolaget i Norrbotten, larmcentralens logg", "högst 40 tecken (det har 47)"),
        ("Securitas:logg", "får bara innehålla bokstäver, siffror, mellanslag och tecknen _ - ."),
        ('<script>"x"</script>', "får bara innehålla bokstäver, siffror"),
    ],
    ids=["too long", "a colon", "markup"],
)
@pytest.mark.django_db
def test_a_bad_source_system_is_refused_beside_its_field_and_kept(
    case_handler, municipality, typed, message
):
    upload(case_handler, GOOD)
    created = IncidentImport.objects.get()
    response = start(case_handler, created.pk, system=typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in error_of(page, "system")
    # What was typed is still in the field, escaped, to be corrected rather than retyped.
    field = page.split('name="system"', 1)[1].split(">", 1)[0]
    assert f'value="{escape(typed)}"' in field
    assert "<script>" not in page.split("<main", 1)[1]
    created.refresh_from_db()
    assert created.status == IncidentImport.Status.UPLOADED and created.system == ""
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_two_systems_numbered_alike_both_import_when_named(case_handler, municipality):
    guards = NUMBERED + f"1;2026-11-20 22:15;Skadegörelse;{LAT};{LON}\n"
    own = NUMBERED + f"1;2026-10-02 08:00;Stöld;{LAT};{LON}\n"
    fields = {"id": "Id", "text": ""}
    upload(case_handler, guards)
    start(case_handler, IncidentImport.objects.latest("pk").pk, **fields)
    # Unnamed: the trial says so before anything is imported, and the import rejects it.
    upload(case_handler, own, name="egna.csv")
    second = IncidentImport.objects.latest("pk")
    page = case_handler.get(f"{URL}{second.pk}/").content.decode()
    assert trial_cells(page)[0].startswith("Avvisas: id 1 finns redan med en annan tid/typ – ")
    response = start(case_handler, second.pk, **fields)
    second.refresh_from_db()
    assert (second.imported, second.duplicates, second.rejected) == (0, 0, 1)
    assert (
        "rad 2: id 1 finns redan med en annan tid/typ – är filen från ett annat system? "
        "Ange källsystem."
    ) in response.content.decode()
    # Named, it imports beside the first; the import keeps the name.
    upload(case_handler, own, name="egna-igen.csv")
    third = IncidentImport.objects.latest("pk")
    start(case_handler, third.pk, system=" Händelse rapport ", **fields)
    third.refresh_from_db()
    assert (third.system, third.imported, third.rejected) == ("Händelse rapport", 1, 0)
    assert Incident.objects.count() == 2


@pytest.mark.django_db
def test_the_trial_shows_rows_outside_the_municipality_before_the_import(
    case_handler, municipality
):
    content = (
        "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
        f"2026-11-20 22:15;Skadegörelse;{LAT};{LON};Krossad ruta\n"
        "2026-11-21 01:40;Skadegörelse;59.3293;18.0686;I Stockholm\n"
        f"inte en tid;Stöld;{LAT};{LON};Cykel\n"
    )
    upload(case_handler, content)
    created = IncidentImport.objects.get()
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert '<th scope="col" class="trial">Vid importen</th>' in page
    assert trial_cells(page) == [
        "Importeras i gruppen Skadegörelse",
        "Avvisas: platsen ligger utanför kommunen",
        "Avvisas: tiden &#x27;inte en tid&#x27; går inte att tolka; skriv till exempel "
        "2026-03-04 22:15",
    ]
    # The row outside is the one the import rejects, by the same rule.
    start(case_handler, created.pk)
    created.refresh_from_db()
    assert created.rejections[0] == "rad 3: platsen ligger utanför kommunen"


@pytest.mark.django_db
def test_a_spreadsheets_totals_row_is_skipped_and_said_so(case_handler, municipality):
    # As a spreadsheet saves a table with its sum below: the number falls in the type column.
    content = (
        "Datum;Latitud;Longitud;Brottstyp;Beskrivning\n"
        f"2026-11-20 22:15;{LAT};{LON};Tagg;Tags på skolan\n"
        f"2026-11-21 01:40;{LAT};{LON};Skadegörelse;Krossad ruta\n"
        "Summa;;;2;\n"
    )
    created = uploaded(case_handler, content)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    # The types offered to map: the file's own, never the sum's "2" nor "Summa".
    section = page.split("<legend>", 1)[1].split("</fieldset>", 1)[0]
    labels = re.findall(r'<label for="id_typ_[0-9a-f]+">([^<]*)</label>', section)
    assert labels == ["Tagg (1 rad)"]
    page = start(case_handler, created.pk, **{type_field_name("Tagg"): "vandalism"})
    page = page.content.decode()
    created.refresh_from_db()
    assert (created.imported, created.rejected, created.skipped) == (2, 0, 1)
    assert created.rejections == []
    assert 'id="result-skipped">1<' in page
    assert "Summarader (hoppades över, inga händelser)" in page


@pytest.mark.django_db
def test_the_trial_says_a_totals_row_is_skipped(case_handler, municipality):
    content = (
        "Datum;Brottstyp;Latitud;Longitud;Beskrivning\n"
        f"2026-11-20 22:15;Skadegörelse;{LAT};{LON};Krossad ruta\n"
        "Totalt;1;;;\n"
    )
    created = uploaded(case_handler, content)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert trial_cells(page) == [
        "Importeras i gruppen Skadegörelse",
        "Hoppas över: summarad, ingen händelse",
    ]


@pytest.mark.django_db
def test_the_trial_follows_the_columns_and_system_sent_back(case_handler, municipality):
    """A page sent back (here for a bad system) tries the rows with what was chosen: x/y
    of degrees rejects every row; the system's id is a known one's, not a clash."""
    upload(case_handler, NUMBERED + f"1;2026-11-20 22:15;Skadegörelse;{LAT};{LON}\n")
    start(case_handler, IncidentImport.objects.get().pk, id="Id", text="")
    upload(case_handler, NUMBERED + f"1;2026-10-02 08:00;Stöld;{LAT};{LON}\n", name="b.csv")
    second = IncidentImport.objects.latest("pk")
    page = start(case_handler, second.pk, id="Id", text="", system="a:b").content.decode()
    assert trial_cells(page)[0].startswith("Avvisas: id 1 finns redan med en annan tid/typ")
    # Sent back with the columns still wrong: tried with them, not with the guess.
    page = start(case_handler, second.pk, id="Id", text="", system="Egna", time="Id").content
    assert trial_cells(page.decode())[0].startswith("Avvisas: tiden &#x27;1&#x27;")
    # A mapping that cannot be read shows the rows as they stand, without the column.
    page = start(case_handler, second.pk, lat="", lon="", system="Egna").content.decode()
    assert 'class="trial">Vid importen</th>' not in page and "2026-10-02 08:00" in page


@pytest.mark.django_db
def test_the_trial_of_a_named_system_says_what_is_there_already(case_handler, municipality):
    content = NUMBERED + f"1;2026-11-20 22:15;Skadegörelse;{LAT};{LON}\n"
    upload(case_handler, content)
    start(case_handler, IncidentImport.objects.get().pk, id="Id", text="", system="Vakt")
    upload(case_handler, content, name="igen.csv")
    again = IncidentImport.objects.latest("pk")
    # Sent back for another field: the system typed is tried, case aside.
    response = start(case_handler, again.pk, id="Id", text="", system="vakt", default_group="x")
    assert response.status_code == 400
    assert trial_cells(response.content.decode()) == ["Finns redan (dubblett)"]
    # A refused system is tried as none: the bare id 1 is not there, so the row would import.
    page = start(case_handler, again.pk, id="Id", text="", system="vakt:").content.decode()
    assert trial_cells(page) == ["Importeras i gruppen Skadegörelse"]


def with_stray_quote(rows: int, stray: int) -> str:
    """`rows` rows of the upload's columns, row `stray` (from 0, on line stray + 2) with a
    quote opened before its type and never closed."""
    lines = ["Datum;Brottstyp;Latitud;Longitud;Beskrivning"]
    for n in range(rows):
        kind = '"Stöld' if n == stray else "Stöld"
        time = f"2026-02-{n % 28 + 1:02d} {n % 24:02d}:{n // 24:02d}"
        lines.append(f"{time};{kind};{LAT};{LON};snö {n}")
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_a_stray_quote_rejects_its_row_and_the_rows_after_it_are_imported(
    case_handler, municipality
):
    created = uploaded(case_handler, with_stray_quote(300, 1))
    unclosed = escape('ett citattecken (") öppnas men stängs aldrig; raden lästes inte')
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert f"Avvisas: {unclosed}" in page  # the trial of the first rows
    assert "snö 2" in page
    page = start(case_handler, created.pk).content.decode()
    created.refresh_from_db()
    assert (created.imported, created.duplicates, created.rejected) == (299, 0, 1)
    assert Incident.objects.count() == 299
    assert f"rad 3: {unclosed}" in page
    assert 'id="result-imported">299<' in page


@pytest.mark.django_db
def test_a_utf8_file_with_a_windows_1252_row_is_read_right_throughout(case_handler, municipality):
    rows = "".join(
        f"2025-03-{d % 28 + 1:02d} 12:{d // 28:02d};Skadegörelse;{LAT};{LON};klotter på förskolan\n"
        for d in range(200)
    )
    data = ("Datum;Brottstyp;Latitud;Longitud;Beskrivning\n" + rows).encode() + (
        f"2025-03-05 13:00;Stöld;{LAT};{LON};Östra\n".encode("cp1252")
    )
    created = uploaded(case_handler, data)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert "klotter på förskolan" in page and "Ã" not in page
    assert 'for="id_typ_' not in page  # no type the importer does not know
    start(case_handler, created.pk)
    created.refresh_from_db()
    assert (created.imported, created.rejected) == (201, 0)
    assert set(Incident.objects.values_list("summary", flat=True)) == {
        "klotter på förskolan",
        "Östra",
    }


@pytest.mark.django_db
def test_blank_lines_before_the_header_are_passed_over(case_handler, municipality):
    created = uploaded(case_handler, "\n\r\n;;;;\n" + GOOD)
    page = start(case_handler, created.pk).content.decode()
    created.refresh_from_db()
    assert (created.imported, created.duplicates, created.rejected) == (2, 1, 2)
    assert "rad 8: tiden &#x27;inte en tid&#x27; går inte att tolka" in page  # the file's lines

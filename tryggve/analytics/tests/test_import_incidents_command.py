"""The import_incidents management command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tryggve.analytics.management.commands.import_incidents import Command
from tryggve.analytics.models import Incident, IncidentImport
from tryggve.conftest import ARJEPLOG, CENTRUM


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_incidents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return str(path)


@pytest.mark.django_db
def test_real_police_sample_twice(police_sample):
    # The nationwide sample: Arvidsjaur's 3 events and Norrbotten's 14 county-wide ones
    # are kept; the other 483 are of places this deployment does not serve.
    out, err = run("--format", "polisen", str(police_sample))
    assert out == "imported=17 duplicates=0 rejected=0 outside=483\n"
    assert err == ""

    out, _ = run("--format", "polisen", str(police_sample))
    assert out == "imported=0 duplicates=17 rejected=0 outside=483\n"
    assert Incident.objects.count() == 17
    assert not Incident.objects.filter(synthetic=True).exists()


def test_an_import_is_recorded_in_the_history(municipality, police_sample, tmp_path):
    run("--format", "polisen", str(police_sample))
    path = write(tmp_path, "egna.csv", "time;lat;lon;type\n2026-08-01 22:15;59,33;18,06;Stöld\n")
    run("--format", "csv", path)
    polisen, csv = IncidentImport.objects.order_by("pk")
    assert (polisen.municipality, polisen.via, polisen.uploaded_by) == (
        municipality,
        IncidentImport.Via.COMMAND,
        None,
    )
    assert (polisen.file_name, polisen.status) == (police_sample.name, IncidentImport.Status.DONE)
    counts = (polisen.imported, polisen.duplicates, polisen.rejected, polisen.outside)
    assert counts == (17, 0, 0, 483)
    assert (polisen.total_rows, polisen.percent, bytes(polisen.data)) == (500, 100, b"")
    assert (csv.file_name, csv.rejected, csv.rejections) == (
        "egna.csv",
        1,
        ["rad 2: platsen ligger utanför kommunen"],
    )


def test_csv_rows_outside_the_municipality_are_rejected_by_line(municipality, tmp_path):
    path = write(
        tmp_path,
        "blandat.csv",
        f"time;lat;lon;type\n2026-08-01 22:15;{CENTRUM[0]};{CENTRUM[1]};Stöld\n"
        "2026-08-01 23:15;59,33;18,06;Stöld\n",  # Stockholm
    )
    out, err = run("--format", "csv", path)
    assert out == "imported=1 duplicates=0 rejected=1 outside=0\n"
    assert err == "rad 3: platsen ligger utanför kommunen\n"
    assert list(Incident.objects.values_list("municipality_code", flat=True)) == ["2505"]


def test_a_mapping_file_chooses_the_second_of_two_columns_of_one_name(municipality, tmp_path):
    """Two "Datum" columns: the second is "Datum (2)", as the upload page offers it."""
    path = write(
        tmp_path,
        "tva.csv",
        "Datum;Datum;Typ;Lat;Lon\n"
        f"2026-08-01 22:15;2026-08-03 09:00;Stöld;{CENTRUM[0]};{CENTRUM[1]}\n",
    )
    mapping = {"time": "Datum (2)", "type": "Typ", "lat": "Lat", "lon": "Lon"}
    mapping_path = write(tmp_path, "m.json", json.dumps(mapping))
    out, err = run("--format", "csv", path, "--mapping", mapping_path)
    assert (out, err) == ("imported=1 duplicates=0 rejected=0 outside=0\n", "")
    assert Incident.objects.get().occurred_at.isoformat() == "2026-08-03T07:00:00+00:00"


def test_the_commands_hints_name_its_mapping_keys_and_where_a_row_lies(municipality, tmp_path):
    path = write(
        tmp_path,
        "fel.csv",
        "time;lat;lon;type\n"
        "2026-08-01 22:15;7281000;1721000;Stöld\n"  # SWEREF 99 TM in the WGS84 columns
        f"2026-08-01 22:15;{CENTRUM[1]};{CENTRUM[0]};Stöld\n"  # swapped
        f"2026-08-01 22:15;{ARJEPLOG[0]};{ARJEPLOG[1]};Stöld\n",  # Arjeplog's
    )
    _out, err = run("--format", "csv", path)
    assert err.splitlines() == [
        'rad 2: koordinaterna 7281000, 1721000 ligger utanför jorden (SWEREF 99 TM? ange då "x" '
        'och "y" i kolumnmappningen)',
        "rad 3: platsen ligger utanför kommunen (latitud och longitud förväxlade?)",
        "rad 4: platsen ligger utanför kommunen, i Arjeplogs kommun",
    ]


@pytest.mark.django_db
def test_csv_without_the_municipality_s_boundary_is_refused(tmp_path):
    path = write(tmp_path, "a.csv", "time;lat;lon;type\n2026-08-01 22:15;59,33;18,06;Stöld\n")
    with pytest.raises(CommandError, match="Kommunen 2505 finns inte i databasen"):
        run("--format", "csv", path)
    assert not Incident.objects.exists()


def test_a_municipality_not_served_is_refused(municipality, tmp_path):
    # Arjeplog's row is there, but routing is off: Arvidsjaur alone is served.
    path = write(tmp_path, "a.csv", "time;lat;lon;type\n2026-08-01 22:15;66,05;17,89;Stöld\n")
    with pytest.raises(CommandError, match="Kommunen 2506 betjänas inte här.*2505"):
        run("--format", "csv", path, "--municipality", "2506")
    assert not Incident.objects.exists()
    assert not IncidentImport.objects.exists()


def test_csv_of_another_served_municipality(arjeplog, tmp_path):
    path = write(
        tmp_path,
        "arjeplog.csv",
        f"time,lat,lon,type\n2026-08-01 22:15,{ARJEPLOG[0]},{ARJEPLOG[1]},Stöld\n",
    )
    out, _ = run("--format", "csv", path)  # Arvidsjaur's, by default: not there
    assert out == "imported=0 duplicates=0 rejected=1 outside=0\n"
    out, _ = run("--format", "csv", path, "--municipality", "2506")
    assert out == "imported=1 duplicates=0 rejected=0 outside=0\n"
    incident = Incident.objects.get()
    assert (incident.municipality_code, incident.area.municipality) == ("2506", arjeplog)
    assert IncidentImport.objects.filter(municipality=arjeplog, imported=1).exists()


def test_csv_with_bad_rows_keeps_the_good_ones(municipality, tmp_path):
    path = write(
        tmp_path,
        "händelser.csv",
        "time;lat;lon;type\n"
        "2026-08-01 22:15;65,59;19,18;Stöld\n"
        "igår;65,59;19,18;Stöld\n"
        "2026-08-01 23:15;65,59;19,18;Tjuvjakt\n"
        "2026-08-02 01:00;65,59;19,18;Brand\n",
    )
    out, err = run("--format", "csv", path)
    assert out == "imported=2 duplicates=0 rejected=2 outside=0\n"
    lines = err.splitlines()
    assert lines[0].startswith("rad 3: tiden 'igår'")
    assert lines[1].startswith("rad 4: okänd typ 'Tjuvjakt'")
    # How to give a type a group from the command line, once, after the rows.
    assert lines[-1].startswith('Typer utan brottsgrupp: lägg till dem under "group"')
    assert len(lines) == 3

    out, _ = run("--format", "csv", path)
    assert out == "imported=0 duplicates=2 rejected=2 outside=0\n"


@pytest.mark.django_db
def test_a_totals_row_is_counted_as_skipped_not_rejected(municipality, tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "time;lat;lon;type\n"
        "2026-08-01 22:15;65,59;19,18;Stöld\n"
        "2026-08-02 01:00;65,59;19,18;Brand\n"
        "Summa;;;2\n",
    )
    out, err = run("--format", "csv", path)
    assert (out, err) == ("imported=2 duplicates=0 rejected=0 outside=0 skipped=1\n", "")
    record = IncidentImport.objects.get()
    assert (record.imported, record.rejected, record.skipped, record.total_rows) == (2, 0, 1, 3)


@pytest.mark.django_db
def test_numeric_dates_are_read_in_the_order_the_mapping_names(municipality, tmp_path):
    lat, lon = CENTRUM
    path = write(
        tmp_path, "skola.csv", f"Datum;Typ;Lat;Lon\n05/03/2026 14:30;Klotter;{lat};{lon}\n"
    )
    columns = {"time": "Datum", "type": "Typ", "lat": "Lat", "lon": "Lon"}
    mapping = write(tmp_path, "m.json", json.dumps(columns))
    out, err = run("--format", "csv", path, "--mapping", mapping)
    assert out == "imported=0 duplicates=0 rejected=1 outside=0\n"
    # After the row, once: how to name the order from the command line.
    assert err.splitlines()[-1].startswith('Datum med bara siffror: ange "date_order"')
    mapping = write(tmp_path, "m.json", json.dumps(columns | {"date_order": "dmy"}))
    out, _ = run("--format", "csv", path, "--mapping", mapping)
    assert out == "imported=1 duplicates=0 rejected=0 outside=0\n"
    assert Incident.objects.get().occurred_at.isoformat() == "2026-03-05T13:30:00+00:00"
    # The wrong order for a file with a date only the other order reads: nothing saved.
    later = write(
        tmp_path, "mer.csv",
        f"Datum;Typ;Lat;Lon\n06/03/2026 14:30;Klotter;{lat};{lon}\n"
        f"13/03/2026 14:30;Klotter;{lat};{lon}\n",
    )
    mapping = write(tmp_path, "m.json", json.dumps(columns | {"date_order": "mdy"}))
    with pytest.raises(CommandError, match="Rad 3 har tiden '13/03/2026 14:30', som bara"):
        run("--format", "csv", later, "--mapping", mapping)
    assert Incident.objects.count() == 1


def test_csv_with_mapping_and_synthetic(municipality, tmp_path):
    data = "Datum,Lat,Lon,Brottstyp,Beskrivning,Id\n" + (
        f"2026-08-01 22:15,{CENTRUM[0]},{CENTRUM[1]},Klotter,Tagg på skolan,1\n"
    )
    mapping = {
        "time": "Datum",
        "lat": "Lat",
        "lon": "Lon",
        "type": "Brottstyp",
        "text": "Beskrivning",
        "id": "Id",
        "group": {"Klotter": "vandalism"},
    }
    path = write(tmp_path, "demo.csv", data.encode("cp1252"))
    mapping_path = write(tmp_path, "mapping.json", json.dumps(mapping))
    out, _ = run("--format", "csv", path, "--mapping", mapping_path, "--synthetic")
    assert out == "imported=1 duplicates=0 rejected=0 outside=0\n"
    incident = Incident.objects.get()
    assert incident.synthetic
    assert (incident.offence_group, incident.area.name) == ("vandalism", "Centrum")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "{tmp}/saknas.csv"], "Kunde inte läsa"),
        (["--format", "polisen", "{tmp}/bad.json"], "inte giltig JSON"),
        (["--format", "polisen", "{tmp}/object.json"], "JSON-lista"),
        (["--format", "polisen", "{tmp}/object.json", "--mapping", "{tmp}/m.json"], "--mapping"),
        (["--format", "csv", "{tmp}/ok.csv", "--mapping", "{tmp}/bad.json"], "inte giltig JSON"),
        (["--format", "csv", "{tmp}/ok.csv", "--mapping", "{tmp}/m.json"], "Tid"),
        (["--format", "csv", "{tmp}/nohead.csv"], "type"),
        # The same refusals as the web upload's (`importers.not_text`).
        (["--format", "csv", "{tmp}/utf16.csv"], "kan inte läsas som text"),
        (["--format", "csv", "{tmp}/book.csv"], "Excel-fil, inte CSV"),
    ],
)
def test_unusable_input_is_a_clear_command_error(municipality, tmp_path, args, message):
    write(tmp_path, "bad.json", "[{")
    write(tmp_path, "object.json", '{"events": []}')
    write(tmp_path, "ok.csv", "time,lat,lon,type\n2026-08-01,65.59,19.18,Stöld\n")
    write(tmp_path, "nohead.csv", "2026-08-01,65.59,19.18,Stöld\n")
    utf16 = "time,lat,lon,type\n2026-08-01,65.59,19.18,Stöld\n".encode("utf-16-le")
    write(tmp_path, "utf16.csv", utf16)
    write(tmp_path, "book.csv", b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml")
    write(tmp_path, "m.json", json.dumps({"time": "Tid", "lat": "A", "lon": "B", "type": "K"}))
    with pytest.raises(CommandError, match=message):
        run(*[arg.format(tmp=tmp_path) for arg in args])
    assert not Incident.objects.exists()


def test_progress_on_long_files(municipality, tmp_path, monkeypatch):
    monkeypatch.setattr(Command, "long_file", 5)
    monkeypatch.setattr(Command, "progress_every", 2)
    rows = "".join(f"2026-08-{day:02d},65.59,19.18,Stöld\n" for day in range(1, 11))
    out, err = run("--format", "csv", write(tmp_path, "long.csv", "time,lat,lon,type\n" + rows))
    assert out == "imported=10 duplicates=0 rejected=0 outside=0\n"
    assert "av cirka 11 rader" in err
    assert out.count("\n") == 1


def test_no_progress_on_short_files_in_a_log(municipality, tmp_path):
    _, err = run("--format", "csv", write(tmp_path, "a.csv", "time,lat,lon,type\n"))
    assert err == ""


def test_system_keeps_two_systems_numbered_alike_apart(municipality, tmp_path):
    lat, lon = CENTRUM
    guards = write(
        tmp_path, "vakt.csv", f"id;time;lat;lon;type\n1;2026-08-01 22:15;{lat};{lon};Stöld\n"
    )
    own = write(
        tmp_path, "egen.csv", f"id;time;lat;lon;type\n1;2026-07-02 08:00;{lat};{lon};Brand\n"
    )
    assert run("--format", "csv", guards)[0] == "imported=1 duplicates=0 rejected=0 outside=0\n"
    # Unnamed, the second system's id 1 is refused by line, not counted as a duplicate.
    out, err = run("--format", "csv", own)
    assert out == "imported=0 duplicates=0 rejected=1 outside=0\n"
    assert err.startswith("rad 2: id 1 finns redan med en annan tid/typ – ")
    assert "Ange källsystem." in err
    out, err = run("--format", "csv", own, "--system", "Händelserapport")
    assert (out, err) == ("imported=1 duplicates=0 rejected=0 outside=0\n", "")
    out, _ = run("--format", "csv", own, "--system", "händelserapport")
    assert out == "imported=0 duplicates=1 rejected=0 outside=0\n"
    systems = list(IncidentImport.objects.order_by("pk").values_list("system", flat=True))
    assert systems == ["", "", "Händelserapport", "händelserapport"]
    assert Incident.objects.filter(external_id="händelserapport:1").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--system", "a" * 41], "--system: Källsystemets namn får vara högst 40 tecken"),
        (["--system", "Vakt/bolag"], "--system: Källsystemets namn får bara innehålla"),
        (["--format", "polisen", "--system", "Polisen"], "--system gäller bara --format csv"),
    ],
)
def test_a_bad_system_is_a_clear_command_error(municipality, tmp_path, args, message):
    path = write(tmp_path, "a.csv", "time;lat;lon;type\n2026-08-01 22:15;59,33;18,06;Stöld\n")
    fmt = [] if "--format" in args else ["--format", "csv"]
    with pytest.raises(CommandError, match=message):
        run(*fmt, *args, path)
    assert not IncidentImport.objects.exists()


def test_csv_with_a_stray_quote_rejects_its_row_and_imports_the_rest(municipality, tmp_path):
    rows = [f"2026-08-{n % 28 + 1:02d} {n % 24:02d}:00;Stöld;65,59;19,18;R{n}" for n in range(100)]
    rows[10] = rows[10].replace(";Stöld;", ';"Stöld;')
    path = write(tmp_path, "citat.csv", "time;type;lat;lon;id\n" + "\n".join(rows) + "\n")
    out, err = run("--format", "csv", path)
    assert out == "imported=99 duplicates=0 rejected=1 outside=0\n"
    assert err == 'rad 12: ett citattecken (") öppnas men stängs aldrig; raden lästes inte\n'
    assert Incident.objects.count() == 99


def test_a_mapping_file_in_utf16_with_its_byte_order_mark_is_read(municipality, tmp_path):
    path = write(tmp_path, "h.csv", "Tid;Typ;Lat;Lon\n2026-08-01;Stöld;65,59;19,18\n")
    mapping = {"time": "Tid", "type": "Typ", "lat": "Lat", "lon": "Lon"}
    mapping_path = write(tmp_path, "m.json", json.dumps(mapping).encode("utf-16"))
    out, _ = run("--format", "csv", path, "--mapping", mapping_path)
    assert out == "imported=1 duplicates=0 rejected=0 outside=0\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"time": "Händelsetid"}'.encode("utf-16-le"), "är inte text i UTF-8"),
        ("\n".encode("utf-16-le"), "är inte text i UTF-8"),
        (b"[" * 200_000, "är för djupt nästlad"),
        (b'{"time": ' * 100_000, "är för djupt nästlad"),
    ],
    ids=["utf-16-without-bom", "nul", "nested-lists", "nested-objects"],
)
def test_an_unreadable_mapping_file_is_a_one_line_command_error(
    municipality, tmp_path, content, message
):
    path = write(tmp_path, "h.csv", "time;type;lat;lon\n2026-08-01;Stöld;65,59;19,18\n")
    mapping_path = write(tmp_path, "m.json", content)
    with pytest.raises(CommandError, match=message) as error:
        run("--format", "csv", path, "--mapping", mapping_path)
    assert "\n" not in str(error.value) and str(error.value).startswith("Kolumnmappningen")
    assert not Incident.objects.exists()


# Police-format files: unreadable ones, and whose history each event's counts go to -------


def test_a_police_file_nested_too_deep_is_one_clear_line(municipality, tmp_path):
    path = write(tmp_path, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(CommandError) as failure:
        run("--format", "polisen", path)
    message = str(failure.value)
    assert message.startswith(f"{path}: Filen är inte giltig JSON") and "\n" not in message
    assert not IncidentImport.objects.exists() and not Incident.objects.exists()


def test_municipality_is_for_csv_files_only(municipality, tmp_path):
    path = write(tmp_path, "handelser.json", "[]")
    with pytest.raises(CommandError, match="--municipality gäller bara --format csv"):
        run("--format", "polisen", path, "--municipality", "2505")


def police_event(number, place, when="2026-11-28 20:00:00 +01:00", **changes):
    return {
        "id": number,
        "datetime": when,
        "name": f"28 november 20.00, Stöld, {place}",
        "summary": f"Stöld hos Anna Andersson i {place}",
        "url": "/x",
        "type": "Stöld",
        "location": {"name": place, "gps": "66.05,17.89"},
    } | changes


# The attacker trial's file: seven events of Arjeplog (a summary naming a person) and one of
# Arjeplog that cannot be read.
ARJEPLOG_ONLY = [police_event(700000 + n, "Arjeplog") for n in range(7)] + [
    {"id": 700100, "datetime": "bad", "name": "28 november 20.00, Stöld, Arjeplog", "type": "Stöld"}
]


def test_a_police_file_is_recorded_in_the_history_of_the_municipality_whose_events_it_has(
    arjeplog, tmp_path
):
    path = write(tmp_path, "arjeplog.json", json.dumps(ARJEPLOG_ONLY))
    out, _err = run("--format", "polisen", path)
    assert out == "imported=7 duplicates=0 rejected=1 outside=0\n"
    (record,) = IncidentImport.objects.all()
    assert record.municipality == arjeplog
    assert (record.imported, record.duplicates, record.rejected) == (7, 0, 1)
    assert record.rejections == ["händelse 8 (id 700100): tiden 'bad' går inte att tolka"]
    # Arvidsjaur's history: nothing of it.
    assert not IncidentImport.objects.filter(municipality__code="2505").exists()


def test_a_police_file_of_two_municipalities_gives_each_its_own_share(arjeplog, tmp_path):
    events = [
        police_event(1, "Arvidsjaur"),
        police_event(2, "Arvidsjaur", when="2099-01-01 00:00:00 +01:00"),
        police_event(3, "Arjeplog"),
        police_event(4, "Arjeplog"),
        police_event(5, "Arjeplog", when="igår"),
        # The police's county-wide event concerns both; Malmö's neither.
        police_event(6, "Norrbottens län"),
        police_event(7, "Malmö"),
    ]
    path = write(tmp_path, "norrbotten.json", json.dumps(events))
    out, _err = run("--format", "polisen", path)
    assert out == "imported=4 duplicates=0 rejected=2 outside=1\n"
    rows = {
        r.municipality.code: (r.imported, r.duplicates, r.rejected, r.outside, r.rejections)
        for r in IncidentImport.objects.select_related("municipality")
    }
    ahead = "händelse 2 (id 2): tiden 2099-01-01 00:00:00 +01:00 ligger i framtiden"
    assert rows == {
        "2505": (2, 0, 1, 1, [ahead]),
        "2506": (3, 0, 1, 1, ["händelse 5 (id 5): tiden 'igår' går inte att tolka"]),
    }
    assert Incident.objects.filter(external_id="2").exists() is False

    run("--format", "polisen", path)  # again: each its own duplicates
    again = IncidentImport.objects.order_by("-pk")[:2]
    assert {(r.municipality.code, r.imported, r.duplicates) for r in again} == {
        ("2505", 0, 2),
        ("2506", 0, 3),
    }

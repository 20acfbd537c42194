"""The import_incidents management command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tryggve.analytics.management.commands.import_incidents import Command
from tryggve.analytics.models import Incident
from tryggve.conftest import CENTRUM


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
    out, err = run("--format", "polisen", str(police_sample))
    assert out == "imported=500 duplicates=0 rejected=0\n"
    assert err == ""

    out, _ = run("--format", "polisen", str(police_sample))
    assert out == "imported=0 duplicates=500 rejected=0\n"
    assert Incident.objects.count() == 500
    assert not Incident.objects.filter(synthetic=True).exists()


@pytest.mark.django_db
def test_csv_with_bad_rows_keeps_the_good_ones(tmp_path):
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
    assert out == "imported=2 duplicates=0 rejected=2\n"
    lines = err.splitlines()
    assert lines[0].startswith("rad 3: tiden 'igår'")
    assert lines[1].startswith("rad 4: okänd typ 'Tjuvjakt'")

    out, _ = run("--format", "csv", path)
    assert out == "imported=0 duplicates=2 rejected=2\n"


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
    assert out == "imported=1 duplicates=0 rejected=0\n"
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
    ],
)
@pytest.mark.django_db
def test_unusable_input_is_a_clear_command_error(tmp_path, args, message):
    write(tmp_path, "bad.json", "[{")
    write(tmp_path, "object.json", '{"events": []}')
    write(tmp_path, "ok.csv", "time,lat,lon,type\n2026-08-01,65.59,19.18,Stöld\n")
    write(tmp_path, "nohead.csv", "2026-08-01,65.59,19.18,Stöld\n")
    write(tmp_path, "m.json", json.dumps({"time": "Tid", "lat": "A", "lon": "B", "type": "K"}))
    with pytest.raises(CommandError, match=message):
        run(*[arg.format(tmp=tmp_path) for arg in args])
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_progress_on_long_files(tmp_path, monkeypatch):
    monkeypatch.setattr(Command, "long_file", 5)
    monkeypatch.setattr(Command, "progress_every", 2)
    rows = "".join(f"2026-08-{day:02d},65.59,19.18,Stöld\n" for day in range(1, 11))
    out, err = run("--format", "csv", write(tmp_path, "long.csv", "time,lat,lon,type\n" + rows))
    assert out == "imported=10 duplicates=0 rejected=0\n"
    assert "av cirka 11 rader" in err
    assert out.count("\n") == 1


@pytest.mark.django_db
def test_no_progress_on_short_files_in_a_log(tmp_path):
    _, err = run("--format", "csv", write(tmp_path, "a.csv", "time,lat,lon,type\n"))
    assert err == ""

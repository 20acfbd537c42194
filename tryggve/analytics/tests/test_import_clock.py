"""A file with the date and the clock time in columns of their own (an ordinary Swedish
export: "Datum" and "Tid"), and incidents whose clock time is not known: combined as local
time, guessed from the header, and never shown or counted as midnight."""

import json
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tryggve.analytics.importers import (
    CsvMapping,
    ImportFormatError,
    IncidentData,
    Rejection,
    guess_mapping,
    read_csv,
    repeated_columns,
    unrecognised_types,
)
from tryggve.analytics.models import Incident, IncidentImport, IncidentSource, OffenceGroup
from tryggve.analytics.profiles import PATTERN_FROM, busiest_window
from tryggve.analytics.services import incidents_import
from tryggve.analytics.suggestions import weekly_suggestions
from tryggve.conftest import CENTRUM
from tryggve.lib.geo import to_sweref
from tryggve.lib.parsing import local_moment, parse_clock, parse_date, parse_datetime

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EXPORT_HEADER = "Ärendenr;Datum;Tid;Händelsetyp;Adress/Plats;X;Y"
EXPORT_MAPPING = {
    "id": "Ärendenr",
    "time": "Datum",
    "clock": "Tid",
    "type": "Händelsetyp",
    "x": "X",
    "y": "Y",
}


def sweref(lat: float, lon: float) -> tuple[int, int]:
    easting, northing = to_sweref(lon, lat)
    return round(northing), round(easting)


X, Y = sweref(*CENTRUM)


def export(*rows: tuple[str, str, str], type_: str = "Skadegörelse") -> str:
    """An export of (id, Datum, Tid) rows at Centrum."""
    lines = [f"{n};{day};{clock};{type_};Storgatan 1;{X};{Y}" for n, day, clock in rows]
    return "\n".join([EXPORT_HEADER, *lines]) + "\n"


def parse(text: str, mapping: dict | None = None) -> list[IncidentData | Rejection]:
    table = read_csv(text.encode(), CsvMapping.from_json(mapping or EXPORT_MAPPING))
    return list(table.rows())


def local(moment: datetime) -> datetime:
    """The local wall-clock time of a moment, normalised (through UTC) as it is stored."""
    return moment.astimezone(UTC).astimezone(STOCKHOLM)


# The parsing of dates and clock times -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12:05", time(12, 5)),
        ("12.05", time(12, 5)),
        ("1205", time(12, 5)),
        ("0905", time(9, 5)),
        ("9:05", time(9, 5)),
        ("12:05:30", time(12, 5, 30)),
        ("kl. 12.05", time(12, 5)),
        (" Kl 23:59 ", time(23, 59)),
        ("00:00", time(0, 0)),
        ("25:10", None),
        ("12:60", None),
        ("24:00", None),
        ("lunch", None),
        ("905", None),  # 9:05 or a number: not guessed
        ("12", None),
        ("12:5", None),
        ("", None),
    ],
)
def test_clock_times_in_the_forms_files_write_them(text, expected):
    assert parse_clock(text) == expected


def test_a_date_only_is_a_date_and_a_time_is_not():
    assert parse_date("2026-10-05") == date(2026, 10, 5)
    assert parse_date(" 2026-10-5 ") == date(2026, 10, 5)
    for text in ("2026-10-05 12:05", "2026-10-05 00:00", "2026-10-05Z", "2026-02-30", "1066-10-14"):
        assert parse_date(text) is None


# Combining the two columns ----------------------------------------------------------------


def test_date_and_clock_columns_are_combined_in_local_time():
    items = parse(
        export(
            ("A1", "2026-10-05", "12:05"),
            ("A2", "2026-10-05", "12.05"),
            ("A3", "2026-10-05", "1205"),
            ("A4", "2026-10-05", "12:05:30"),
            ("A5", "2026-01-15", "12:05"),
        )
    )
    assert all(isinstance(item, IncidentData) and item.time_known for item in items)
    # Summer time in October (UTC+2), winter time in January (UTC+1).
    assert [item.occurred_at.astimezone(UTC) for item in items] == [
        datetime(2026, 10, 5, 10, 5, tzinfo=UTC),
        datetime(2026, 10, 5, 10, 5, tzinfo=UTC),
        datetime(2026, 10, 5, 10, 5, tzinfo=UTC),
        datetime(2026, 10, 5, 10, 5, 30, tzinfo=UTC),
        datetime(2026, 1, 15, 11, 5, tzinfo=UTC),
    ]
    assert [item.file_id for item in items] == ["A1", "A2", "A3", "A4", "A5"]


def test_the_clock_changes_are_read_as_one_column_would_read_them():
    spring, autumn, after = parse(
        export(
            ("S", "2026-03-29", "02:30"),  # the hour the clocks skip
            ("F", "2026-10-25", "02:30"),  # the hour that repeats
            ("G", "2026-10-25", "03:30"),
        )
    )
    # Skipped: as if the clock had not yet moved, so an hour on in summer time (03:30).
    assert spring.occurred_at.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert local(spring.occurred_at).hour == 3
    # Repeated: the first 02:30, still summer time; 03:30 is winter time.
    assert autumn.occurred_at.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert after.occurred_at.astimezone(UTC) == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    for item, text in ((spring, "2026-03-29 02:30"), (autumn, "2026-10-25 02:30")):
        assert item.occurred_at == parse_datetime(text)
    assert local_moment(date(2026, 10, 25), time(2, 30)).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("clock", ["25:10", "lunch", "12:60"])
def test_a_clock_that_is_no_clock_is_rejected_by_its_line(clock):
    good, bad = parse(export(("A1", "2026-10-05", "12:05"), ("A2", "2026-10-05", clock)))
    assert isinstance(good, IncidentData)
    assert isinstance(bad, Rejection)
    assert str(bad) == (
        f"rad 3: klockslaget '{clock}' går inte att tolka; skriv till exempel 12:05"
    )
    assert (bad.fault, bad.shape) == ("clock", True)


def test_an_empty_clock_keeps_the_date_with_the_clock_time_unknown():
    [item] = parse(export(("A1", "2026-10-05", "")))
    assert isinstance(item, IncidentData) and not item.time_known
    # Stored at local noon: the same date in UTC, and in no night band.
    assert local(item.occurred_at) == datetime(2026, 10, 5, 12, tzinfo=STOCKHOLM)
    assert item.occurred_at.astimezone(UTC).date() == date(2026, 10, 5)


def test_a_date_only_without_a_clock_column_has_its_clock_time_unknown():
    mapping = {key: value for key, value in EXPORT_MAPPING.items() if key != "clock"}
    dated, timed = parse(
        export(("A1", "2026-10-05", "12:05")).replace("\n", "\n", 1)
        + f"A2;2026-10-06 08:15;;Skadegörelse;Storgatan 1;{X};{Y}\n",
        mapping,
    )
    assert not dated.time_known
    assert local(dated.occurred_at) == datetime(2026, 10, 5, 12, tzinfo=STOCKHOLM)
    assert timed.time_known
    assert local(timed.occurred_at) == datetime(2026, 10, 6, 8, 15, tzinfo=STOCKHOLM)


def test_excels_midnight_dates_take_the_clock_but_a_second_clock_time_is_refused():
    excel, clash, only = parse(
        export(
            ("A1", "2026-10-05 00:00:00", "12:05"),
            ("A2", "2026-10-05 08:00", "12:05"),
            ("A3", "2026-10-05 08:00", ""),
        )
    )
    assert local(excel.occurred_at) == datetime(2026, 10, 5, 12, 5, tzinfo=STOCKHOLM)
    assert isinstance(clash, Rejection) and clash.fault == "clock"
    assert "har redan ett klockslag" in clash.reason
    assert only.time_known and local(only.occurred_at).hour == 8


def test_the_mapping_file_takes_a_clock_column():
    assert CsvMapping.from_json(EXPORT_MAPPING).clock == "Tid"
    with pytest.raises(ImportFormatError, match="clock ska vara ett kolumnnamn"):
        CsvMapping.from_json(EXPORT_MAPPING | {"clock": 5})
    assert repeated_columns({"time": "Datum", "clock": "Datum"}) == {
        "time": "clock",
        "clock": "time",
    }


@pytest.mark.django_db
def test_an_incident_saved_without_its_clock_time_says_so(municipality):
    rows = export(("A1", "2026-10-05", ""), ("A2", "2026-10-05", "9:40"))
    incidents_import(incidents=parse(rows))
    untimed, timed = Incident.objects.order_by("external_id")
    assert (untimed.time_known, timed.time_known) == (False, True)
    assert untimed.when == "2026-10-05" and timed.when == "2026-10-05 09:40"
    assert str(untimed) == "Skadegörelse 2026-10-05"


def test_police_events_always_have_their_time(police_sample):
    from tryggve.analytics.importers import load_police_events, parse_police_events

    events = parse_police_events(load_police_events(police_sample.read_bytes()))
    assert all(item.time_known for item in events if isinstance(item, IncidentData))


# Guessing the columns ---------------------------------------------------------------------


def test_a_date_and_a_clock_column_are_guessed_as_time_and_clock():
    assert guess_mapping(EXPORT_HEADER.split(";")) == {
        "time": "Datum",
        "clock": "Tid",
        "type": "Händelsetyp",
        "x": "X",
        "y": "Y",
        "id": "Ärendenr",
    }
    guess = guess_mapping(["Brottsdatum", "Klockslag", "Typ", "Lat", "Lon"])
    assert (guess["time"], guess["clock"]) == ("Brottsdatum", "Klockslag")
    assert guess_mapping(["Datum", "Kl", "Typ"])["clock"] == "Kl"
    assert guess_mapping(["Datum", "Klockan", "Typ"])["clock"] == "Klockan"


def test_one_time_column_is_still_the_time():
    assert guess_mapping(["Tid", "Typ", "Lat", "Lon"]) == {
        "time": "Tid",
        "type": "Typ",
        "lat": "Lat",
        "lon": "Lon",
    }
    assert "clock" not in guess_mapping(["Datum", "Typ", "Lat", "Lon"])
    assert guess_mapping(["Datum och tid", "Typ"])["time"] == "Datum och tid"
    assert guess_mapping(["Datum/tid", "Typ"])["time"] == "Datum/tid"


def test_a_log_of_events_and_a_security_companys_report_are_guessed():
    # "Händelse" is the type beside a description, and the description beside a type.
    assert guess_mapping(["Datum", "Klockslag", "Händelse", "Beskrivning"]) == {
        "time": "Datum",
        "clock": "Klockslag",
        "type": "Händelse",
        "text": "Beskrivning",
    }
    assert guess_mapping(["Datum", "Händelsetyp", "Händelse"])["text"] == "Händelse"
    assert guess_mapping(["Rapportnr", "Larmtid", "Händelse", "Kommentar"]) == {
        "id": "Rapportnr",
        "time": "Larmtid",
        "type": "Händelse",
        "text": "Kommentar",
    }


@pytest.mark.parametrize("name", ["Ärendenr", "Ärendenummer", "Diarienr", "Löpnr"])
def test_case_numbers_are_guessed_as_the_id(name):
    assert guess_mapping(["Datum", name, "Typ"])["id"] == name


@pytest.mark.parametrize(
    ("label", "group"),
    [
        ("Klotter", OffenceGroup.VANDALISM),
        ("Inbrott bostad", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("inbrott  BOSTAD", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("Bostadsinbrott", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("Brand i container", OffenceGroup.FIRE),
        ("Inbrott i villa", OffenceGroup.RESIDENTIAL_BURGLARY),
        ("Inbrott i förråd", OffenceGroup.OTHER_BURGLARY),
        ("Stöld ur bil", OffenceGroup.THEFT),
        ("Hot", OffenceGroup.VIOLENCE),
    ],
)
def test_common_swedish_types_are_known_without_a_mapping(label, group):
    rows = export(("A1", "2026-10-05", "12:05"), type_=label)
    [item] = parse(rows)
    assert item.offence_group == group
    census = unrecognised_types(rows.encode(), "Händelsetyp")
    assert census.distinct == 0


# The upload page --------------------------------------------------------------------------

URL = "/personal/lagesbild/import/"
EXPORT = export(
    ("2026-101", "2026-10-05", "12:05"),
    ("2026-102", "2026-10-06", "23:40"),
    ("2026-103", "2026-10-07", ""),
)


def uploaded(client, content: str = EXPORT) -> IncidentImport:
    client.post(URL, {"file": SimpleUploadedFile("export.csv", content.encode(), "text/csv")})
    return IncidentImport.objects.latest("pk")


def send(client, upload: IncidentImport, **fields):
    data = EXPORT_MAPPING | {"types_column": "Händelsetyp"} | fields
    return client.post(f"{URL}{upload.pk}/", data, follow=True)


def selected(page: str, field: str) -> str | None:
    """The option selected in the mapping's select `field`."""
    select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
    marker = select.split(" selected>", 1)[0] if " selected>" in select else None
    return marker.rsplit('value="', 1)[1].split('"', 1)[0] if marker else None


@pytest.mark.django_db
def test_the_upload_page_guesses_date_and_clock_and_imports_their_time(
    case_handler, municipality
):
    created = uploaded(case_handler)
    page = case_handler.get(f"{URL}{created.pk}/").content.decode()
    assert (selected(page, "time"), selected(page, "clock")) == ("Datum", "Tid")
    assert selected(page, "id") == "Ärendenr"
    assert "Klockslag" in page
    assert 'id="clock-warning"' not in page
    # The trial says which row will have no clock time.
    assert "Importeras i gruppen Skadegörelse, utan klockslag (bara datum)" in page

    send(case_handler, created)
    created.refresh_from_db()
    assert (created.status, created.imported, created.rejected) == ("done", 3, 0)
    assert created.mapping["clock"] == "Tid"
    moments = {
        i.external_id: (local(i.occurred_at).strftime("%Y-%m-%d %H:%M"), i.time_known)
        for i in Incident.objects.all()
    }
    assert moments == {
        "2026-101": ("2026-10-05 12:05", True),
        "2026-102": ("2026-10-06 23:40", True),
        "2026-103": ("2026-10-07 12:00", False),
    }


@pytest.mark.django_db
def test_a_date_only_time_column_without_a_clock_column_is_warned_of(case_handler, municipality):
    created = uploaded(case_handler)
    # The page sent back with the clock column taken away and something else to correct.
    response = send(case_handler, created, clock="", system="Larm!")
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Kolumnen Datum har bara datum. Välj en kolumn för klockslag, annars sparas "
        "händelserna utan klockslag."
    ) in page
    assert selected(page, "clock") == "" and selected(page, "time") == "Datum"
    assert page.count("Importeras i gruppen Skadegörelse, utan klockslag (bara datum)") == 3

    # Imported all the same when that is what is chosen: dates only, no made-up midnight.
    send(case_handler, created, clock="")
    assert Incident.objects.count() == 3
    assert not Incident.objects.filter(time_known=True).exists()


@pytest.mark.django_db
def test_a_wrong_clock_column_is_refused_beside_it_and_the_choice_kept(case_handler, municipality):
    created = uploaded(case_handler)
    response = send(case_handler, created, clock="Adress/Plats")
    assert response.status_code == 400
    page = response.content.decode()
    error = page.split('id="id_clock_error">', 1)[1].split("</div>", 1)[0]
    assert "klockslaget &#x27;Storgatan 1&#x27; går inte att tolka" in error
    assert selected(page, "clock") == "Adress/Plats"
    assert not Incident.objects.exists()


# The command line -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_commands_mapping_file_names_the_clock_column(municipality, tmp_path):
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "mapping.json").write_text(json.dumps(EXPORT_MAPPING), encoding="utf-8")
    out = StringIO()
    call_command(
        "import_incidents",
        "--format",
        "csv",
        str(tmp_path / "export.csv"),
        "--mapping",
        str(tmp_path / "mapping.json"),
        stdout=out,
        stderr=StringIO(),
    )
    assert out.getvalue() == "imported=3 duplicates=0 rejected=0 outside=0\n"
    incident = Incident.objects.get(external_id="2026-102")
    assert local(incident.occurred_at) == datetime(2026, 10, 6, 23, 40, tzinfo=STOCKHOLM)
    assert Incident.objects.get(external_id="2026-103").time_known is False


# Pages that count or show by the hour -----------------------------------------------------


def untimed(make_incident, at, day: date, **fields) -> Incident:
    incident = make_incident(
        at=at, when=local_moment(day, time(12)), **fields
    )
    incident.time_known = False
    incident.save(update_fields=["time_known"])
    return incident


@pytest.mark.django_db
def test_the_time_profile_leaves_out_incidents_without_a_clock_time(
    case_handler, make_incident, area_points
):
    at = area_points["Centrum"]
    make_incident(at=at, when=datetime(2026, 10, 5, 1, 30, tzinfo=STOCKHOLM))
    make_incident(at=at, when=datetime(2026, 10, 6, 13, 30, tzinfo=STOCKHOLM))
    untimed(make_incident, at, date(2026, 10, 7))
    untimed(make_incident, at, date(2026, 10, 8))
    response = case_handler.get("/personal/lagesbild/tider/")
    page = " ".join(response.content.decode().split())
    assert response.context["profile"].total == 2
    assert dict(response.context["profile"].band_totals)["12–16"] == 1
    # Every event counted and the period covers them all; the tables say what they count
    # (the page said "2 händelser" and then "2 saknar klockslag", which read as none).
    assert (
        "4 händelser (Bostadsinbrott), från 5 oktober 2026 till 8 oktober 2026: alla sparade "
        "händelser. 2 av dem saknar klockslag, så tabellerna räknar 2."
    ) in page

    Incident.objects.filter(time_known=False).first().delete()
    page = " ".join(case_handler.get("/personal/lagesbild/tider/").content.decode().split())
    assert "3 händelser (Bostadsinbrott)" in page
    assert "1 av dem saknar klockslag, så tabellerna räknar 2." in page


@pytest.mark.django_db
def test_events_all_without_a_clock_time_show_no_table(case_handler, make_incident, area_points):
    untimed(make_incident, area_points["Centrum"], date(2026, 10, 7))
    page = " ".join(case_handler.get("/personal/lagesbild/tider/").content.decode().split())
    assert "1 händelse (Bostadsinbrott), den 7 oktober 2026." in page
    assert "Ingen av händelserna har klockslag, så sidan visar ingen tabell." in page
    assert "<table" not in page


@pytest.mark.django_db
def test_the_time_profile_says_nothing_when_every_clock_time_is_known(
    case_handler, make_incident, area_points
):
    make_incident(at=area_points["Centrum"], when=datetime(2026, 10, 5, 1, 30, tzinfo=STOCKHOLM))
    page = case_handler.get("/personal/lagesbild/tider/").content.decode()
    assert "saknar klockslag" not in page


@pytest.mark.django_db
def test_suggestions_count_incidents_without_clock_time_but_not_for_their_window(
    make_incident, area_points
):
    now = timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)
    lat, lon = area_points["Centrum"]
    # As many with a clock time as a time of day is named from (`profiles.PATTERN_FROM`),
    # all in the evening, and more without one: stored at noon, those must not move it.
    timed = []
    for days_ago in range(1, PATTERN_FROM + 1):
        when = (now - timedelta(days=days_ago)).replace(hour=20, minute=10)
        timed.append(make_incident(at=(lat, lon), when=when).occurred_at)
    for days_ago in (2, 4, 6, 8, 9, 10, 11, 12):
        day = (now - timedelta(days=days_ago)).date()
        untimed(make_incident, (lat + 0.0001, lon), day)
    first = weekly_suggestions(now=now)[0]
    assert first.year == PATTERN_FROM + 8
    assert first.window == busiest_window(timed) == (17, 21)
    assert first.reason.endswith(", flest 17–21")


@pytest.mark.django_db
def test_suggestions_give_no_window_from_incidents_without_clock_time(make_incident, area_points):
    now = timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)
    lat, lon = area_points["Centrum"]
    for days_ago in range(1, PATTERN_FROM + 2):
        untimed(make_incident, (lat, lon), (now - timedelta(days=days_ago)).date())
    first = weekly_suggestions(now=now)[0]
    assert (first.year, first.window) == (PATTERN_FROM + 1, None)
    assert first.reason.endswith("för få händelser för att säga när på dygnet")


@pytest.mark.django_db
def test_an_alert_for_a_burglary_without_clock_time_shows_its_date_only(
    case_handler, municipality, area_points
):
    lat, lon = area_points["Lappstaden"]
    day = timezone.localdate() - timedelta(days=2)
    incidents_import(
        incidents=[
            IncidentData(
                source=IncidentSource.CSV,
                external_id="d1",
                occurred_at=local_moment(day, time(12)),
                offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
                lat=lat,
                lon=lon,
                precise=True,
                time_known=False,
            )
        ]
    )
    page = case_handler.get("/personal/lagesbild/").content.decode()
    heading = page.split('id="alert-incident-', 1)[1].split("</h3>", 1)[0]
    assert heading.endswith(f"Bostadsinbrott {day.day} {_month(day)}")
    assert "12:00" not in heading and "00:00" not in heading


def _month(day: date) -> str:
    from django.utils import translation
    from django.utils.dateformat import format as date_format

    with translation.override("sv"):
        return date_format(day, "F")

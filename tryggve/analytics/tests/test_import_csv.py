"""CSV files: WGS84 and SWEREF 99 TM, delimiters, encodings, broken rows, idempotency."""

import json
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggve.analytics.importers import (
    CsvMapping,
    ImportFormatError,
    IncidentData,
    Rejection,
    Skipped,
    TypeCount,
    guess_mapping,
    load_mapping,
    parse_datetime,
    parse_number,
    preview_csv,
    read_csv,
    unrecognised_types,
)
from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.analytics.services import incidents_import
from tryggve.conftest import CENTRUM, OUTSIDE
from tryggve.lib.geo import to_sweref

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def parse(text: str | bytes, mapping: dict | None = None) -> list[IncidentData | Rejection]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(read_csv(data, CsvMapping.from_json(mapping) if mapping else None).rows())


def save(text: str | bytes, mapping: dict | None = None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    table = read_csv(data, CsvMapping.from_json(mapping) if mapping else None)
    return incidents_import(incidents=table.rows())


def sweref(lat: float, lon: float) -> tuple[int, int]:
    """(x = northing, y = easting) in whole metres, as a Swedish register writes them."""
    easting, northing = to_sweref(lon, lat)
    return round(northing), round(easting)


WGS84_CSV = (
    "time,lat,lon,type,text,id\n"
    f"2026-08-01 22:15,{CENTRUM[0]},{CENTRUM[1]},Skadegörelse,Krossad ruta,A1\n"
    f"2026-08-02T01:30:00+02:00,{OUTSIDE[0]},{OUTSIDE[1]},Misshandel,,A2\n"
)


# Values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-08-22 7:32:06 +02:00", datetime(2026, 8, 22, 7, 32, 6, tzinfo=STOCKHOLM)),
        ("2026-08-22 17.59", datetime(2026, 8, 22, 17, 59, tzinfo=STOCKHOLM)),
        ("2026-08-22T17:59:00Z", datetime(2026, 8, 22, 19, 59, tzinfo=STOCKHOLM)),
        ("2026-01-05", datetime(2026, 1, 5, tzinfo=STOCKHOLM)),
        ("2026-8-5 7:05", datetime(2026, 8, 5, 7, 5, tzinfo=STOCKHOLM)),
    ],
)
def test_times(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "igår", "2026-02-30", "2026-08-22 25:00", "22/8/2026"])
def test_bad_times(text):
    assert parse_datetime(text) is None


def test_numbers():
    assert parse_number("65,5912") == 65.5912
    assert parse_number("7 276 543") == 7276543
    assert parse_number("nan") is None
    assert parse_number("1,2,3") is None


# Reading ----------------------------------------------------------------------------------


def test_wgs84_with_default_columns():
    first, second = parse(WGS84_CSV)
    assert first.occurred_at == datetime(2026, 8, 1, 22, 15, tzinfo=STOCKHOLM)
    assert (first.lat, first.lon) == CENTRUM
    assert first.offence_group == OffenceGroup.VANDALISM
    assert (first.external_id, first.summary, first.precise) == ("A1", "Krossad ruta", True)
    assert first.source == IncidentSource.CSV
    assert second.offence_group == OffenceGroup.VIOLENCE


def test_sweref_semicolon_and_decimal_comma():
    x, y = sweref(*CENTRUM)
    text = f"time;x;y;type\n2026-08-01 22:15;{x},0;{y},0;Stöld\n"
    (item,) = parse(text)
    assert item.lat == pytest.approx(CENTRUM[0], abs=1e-5)
    assert item.lon == pytest.approx(CENTRUM[1], abs=1e-5)
    assert item.offence_group == OffenceGroup.THEFT


def test_sweref_swapped_columns_are_recognised():
    x, y = sweref(*CENTRUM)
    (item,) = parse(f"time,x,y,type\n2026-08-01,{y},{x},Stöld\n")
    assert item.lat == pytest.approx(CENTRUM[0], abs=1e-5)


def test_mapping_names_columns_and_groups():
    x, y = sweref(*CENTRUM)
    text = (
        "Datum;Nord;Öst;Brottskod;Beskrivning;Diarienr\n"
        f"2026-08-01 10:00;{x};{y};9001;Klotter på skolan;K-1\n"
        f"2026-08-02 10:00;{x};{y};9002;;K-2\n"
        f"2026-08-03 10:00;{x};{y};Inbrott;Inbrott i villa;K-3\n"
    )
    mapping = {
        "time": "Datum",
        "x": "Nord",
        "y": "Öst",
        "type": "Brottskod",
        "text": "Beskrivning",
        "id": "Diarienr",
        "group": {"9001": "vandalism"},
        "default_group": "other",
    }
    first, second, third = parse(text, mapping)
    assert (first.offence_group, first.type_label, first.external_id) == (
        "vandalism",
        "9001",
        "K-1",
    )
    assert second.offence_group == "other"
    assert third.offence_group == "residential_burglary"  # the police feed's own rule


def test_group_names_in_swedish_or_as_keys():
    rows = "time,lat,lon,type\n" + "".join(
        f"2026-08-0{n},65.59,19.18,{label}\n"
        for n, label in enumerate(["bostadsinbrott", "Ordningsstörning", "fire"], start=1)
    )
    groups = [item.offence_group for item in parse(rows)]
    assert groups == ["residential_burglary", "disturbance", "fire"]


def test_a_files_types_are_compared_whatever_their_case_spacing_or_composition():
    decomposed = unicodedata.normalize("NFD", "Skadegörelse")
    rows = "time;lat;lon;type\n" + "".join(
        f"2026-08-0{n};65,59;19,18;{label}\n"
        for n, label in enumerate(
            # A police type in lower case; a group's name decomposed; a file type in capitals.
            ["inbrott", decomposed, "  KLOTTER ", "brand i CONTAINER", "Egen Typ", "ÄGG"],
            start=1,
        )
    )
    mapping = {
        "time": "time",
        "type": "type",
        "lat": "lat",
        "lon": "lon",
        # The mapping's own types, written otherwise than the file does.
        "group": {"egen  typ": "theft", unicodedata.normalize("NFD", "ägg"): "vandalism"},
    }
    groups = [item.offence_group for item in parse(rows, mapping)]
    assert groups == ["other_burglary", "vandalism", "vandalism", "fire", "theft", "vandalism"]
    # Kept composed, so the label is one whichever way the file wrote it.
    assert parse(rows, mapping)[1].type_label == "Skadegörelse"


def test_unrecognised_types_counts_a_type_written_two_ways_once():
    nfd, nfc = unicodedata.normalize("NFD", "Äggkastning"), "äggkastning"
    text = (
        f"time;type;lat;lon\n2026-08-01;{nfd};1;2\n2026-08-02;{nfc};1;2\n"
        "2026-08-03;inbrott;1;2\n"  # a police type in lower case: recognised, not listed
    )
    census = unrecognised_types(text.encode(), "type")
    assert census.types == [TypeCount("Äggkastning", 2)]


def test_utf8_bom_is_ignored():
    (item, _) = parse(b"\xef\xbb\xbf" + WGS84_CSV.encode("utf-8"))
    assert item.external_id == "A1"


def test_cp1252_from_excel():
    text = "time;lat;lon;type;text\n2026-08-01;65,59;19,18;Skadegörelse;Klotter på förrådet\n"
    (item,) = parse(text.encode("cp1252"))
    assert item.offence_group == OffenceGroup.VANDALISM
    assert item.summary == "Klotter på förrådet"


def test_broken_rows_are_reported_by_line_and_the_rest_kept():
    text = (
        "time,lat,lon,type,text\n"  # line 1
        '2026-08-01,65.59,19.18,Stöld,"två\nrader"\n'  # lines 2-3
        "igår,65.59,19.18,Stöld,\n"  # line 4
        "2026-08-01,,,Stöld,\n"  # line 5
        "2026-08-01,95,19.18,Stöld,\n"  # line 6
        "2026-08-01,6500000,700000,Stöld,\n"  # line 7: SWEREF in the WGS84 columns
        "2026-08-01,65.59,19.18,Tjuvjakt,\n"  # line 8
        "2026-08-01,65.59,19.18,,\n"  # line 9
        ",,,,\n"  # line 10: a spreadsheet's empty row, skipped silently
        "2026-08-02,65.59,19.18,Brand,\n"  # line 11
    )
    items = parse(text)
    good = [item for item in items if isinstance(item, IncidentData)]
    bad = [str(item) for item in items if isinstance(item, Rejection)]
    assert [item.offence_group for item in good] == ["theft", "fire"]
    assert good[0].summary == "två\nrader"
    assert [message.split(":")[0] for message in bad] == [
        "rad 4",
        "rad 5",
        "rad 6",
        "rad 7",
        "rad 8",
        "rad 9",
    ]
    assert "tiden 'igår'" in bad[0]
    assert "position saknas" in bad[1]
    assert "utanför jorden" in bad[2]
    assert "SWEREF 99 TM" in bad[3]
    assert "okänd typ 'Tjuvjakt'" in bad[4]
    assert "typ saknas" in bad[5]


def test_sweref_outside_sweden_is_rejected():
    (item,) = parse("time,x,y,type\n2026-08-01,65.59,19.18,Stöld\n")
    assert isinstance(item, Rejection)
    assert "ligger inte i Sverige" in item.reason


def test_an_unreadable_row_is_reported_and_the_rest_read():
    huge = "x" * 200_000  # beyond the csv module's field limit
    text = f"time,lat,lon,type,text\n2026-08-01,65.59,19.18,Stöld,\n2026-08-02,1,2,Brand,{huge}\n"
    first, second, third = parse(text + "2026-08-03,65.59,19.18,Brand,\n")
    assert isinstance(first, IncidentData)
    assert isinstance(second, Rejection)
    assert str(second) == (
        "rad 3: går inte att läsa som CSV (ett fält är längre än 131072 tecken – ett citattecken "
        "som aldrig avslutas?); raden lästes inte"
    )
    assert third.offence_group == OffenceGroup.FIRE


def stray_quote_file(rows: int, stray: int, delimiter: str = ";") -> str:
    """A file of `rows` rows with ids R0, R1, ..., row `stray` (from 0, on line stray + 2)
    with a quote opened before its type and never closed."""
    lines = [delimiter.join(["time", "type", "lat", "lon", "text", "id"])]
    for n in range(rows):
        kind = '"Stöld' if n == stray else "Stöld"
        lat, lon = ("65,59", "19,18") if delimiter == ";" else ("65.59", "19.18")
        time = f"2024-02-{n % 28 + 1:02d} {n % 24:02d}:00"
        lines.append(delimiter.join([time, kind, lat, lon, f"snö {n}", f"R{n}"]))
    return "\n".join(lines) + "\n"


UNCLOSED = 'ett citattecken (") öppnas men stängs aldrig; raden lästes inte'


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("stray", [10, 995, 999], ids=["middle", "near-the-end", "last"])
def test_a_stray_quote_loses_its_row_only(stray, delimiter):
    """A quote opened and never closed rejects its own row by its line; every other row is
    read, by its own line (the csv module alone would read the rest of the file as one
    field, and the rows in it would be neither imported nor reported)."""
    items = parse(stray_quote_file(1000, stray, delimiter))
    assert len(items) == 1000
    bad = [item for item in items if isinstance(item, Rejection)]
    assert [str(item) for item in bad] == [f"rad {stray + 2}: {UNCLOSED}"]
    ids = [item.external_id for item in items if isinstance(item, IncidentData)]
    assert ids == [f"R{n}" for n in range(1000) if n != stray]


def test_rows_after_a_stray_quote_keep_their_line_numbers():
    text = stray_quote_file(5, 1) + "igår;Stöld;65,59;19,18;;R5\n"
    items = parse(text)
    assert [str(item) for item in items if isinstance(item, Rejection)] == [
        f"rad 3: {UNCLOSED}",
        "rad 7: tiden 'igår' går inte att tolka; skriv till exempel 2026-03-04 22:15",
    ]


def test_a_stray_quote_closed_by_another_is_still_refused():
    # The second quote, four rows down, would close the first: without looking at what the
    # field holds, rows 4-6 would be one row's type.
    lines = stray_quote_file(10, 1).splitlines()
    lines[6] = lines[6].replace("snö 5", 'snö" 5')
    items = parse("\n".join(lines) + "\n")
    # The closing quote is followed by more of the field (`" 5`), which no CSV writer does.
    first = [str(item) for item in items if isinstance(item, Rejection)][0]
    assert first == (
        'rad 3: ett citattecken (") öppnas men stängs inte där fältet slutar; raden lästes inte'
    )
    assert len(items) == 10


def test_a_quote_running_over_many_lines_to_a_stray_one_is_refused():
    # Comma-separated: the record runs on to row 19's quote, which is followed by more text.
    lines = stray_quote_file(30, 2, ",").splitlines()
    lines[20] = lines[20].replace("snö 19", 'snö" 19')
    items = parse("\n".join(lines) + "\n")
    assert str(items[2]).startswith('rad 4: ett citattecken (") öppnas men stängs')
    assert len(items) == 30  # row 19's quote, in the middle of a cell, is text of its own


def test_a_closed_quote_is_honoured_however_long_and_whatever_it_holds():
    """A description of eleven lines, one of them with as many semicolons as a row: CSV
    closes the quote, so it is one row's text. The line that looked like a row was read as
    an incident of its own, and the real row refused as never closed."""
    body = "\n".join(f"rad {k} av beskrivningen" for k in range(10))
    text = (
        "id;time;type;lat;lon;text\n"
        f'A1;2026-08-01 10:00;Stöld;65,59;19,18;"{body}\nX9;2026-08-02;Brand;65,59;19,18"\n'
        "A2;2026-08-02 11:00;Brand;65,59;19,18;\n"
    )
    items = parse(text)
    assert [type(item).__name__ for item in items] == ["IncidentData", "IncidentData"]
    assert [item.external_id for item in items] == ["A1", "A2"]
    assert items[0].summary.endswith("X9;2026-08-02;Brand;65,59;19,18")


@pytest.mark.parametrize("gap", [1, 2])
def test_stray_quotes_on_rows_close_together_lose_no_row(gap):
    """Two rows' stray quotes: the first field ran to the second quote. Every row is
    imported or refused by its own line."""
    lines = stray_quote_file(100, 10).splitlines()
    lines[11 + gap] = lines[11 + gap].replace(";Stöld;", ';"Stöld;')
    items = parse("\n".join(lines) + "\n")
    assert len(items) == 100
    refused = [str(item) for item in items if isinstance(item, Rejection)]
    assert [message.split(":")[0] for message in refused] == ["rad 12", f"rad {12 + gap}"]


def test_every_row_with_a_stray_quote_is_refused_by_its_own_line():
    lines = stray_quote_file(300, 0).splitlines()
    lines = [lines[0]] + [line.replace(";Stöld;", ';"Stöld;') for line in lines[1:]]
    items = parse("\n".join(lines) + "\n")
    assert len(items) == 300 and all(isinstance(item, Rejection) for item in items)
    assert [str(item).split(":")[0] for item in items] == [f"rad {n}" for n in range(2, 302)]


def test_a_quoted_word_followed_by_text_on_one_line_is_read_as_before():
    text = 'id;time;type;lat;lon;text\nA1;2026-08-01 10:00;Stöld;65,59;19,18;"Stopp" skylt nere\n'
    [item] = parse(text)
    assert item.summary == "Stopp skylt nere"


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_description_of_a_few_lines_is_one_row(delimiter):
    text = (
        "time,lat,lon,type,text,id\n"
        '2026-08-01,65.59,19.18,Stöld,"Cykel stulen.\n'
        "\n"
        'Låset ""klippt"", tre vittnen; polis kallad, ingen gripen.\n'
        'Anmält av ägaren.",A1\n'
        "2026-08-02,65.59,19.18,Brand,,A2\n"
        "igår,65.59,19.18,Brand,,A3\n"
    )
    if delimiter == ";":
        text = text.replace(",", ";").replace("65.59", "65,59").replace("19.18", "19,18")
    first, second, third = parse(text)
    assert first.summary == (
        f'Cykel stulen.\n\nLåset "klippt"{delimiter} tre vittnen; polis kallad{delimiter} '
        "ingen gripen.\nAnmält av ägaren."
    )
    assert (first.external_id, second.external_id) == ("A1", "A2")
    assert str(third).startswith("rad 7: tiden 'igår'")


@pytest.mark.django_db
def test_the_counts_of_a_file_with_a_stray_quote_add_up_to_its_rows(municipality):
    text = stray_quote_file(300, 150)
    result = save(text)
    assert (result.imported, result.duplicates, result.rejected) == (299, 0, 1)
    assert result.errors == [f"rad 152: {UNCLOSED}"]
    result = save(text)
    assert (result.imported, result.duplicates, result.rejected) == (0, 299, 1)


def test_blank_lines_before_the_header_are_skipped_and_lines_still_counted():
    text = "\n\r\n ;;;\n" + "time;lat;lon;type\n2026-08-01;65,59;19,18;Stöld\nx;1;2;Stöld\n"
    first, second = parse(text)
    assert first.offence_group == OffenceGroup.THEFT
    assert str(second).startswith("rad 6: tiden 'x'")
    text = "\ufeff\n\nsep=,\n\ntime,lat,lon,type\n2026-08-01,1,2,Stöld\nx,1,2,Stöld\n"
    first, second = parse(text)
    assert str(second).startswith("rad 7: tiden 'x'")


def test_an_exports_title_lines_and_its_total_are_skipped():
    # A case system's export as Excel saves it: a title and a "printed" line above the table
    # (a line of one cell, with or without the delimiters of the empty ones), a total below.
    text = (
        "Händelserapporter – Arvidsjaurs kommun;;;;\n"
        "Utskrivet 2026-11-27\n"
        ";;;;\n"
        "Ärendenr;Datum;Händelsetyp;Latitud;Longitud\n"
        "K-1;2026-08-01 22:15;Skadegörelse;65,59;19,18\n"
        ";;;;\n"
        "Antal ärenden: 1;;;;\n"
    )
    mapping = {
        "id": "Ärendenr",
        "time": "Datum",
        "type": "Händelsetyp",
        "lat": "Latitud",
        "lon": "Longitud",
    }
    table = read_csv(text.encode("cp1252"), CsvMapping.from_json(mapping))
    assert table.header == ["Ärendenr", "Datum", "Händelsetyp", "Latitud", "Longitud"]
    first, total = table.rows()
    assert (first.external_id, first.offence_group) == ("K-1", OffenceGroup.VANDALISM)
    # Not a row without a time: the export's count of its rows.
    assert isinstance(total, Skipped) and str(total) == "rad 7: summarad, ingen händelse"


def test_a_row_without_a_time_is_still_rejected_as_such():
    text = "time;type;lat;lon\n;Stöld;65,59;19,18\nSumma;Stöld;;\n"
    first, second = parse(text)
    assert str(first) == "rad 2: tid saknas"
    # "Summa" beside a type is no total: a total has numbers only beside its word.
    assert isinstance(second, Rejection) and second.reason.startswith("tiden 'Summa'")


TOTALS_HEADER = "Tid;Latitud;Longitud;Typ;Beskrivning\n"
TOTALS_ROWS = (
    f"2026-08-01 22:15;{CENTRUM[0]};{CENTRUM[1]};Skadegörelse;Krossad ruta\n"
    f"2026-08-02 01:30;{CENTRUM[0]};{CENTRUM[1]};Stöld;Cykel\n"
)
TOTALS_MAPPING = {"time": "Tid", "lat": "Latitud", "lon": "Longitud", "type": "Typ"}


@pytest.mark.parametrize(
    "total",
    [
        "Summa;;;2",  # the number in the type column
        ";;;Summa;2",  # the word in the type column
        "Totalt;;;2;",
        "TOTAL;;;2",
        "Total:;;;2",
        ";;;Totalt 2",
        "Summa totalt;;;2",
        "Antal ärenden: 2;;;;",
        "Totalt antal händelser;;;1 234",
        ";;;Summa;2,0",
    ],
)
def test_a_totals_row_is_skipped_never_imported_rejected_nor_a_type(total):
    data = (TOTALS_HEADER + TOTALS_ROWS + ";;;;\n" + total + "\n").encode()
    items = list(read_csv(data, CsvMapping.from_json(TOTALS_MAPPING)).rows())
    assert [type(item) for item in items] == [IncidentData, IncidentData, Skipped]
    assert str(items[2]) == "rad 5: summarad, ingen händelse"
    # Neither its word nor its number is a type the upload page offers to map.
    census = unrecognised_types(data, "Typ")
    assert (census.types, census.distinct) == ([], 0)
    assert preview_csv(data).rows == [row.split(";") for row in TOTALS_ROWS.splitlines()]


@pytest.mark.parametrize(
    "row",
    [
        "Summa;;;Stöld",  # no number
        "Summa;;;3;och mer",  # a text beside the number
        "Summa;;;3;Totalt",  # two words
        "Summorna;;;3",  # not a totals word
        "3;;;Summa stöld skadegörelse och brand",  # more than two words after it
        "2026-08-03;;;3",  # a date is no number
    ],
)
def test_a_row_like_a_total_but_not_one_is_read_as_a_row(row):
    data = (TOTALS_HEADER + row + "\n").encode()
    (item,) = read_csv(data, CsvMapping.from_json(TOTALS_MAPPING)).rows()
    assert isinstance(item, Rejection)


@pytest.mark.django_db
def test_an_import_counts_a_totals_row_as_skipped(municipality):
    text = TOTALS_HEADER + TOTALS_ROWS + "Summa;;;2\n"
    result = save(text, TOTALS_MAPPING)
    assert (result.imported, result.rejected, result.skipped, result.errors) == (2, 0, 1, [])
    assert Incident.objects.count() == 2
    result = save(text, TOTALS_MAPPING)
    assert (result.imported, result.duplicates, result.rejected, result.skipped) == (0, 2, 0, 1)


def test_a_first_line_that_is_no_title_is_still_the_header():
    # Lines are skipped only below a header we recognise that has more cells than they do:
    # a header in the wrong delimiter stays the header, and its own message says so.
    text = "time|type|lat|lon\n2026-08-01,Stöld,65.59,19.18\n"
    assert preview_csv(text.encode()).header == ["time|type|lat|lon"]


def test_a_header_of_known_names_stays_the_header_above_a_wider_row():
    """Found by Hypothesis: a row wider than the header holding a value that is also a
    column's name ("X", SWEREF's northing) was taken for the header, and the file refused
    for lacking the columns it has."""
    text = "time,lat,lon,type,text,id\n0,0,0,0,0,0,X\n"
    assert preview_csv(text.encode()).header == ["time", "lat", "lon", "type", "text", "id"]
    (row,) = parse(text)
    assert isinstance(row, Rejection) and str(row).startswith("rad 2:")


@pytest.mark.django_db
def test_a_nul_character_in_a_cell_is_stored_as_a_replacement_sign():
    """Found by Hypothesis on PostgreSQL, which refuses NUL in text: the whole import
    failed there and passed on SQLite."""
    row = f"2026-08-01 22:15;{CENTRUM[0]};{CENTRUM[1]};Stöld;a\x00b;K\x001\n"
    text = "time;lat;lon;type;text;id\n" + row
    result = save(text)
    assert (result.imported, result.rejected) == (1, 0)
    stored = Incident.objects.get()
    assert (stored.summary, stored.external_id) == ("a\ufffdb", "K\ufffd1")


def test_a_row_with_a_cell_more_that_reads_as_a_column_name_is_no_header():
    # Found by test_random_rows_are_imported_or_reported: the row below the header is wider
    # and "E" names SWEREF's easting, but the header above names six columns.
    text = "time,lat,lon,type,text,id\n2026-08-01 22:15,65.59,19.18,Stöld,Cykel,K-1,E\n"
    assert preview_csv(text.encode()).header == ["time", "lat", "lon", "type", "text", "id"]
    (row,) = parse(text)
    assert (row.external_id, row.offence_group) == ("K-1", OffenceGroup.THEFT)


def test_a_utf8_file_with_a_line_of_windows_1252_is_read_line_by_line():
    rows = "".join(
        f"2025-03-{d + 1:02d} 12:00;Skadegörelse;65,59;19,18;klotter på förskolan;M{d}\n"
        for d in range(20)
    )
    data = (
        ("time;type;lat;lon;text;id\n" + rows).encode()
        + "2025-03-25 12:00;Stöld;65,59;19,18;Östra skolan;MX\n".encode("cp1252")
        + "2025-03-26 12:00;Stöld;65,59;19,18;Åbacka – ”förråd”;MY\n".encode()
    )
    items = parse(data)
    assert {item.offence_group for item in items[:20]} == {OffenceGroup.VANDALISM}
    assert {item.summary for item in items[:20]} == {"klotter på förskolan"}
    assert [item.summary for item in items[20:]] == ["Östra skolan", "Åbacka – ”förråd”"]


@pytest.mark.parametrize(
    ("time", "reason"),
    [
        # "4/3/2026": no fault of the time column's (test_import_date_order.py).
        (
            "2026-02-30",
            "tiden '2026-02-30' går inte att tolka; skriv till exempel 2026-03-04 22:15",
        ),
        ("1850-03-04 22:15", "tiden '1850-03-04 22:15' har ett år utanför 1900–2100"),
        ("0026-03-04", "tiden '0026-03-04' har ett år utanför 1900–2100"),
        # Cut, and said to be: 39 characters and "…" (`importers.quoted`).
        (
            "x" * 1000,
            f"tiden '{'x' * 39}…' går inte att tolka; skriv till exempel 2026-03-04 22:15",
        ),
    ],
)
def test_a_refused_time_says_why_and_what_is_read(time, reason):
    (item,) = parse(f"time;lat;lon;type\n{time};65,59;19,18;Stöld\n")
    assert (item.reason, item.fault) == (reason, "time")


def test_a_time_ahead_and_coordinates_off_the_earth_quote_at_most_40_characters():
    # A time is read with any run of spaces before its hour, so it may be a page long.
    ahead = "2099-01-01" + " " * 5000 + "22:15"
    far = "1" * 300
    items = parse(f"time;lat;lon;type\n{ahead};65,59;19,18;Stöld\n2026-01-01;{far};19;Stöld\n")
    assert [(item.reason, item.fault) for item in items] == [
        (f"tiden {'2099-01-01' + ' ' * 29}… ligger i framtiden", "time"),
        (
            f"koordinaterna {'1' * 39}…, 19 ligger utanför jorden (SWEREF 99 TM? ange då "
            '"x" och "y" i kolumnmappningen)',
            "lat",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "time,lat,lon,type\n2026-08-01,65,5912,19,1834,Stöld\n",
            "raden har fler fält än rubrikraden – decimalkomma i en kommaseparerad fil?",
        ),
        (
            "time;lat;lon;type\n2026-08-01;65,59;19,18;;Stöld\n",
            "raden har fler fält än rubrikraden",
        ),
    ],
)
def test_a_rejected_row_with_more_fields_than_the_header_says_so(text, reason):
    (item,) = parse(text)
    assert item.reason == reason


def test_a_row_read_all_the_same_keeps_its_extra_fields_to_itself():
    # An unquoted comma in the last column, and a spreadsheet's empty cells at the end.
    text = (
        "time,lat,lon,type,text\n"
        "2026-08-01,65.59,19.18,Stöld,Cykel, blå\n"
        "2026-08-02,65.59,19.18,Brand,,,\n"
    )
    first, second = parse(text)
    assert (first.summary, second.offence_group) == ("Cykel", OffenceGroup.FIRE)


@pytest.mark.parametrize("sep", ["sep=,\n", "sep=,\r\n", '"sep=,"\n', "\ufeffSEP=,\n"])
def test_excels_sep_line_names_the_delimiter(sep):
    # Semicolons in the text: without the sep line, the delimiter would be guessed wrong.
    text = sep + "time,lat,lon,type,text\n2026-08-01,65.59,19.18,Stöld,a;b;c;d\nx,1,2,Stöld,\n"
    first, second = parse(text)
    assert first.summary == "a;b;c;d"
    assert str(second).startswith("rad 4: tiden 'x'")  # lines counted in the file


# Whole-file problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mapping", "message"),
    [
        ("", None, "rubrikrad"),
        ("time,lat,lon\n", None, "type"),
        ("time,x,type\n", None, "lat"),
        ("Datum,Lat,Lon,Typ\n", {"time": "Tid", "lat": "Lat", "lon": "Lon", "type": "Typ"}, "Tid"),
    ],
)
def test_missing_columns_are_refused(text, mapping, message):
    with pytest.raises(ImportFormatError, match=message):
        parse(text, mapping)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ([], "JSON-objekt"),
        ({"time": "T", "lat": "A", "lon": "B"}, '"type"'),
        ({"time": "T", "type": "K"}, "antingen"),
        ({"time": "T", "type": "K", "lat": "A", "lon": "B", "x": "X", "y": "Y"}, "antingen"),
        ({"time": "T", "type": "K", "lat": "A"}, "antingen"),
        ({"time": "T", "type": "K", "lat": "A", "lon": "B", "group": {"1": "mord"}}, "mord"),
        ({"time": "T", "type": "K", "lat": "A", "lon": "B", "default_group": "x"}, "default"),
        ({"time": "T", "type": "K", "lat": "A", "lon": "B", "kolumn": "C"}, "kolumn"),
        ({"time": 3, "type": "K", "lat": "A", "lon": "B"}, "kolumnnamn"),
    ],
)
def test_bad_mappings_are_refused(mapping, message):
    with pytest.raises(ImportFormatError, match=message):
        CsvMapping.from_json(mapping)


@settings(max_examples=50, deadline=None)
@given(
    mapping=st.dictionaries(
        st.sampled_from(["time", "lat", "lon", "x", "y", "type", "group", "default_group", "?"]),
        st.none()
        | st.integers()
        | st.text(max_size=8)
        | st.lists(st.text(max_size=3))
        | st.dictionaries(st.text(max_size=5), st.text(max_size=5) | st.lists(st.integers())),
    )
)
def test_any_mapping_is_accepted_or_clearly_refused(mapping):
    try:
        CsvMapping.from_json(mapping)
    except ImportFormatError as exc:
        assert str(exc)


def test_mapping_file(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"time": "Datum", "lat": "Lat", "lon": "Lon", "type": "Typ"}))
    assert load_mapping(path).time == "Datum"
    # Notepad's "Unicode": UTF-16 with a byte order mark.
    mapping = {"time": "Tid", "lat": "Lat", "lon": "Lon", "type": "Typ"}
    path.write_text(json.dumps(mapping), "utf-16")
    assert load_mapping(path).time == "Tid"
    path.write_bytes('{"time": "Händelsetid"}'.encode("utf-16-le"))
    with pytest.raises(ImportFormatError, match=r"json är inte text i UTF-8. Spara den som UTF-8"):
        load_mapping(path)
    path.write_bytes('{"time": "Tid"}'.encode("utf-16-le"))  # no byte order mark, no ä either
    with pytest.raises(ImportFormatError, match=r"mapping.json är inte text i UTF-8"):
        load_mapping(path)
    path.write_text("[" * 200_000)
    with pytest.raises(ImportFormatError, match=r"mapping.json är för djupt nästlad"):
        load_mapping(path)
    path.write_text("{")
    with pytest.raises(ImportFormatError, match="inte giltig JSON"):
        load_mapping(path)
    with pytest.raises(ImportFormatError, match="Kunde inte läsa"):
        load_mapping(tmp_path / "missing.json")


# Saving -----------------------------------------------------------------------------------


def test_positions_in_the_municipality_get_their_area(municipality):
    result = save(WGS84_CSV)
    assert (result.imported, result.duplicates, result.rejected) == (2, 0, 0)
    inside = Incident.objects.get(external_id="A1")
    assert inside.precise
    assert inside.area.name == "Centrum"
    assert inside.municipality_code == "2505"
    outside = Incident.objects.get(external_id="A2")
    assert (outside.area, outside.municipality_code, outside.precise) == (None, "", True)


def test_sweref_positions_get_their_area_too(municipality):
    x, y = sweref(*CENTRUM)
    save(f"time;x;y;type\n2026-08-01 22:15;{x};{y};Stöld\n")
    assert Incident.objects.get().area.name == "Centrum"


@pytest.mark.django_db
def test_reimport_with_ids_adds_nothing():
    assert save(WGS84_CSV).imported == 2
    again = save(WGS84_CSV)
    assert (again.imported, again.duplicates) == (0, 2)
    assert Incident.objects.count() == 2


@pytest.mark.django_db
def test_reimport_without_ids_adds_nothing():
    text = (
        "time;lat;lon;type\n"
        "2026-08-01 22:15;65,59;19,18;Stöld\n"
        "2026-08-01 22:15;65,59;19,18;Brand\n"
    )
    assert save(text).imported == 2
    # The same rows written differently (comma file, other time notation) are the same rows.
    again = save("time,lat,lon,type\n2026-08-01T22.15,65.59,19.18,Stöld\n")
    assert (again.imported, again.duplicates) == (0, 1)
    assert Incident.objects.count() == 2


@pytest.mark.django_db
def test_identical_rows_in_one_file_count_once():
    row = "2026-08-01,65.59,19.18,Stöld\n"
    result = save("time,lat,lon,type\n" + row * 3)
    assert (result.imported, result.duplicates) == (1, 2)


# Hypothesis -------------------------------------------------------------------------------

cell = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(
    ["2026-08-01", "2026-13-01", "65,59", "19.18", "Stöld", "Inbrott", "7276543", "", '"', ";"]
)
row = st.lists(cell, min_size=0, max_size=7)


def _csv_line(cells: list[str], delimiter: str) -> str:
    return delimiter.join(cells)


@settings(
    max_examples=50,
    deadline=None,
    # The municipality is the same for every example; only the rows vary.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(row, max_size=8), delimiter=st.sampled_from([",", ";"]))
def test_random_rows_are_imported_or_reported(municipality, rows, delimiter):
    header = delimiter.join(["time", "lat", "lon", "type", "text", "id"])
    text = "\n".join([header, *(_csv_line(cells, delimiter) for cells in rows)])
    result = save(text)
    counted = result.imported + result.duplicates + result.rejected
    # A cell may hold a line break of its own, so rows are bounded by lines, not by `rows`.
    assert counted <= text.count("\n") + text.count("\r")
    assert result.rejected == len(result.errors)
    assert all(error.startswith("rad ") for error in result.errors)


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), with_header=st.booleans())
def test_random_bytes_never_raise_anything_but_a_clear_refusal(data, with_header):
    if with_header:
        data = b"time;lat;lon;type\n" + data
    try:
        result = save(data)
    except ImportFormatError as exc:
        assert str(exc)
        return
    assert result.rejected == len(result.errors)


nearly_valid_row = st.tuples(
    st.sampled_from(["2026-08-01 22:15", "2026-08-01T7.05", "2026-02-30", "", "x"]),
    st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=65.5, max_value=65.7),
    st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=19.1, max_value=19.3),
    st.sampled_from(["Stöld", "Inbrott", "Skadegörelse", "vandalism", "Tjuvjakt", ""]),
    st.text(max_size=20),
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(nearly_valid_row, min_size=1, max_size=10))
def test_nearly_valid_rows_are_each_imported_duplicated_or_reported(municipality, rows):
    lines = ["time;lat;lon;type;text"]
    for time, lat, lon, kind, text in rows:
        text = text.replace('"', '""')
        lines.append(f'{time};{str(lat).replace(".", ",")};{lon};{kind};"{text}"')
    result = save("\n".join(lines) + "\n")
    assert result.imported + result.duplicates + result.rejected == len(rows)
    assert result.rejected == len(result.errors)
    assert not Incident.objects.filter(precise=True, lat__isnull=True).exists()


# Headers ----------------------------------------------------------------------------------

TWO_DATES = (
    "tid;tid;typ;lat;lon\n"
    f"2026-10-05 22:15;2026-10-07 09:00;Stöld;{CENTRUM[0]};{CENTRUM[1]}\n"
)


def test_a_repeated_column_name_is_told_apart_everywhere_the_header_is_read():
    """Two "tid" columns (an export's event date and reported date): both were offered as
    "tid", and choosing the second read the first, silently."""
    assert preview_csv(TWO_DATES.encode()).header == ["tid", "tid (2)", "typ", "lat", "lon"]
    assert guess_mapping(preview_csv(TWO_DATES.encode()).header)["time"] == "tid"
    first = {"time": "tid", "type": "typ", "lat": "lat", "lon": "lon"}
    (read,) = parse(TWO_DATES, first)
    assert read.occurred_at == datetime(2026, 10, 5, 22, 15, tzinfo=STOCKHOLM)
    # The second, as the mapping page offers it and a mapping file names it.
    (read,) = parse(TWO_DATES, first | {"time": "tid (2)"})
    assert read.occurred_at == datetime(2026, 10, 7, 9, 0, tzinfo=STOCKHOLM)
    assert unrecognised_types(TWO_DATES.replace("Stöld", "Tjuvjakt").encode(), "tid (2)").types[
        0
    ] == TypeCount("2026-10-07 09:00", 1)


@pytest.mark.parametrize(
    ("header", "told"),
    [
        # Case aside, as columns are looked up: "Tid" and "tid" are one name.
        ("Tid;tid;TID", ["Tid", "tid (2)", "TID (3)"]),
        # A number a column already has is passed over.
        ("tid;tid;tid (2)", ["tid", "tid (3)", "tid (2)"]),
        ("a (2);a;a", ["a (2)", "a", "a (3)"]),
        # Blank names are no column to choose, and stay blank.
        ("tid;;typ;;lat", ["tid", "", "typ", "", "lat"]),
    ],
)
def test_repeated_names_are_numbered_each_once(header, told):
    data = f"{header};lon\n2026-10-05;1;2;3;4;5\n".encode()
    assert preview_csv(data).header == [*told, "lon"]


def test_a_header_of_one_name_many_times_is_numbered_at_once():
    header = ";".join(["tid"] * 60_000)
    names = preview_csv(f"{header}\n1\n".encode()).header
    assert names[-1] == "tid (60000)" and len(set(names)) == 60_000


@pytest.mark.parametrize("empty", [";;;;", "", ",,,,", "sep=;\n;;;;"])
def test_an_empty_header_line_is_said_to_be_empty(empty):
    """The header line left empty: the row below was taken for the header, and the upload
    said "Filen har en rubrikrad men inga rader med händelser under den"."""
    delimiter = "," if empty.startswith(",") else ";"
    row = delimiter.join(["2026-10-05 12:00", "Stöld", "65.59", "19.18"])
    line = 2 if empty.startswith("sep") else 1
    message = f"Rubrikraden är tom: rad {line} har inga kolumnnamn"
    for rows in ([row], [row, row]):
        data = (empty + "\n" + "\n".join(rows) + "\n").encode()
        with pytest.raises(ImportFormatError, match=message):
            preview_csv(data)
        # The command's reader too, whose mapping names columns the file lacks.
        with pytest.raises(ImportFormatError, match=message):
            parse(data)


def test_blank_rows_above_a_header_are_no_empty_header():
    data = ";;;;\n\ntid;typ;lat;lon\n2026-10-05 12:00;Stöld;65.59;19.18\n".encode()
    assert preview_csv(data).header == ["tid", "typ", "lat", "lon"]
    # A header of names only the mapping knows, on the command line, is still read.
    data = ";;;;\nNär;Vad;Var 1;Var 2\n2026-10-05 12:00;Stöld;65.59;19.18\n".encode()
    (read,) = parse(data, {"time": "När", "type": "Vad", "lat": "Var 1", "lon": "Var 2"})
    assert read.offence_group == OffenceGroup.THEFT
    # Nor is one whose names the mapping lacks: the missing column is named, as ever.
    with pytest.raises(ImportFormatError, match="Kolumnen saknas i filen: time"):
        parse(data)


# Where a row lies -------------------------------------------------------------------------


def in_arvidsjaur(lat: float, lon: float) -> bool:
    return 65.5 < lat < 65.7 and 19.0 < lon < 19.3


def read_in(text: str, **options) -> list:
    return list(read_csv(text.encode(), within=in_arvidsjaur, **options).rows())


def test_sweref_metres_in_the_lat_lon_columns_name_the_fields_as_the_reader_knows_them():
    text = "time;lat;lon;type\n2026-10-05;7281000;1721000;Stöld\n"
    (command,) = read_in(text)
    assert command.reason == (
        "koordinaterna 7281000, 1721000 ligger utanför jorden (SWEREF 99 TM? ange då "
        '"x" och "y" i kolumnmappningen)'
    )
    # The upload page's fields are labelled, not keyed: the hint names the labels.
    (page,) = read_in(text, labels=True)
    assert page.reason == (
        "koordinaterna 7281000, 1721000 ligger utanför jorden (SWEREF 99 TM? välj då "
        "kolumnerna som ”X, norrkoordinat (SWEREF 99 TM)” och ”Y, östkoordinat "
        "(SWEREF 99 TM)” i stället för latitud och longitud)"
    )
    assert (page.fault, page.shape) == ("lat", True)


def test_latitude_and_longitude_swapped_are_said_to_be():
    (swapped, outside) = read_in(
        "time;lat;lon;type\n2026-10-05;19.18;65.59;Stöld\n2026-10-05;59.33;18.07;Stöld\n"
    )
    assert swapped.reason == "platsen ligger utanför kommunen (latitud och longitud förväxlade?)"
    # The columns' fault, as a time column of types is: the upload page says so by the field.
    assert (swapped.fault, swapped.shape) == ("lat", True)
    assert (outside.reason, outside.fault, outside.shape) == (
        "platsen ligger utanför kommunen", "", False
    )


def test_a_row_in_another_municipality_names_it(municipality, django_assert_num_queries):
    from tryggve.analytics.importers import read_municipality_csv
    from tryggve.conftest import ARJEPLOG

    rows = [f"2026-10-{day:02d};Stöld;{ARJEPLOG[0]};{ARJEPLOG[1]}" for day in range(1, 21)]
    rows.append("2026-10-05;Stöld;59.33;18.07")  # Stockholm: no municipality we know
    data = ("tid;typ;lat;lon\n" + "\n".join(rows) + "\n").encode()
    mapping = CsvMapping.from_json({"time": "tid", "type": "typ", "lat": "lat", "lon": "lon"})
    table = read_municipality_csv(data, mapping, municipality=municipality)
    # The other municipalities are read once, not once per row.
    with django_assert_num_queries(1):
        read = list(table.rows())
    assert {item.reason for item in read[:20]} == {
        "platsen ligger utanför kommunen, i Arjeplogs kommun"
    }
    assert read[20].reason == "platsen ligger utanför kommunen"


# Dates the year first ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "moment"),
    [
        ("2026/10/05 22:15", datetime(2026, 10, 5, 22, 15, tzinfo=STOCKHOLM)),
        ("20261005 1200", datetime(2026, 10, 5, 12, 0, tzinfo=STOCKHOLM)),
        ("2026-10-05 kl. 1430", datetime(2026, 10, 5, 14, 30, tzinfo=STOCKHOLM)),
    ],
)
def test_dates_written_the_year_first_are_read(time, moment):
    (read,) = parse(f"time;lat;lon;type\n{time};65,59;19,18;Stöld\n")
    assert (read.occurred_at, read.time_known) == (moment, True)


def test_a_date_with_slashes_the_year_first_is_a_date_for_the_clock_column():
    (read,) = parse(
        "tid;kl;lat;lon;typ\n2026/10/05;1205;65,59;19,18;Stöld\n",
        {"time": "tid", "clock": "kl", "lat": "lat", "lon": "lon", "type": "typ"},
    )
    assert read.occurred_at == datetime(2026, 10, 5, 12, 5, tzinfo=STOCKHOLM)


def test_a_missing_column_is_named_in_a_short_message():
    """The file's column names are quoted in the message, shortened: a 100,000-character
    "column" must not come back as a page of that size."""
    header = "tid;typ;lat;lon;" + "x" * 100_000
    mapping = {"time": "tid", "type": "typ", "lat": "lat", "lon": "saknas" + "y" * 100_000}
    with pytest.raises(ImportFormatError) as raised:
        parse(header + "\n2026-11-20 10:00;Inbrott;65.5;19.1;1\n", mapping)
    assert str(raised.value).startswith("Kolumnen saknas i filen: saknas")
    assert len(str(raised.value)) < 700


# The types a file's column holds that the importer does not know ---------------------------


def test_unrecognised_types_counts_the_whole_file_as_the_importer_compares():
    rows = "".join(f"2026-08-0{n % 9 + 1};Tagg;1;2\n" for n in range(20))
    text = (
        "\ufeffTid;TYP;lat;lon\n"
        + rows
        + "2026-08-01;  tagg  ;1;2\n"
        + "2026-08-01;Nedskräpning;1;2\n"
        + "2026-08-01;skadegörelse;1;2\n"  # a police type, whatever its case
        + "2026-08-01;vandalism;1;2\n"  # a group's key
        + "2026-08-01;Ordningsstörning;1;2\n"  # a group's Swedish name
        + "2026-08-01;Trafikolycka, vilt;1;2\n"  # a police type by its prefix
        + "2026-08-01;;1;2\n;;;\n2026-08-01\n"  # no type: nothing to map
        + '2026-08-01;Tjuvjakt;1;"2\n'  # a quote never closed: rejected by the import
        + "2026-08-01;Senare;1;2\n"  # read as a row of its own, as by the import
    )
    census = unrecognised_types(text.encode(), "typ")
    assert census.types[0] == TypeCount("Tagg", 21)
    assert census.types[1:] == [TypeCount("Nedskräpning", 1), TypeCount("Senare", 1)]
    assert (census.distinct, census.left_out) == (3, 0)


def test_unrecognised_types_lists_the_most_common_up_to_the_limit():
    rows = [f"2026-08-01;Typ {n:03};1;2" for n in range(120)] + ["2026-08-01;Typ 119;1;2"]
    census = unrecognised_types(("time;type;lat;lon\n" + "\n".join(rows)).encode(), "type")
    assert len(census.types) == 50 and (census.distinct, census.left_out) == (120, 70)
    assert census.types[0] == TypeCount("Typ 119", 2)
    assert [count.value for count in census.types[1:3]] == ["Typ 000", "Typ 001"]


def test_unrecognised_types_of_a_column_the_file_lacks_is_empty():
    census = unrecognised_types(b"time;type;lat;lon\n2026-08-01;Klotter;1;2\n", "kategori")
    assert (census.types, census.distinct) == ([], 0)


def test_a_mapped_type_is_matched_by_its_whole_value():
    long_value = "Egen typ " + "x" * 5_000
    text = f"time;type;lat;lon\n2026-08-01;{long_value};{CENTRUM[0]};{CENTRUM[1]}\n"
    columns = {"time": "time", "type": "type", "lat": "lat", "lon": "lon"}
    # Not by the hundred characters an incident keeps of its type.
    [refused] = parse(text, columns | {"group": {long_value[:100]: "theft"}})
    assert isinstance(refused, Rejection)
    [incident] = parse(text, columns | {"group": {long_value: "theft"}})
    assert incident.offence_group == "theft" and incident.type_label == long_value[:100]

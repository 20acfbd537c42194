"""The one parser for files, times and numbers (tryggve/lib/parsing.py), and that the
importers and the forecast's command-line tool read the same file the same way."""

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from tryggve.analytics import forecast, importers
from tryggve.lib.parsing import (
    STOCKHOLM,
    decode_text,
    local_wall_clock,
    parse_date,
    parse_datetime,
    parse_number,
)

TEXT = "tid;lat;lon;plats\n2026-03-01 10:00;65,59;19,18;Åkergränd\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("cp1252"),
        TEXT.encode("latin-1"),
        TEXT.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "latin-1", "utf-16-bom"],
)
def test_every_encoding_a_spreadsheet_writes(data):
    assert decode_text(data) == TEXT


def test_cp1252_only_characters():
    # The euro sign and curly quotes are where cp1252 and Latin-1 differ.
    assert decode_text("€ ”citat” – ok".encode("cp1252")) == "€ ”citat” – ok"


@pytest.mark.parametrize("first", ["utf-8", "cp1252"])
def test_a_file_of_utf8_and_windows_1252_lines_is_read_line_by_line(first):
    # Rows pasted from an older export: read as each line was written, not the whole file
    # as Windows-1252 ("SkadegÃ¶relse"), whichever way round, line ends of every kind.
    lines = ["Skadegörelse på förskolan\n", "Östra – ”förråd”\r\n", "Åbacka\r", "Älvsby"]
    other = "cp1252" if first == "utf-8" else "utf-8"
    data = b"".join(line.encode(code) for line, code in zip(lines, [first, other] * 2, strict=True))
    assert decode_text(data) == "".join(lines)


@pytest.mark.parametrize(
    ("text", "number"),
    [("65,5912", 65.5912), ("65.5912", 65.5912), ("-19,5", -19.5), ("7 276 543", 7276543.0),
     ("7\u00a0276\u00a0543,5", 7276543.5), ("1e3", 1000.0)],
)
def test_numbers_with_decimal_comma(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "nan", "inf", "-inf", "1,2,3", "1.2,3", "abc", "1e999"])
def test_not_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-03-01 10:00", datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),  # CET, no offset
        ("2026-07-01 10:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),  # CEST
        ("2026-03-01T10:00Z", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
        ("2026-03-01T10:00+00:00", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
        ("2026-03-01 10:00 +0100", datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
        ("2026-03-01T10:00:00.5-05:00", datetime(2026, 3, 1, 15, 0, tzinfo=UTC)),
        ("2026-03-01 7.05", datetime(2026, 3, 1, 6, 5, tzinfo=UTC)),
    ],
)
def test_offsets(text, utc):
    assert parse_datetime(text) == utc


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("5 mars 2026", datetime(2026, 3, 5)),
        ("den 5 mars 2026 14:30", datetime(2026, 3, 5, 14, 30)),
        ("13 April 2026 22.10", datetime(2026, 4, 13, 22, 10)),
        ("5 okt. 2026", datetime(2026, 10, 5)),
        ("20260305", datetime(2026, 3, 5)),
        ("20260705 14:30", datetime(2026, 7, 5, 14, 30)),
        ("2026-03-05 kl. 14.30", datetime(2026, 3, 5, 14, 30)),
        ("2026-07-05 Kl 8.05", datetime(2026, 7, 5, 8, 5)),
        # The year first with slashes or dots: only one order can be meant.
        ("2026/10/05", datetime(2026, 10, 5)),
        ("2026/10/5 22:15", datetime(2026, 10, 5, 22, 15)),
        ("2026.10.05 14.30", datetime(2026, 10, 5, 14, 30)),
        # A clock time of four digits, as a column of clock times may write it ("1205").
        ("20261005 1200", datetime(2026, 10, 5, 12, 0)),
        ("2026-10-05 0930", datetime(2026, 10, 5, 9, 30)),
        ("2026-03-05 kl. 1430", datetime(2026, 3, 5, 14, 30)),
    ],
)
def test_swedish_dates_that_cannot_be_misread(text, local):
    assert local_wall_clock(parse_datetime(text)) == local


@pytest.mark.parametrize(
    "text",
    [
        "05/03/2026",
        "5 marsipan 2026",
        "32 mars 2026",
        "20261305",
        "2026030",
        "kl. 14.30",
        "2026/13/05",
        "2026/10-05",
        "20261005 2500",
        "20261005 1260",
        "20261005 120",
        "20261005 120000",
    ],
)
def test_dates_that_could_be_misread_or_are_none_are_not_read(text):
    assert parse_datetime(text) is None and parse_date(text) is None


def test_a_date_in_words_or_digits_alone_is_a_date():
    assert parse_date("5 mars 2026") == parse_date("20260305") == date(2026, 3, 5)
    assert parse_date("5 mars 2026 14:30") is None
    assert parse_date("2026/10/05") == parse_date("2026.10.05") == date(2026, 10, 5)
    assert parse_date("20261005 1200") is None


def test_local_wall_clock_is_swedish_time():
    assert local_wall_clock(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == datetime(2026, 7, 1, 10)
    assert local_wall_clock(datetime(2026, 3, 1, 10, tzinfo=STOCKHOLM)) == datetime(2026, 3, 1, 10)


@pytest.mark.parametrize(
    "text", ["2026-03-01T10:00Z", "2026-03-01 11:00+01:00", "2026-03-01 11:00", "2026-03-01 11.00"]
)
def test_importer_and_forecast_agree_on_a_time(text):
    imported = importers.parse_datetime(text)
    assert forecast.parse_time(text) == local_wall_clock(imported) == datetime(2026, 3, 1, 11)


def test_forecast_reads_a_cp1252_file_with_decimal_commas(tmp_path):
    events = tmp_path / "e.csv"
    events.write_bytes(
        "time;lat;lon;plats\n2025-03-01T10:00Z;65,59;19,18;Östra gärdet €\n".encode("cp1252")
    )
    loaded = forecast.load_events(events)
    assert loaded.lat.tolist() == [65.59] and loaded.lon.tolist() == [19.18]
    # 10:00 UTC is 11:00 in Stockholm in March.
    assert forecast.to_days(datetime(2025, 3, 1, 11)) == loaded.t[0]


def test_the_shared_parser_needs_no_django():
    code = (
        "import sys; import tryggve.lib.parsing, tryggve.analytics.forecast; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)  # noqa: S603
    assert done.returncode == 0, done.stderr

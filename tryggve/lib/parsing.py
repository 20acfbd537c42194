"""Reading text files, times and numbers as Swedish spreadsheets and feeds write them.

One parser for the whole service: the incident importers (`analytics/importers.py`) and the
forecast's command-line tool (`analytics/forecast.py`) both use it, so a file means the same
to both. It imports nothing from Django, because the forecast runs without it.

- Text: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), else
  Windows-1252 (Excel's "CSV" on Swedish Windows; a superset of Latin-1's letters), line by
  line, so a UTF-8 file with a few lines of Windows-1252 pasted in is read right throughout.
- Times: ISO-like, the hour with or without its leading zero, "17.59" as well as "17:59",
  fractions of seconds, an offset (`Z`, `+01:00`, `+0100`) or none; without an offset the time
  is Swedish local time. The result is aware, so a UTC time lands on the right local hour.
- Numbers: the decimal comma as well as the point, spaces between digit groups; never NaN
  or infinity.
"""

from __future__ import annotations

import codecs
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The years a time may have; outside them a time is a typing error, not a date.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d{1,9})?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
# The first line Excel reads as the delimiter's name ("sep=;") and files meant for Excel
# begin with: not the header. The importers and the forecast's command line both skip it.
EXCEL_SEP_RE = re.compile(r'^\ufeff?"?sep=([;,\t|])"?[ \t]*(?:\r\n|\r|\n|$)', re.IGNORECASE)
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else each line that is not UTF-8 as
    Windows-1252, as Excel writes it."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Line by line: a file pieced together from two exports (rows pasted from an older
    # system into a UTF-8 file, or the other way round) is read as each line was written.
    # Read whole as Windows-1252, every å, ä and ö of the UTF-8 lines would be stored garbled
    # ("SkadegÃ¶relse"); refused, staff would have to mend one line in an editor, which Excel
    # cannot do (it opens such a file as Windows-1252 and garbles the rest). A line of
    # Windows-1252 is valid UTF-8 too only when each of its letters beyond ASCII is a capital
    # right before a sign such as "”" or "–" (an å, ä or ö before a letter is never UTF-8):
    # a pure Windows-1252 file reads as before.
    return "".join(_decode_line(line) for line in data.splitlines(keepends=True))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; those cannot be meant as text anyway.
        return line.decode("cp1252", errors="replace")


def parse_datetime(value: str, default_tz: ZoneInfo = STOCKHOLM) -> datetime | None:
    """An aware datetime from ISO-like text, or None (see the module's docstring)."""
    match = _DATETIME_RE.match(" ".join(str(value).split()))
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        return None
    try:
        if offset is None:
            tz = default_tz
        elif offset.upper() == "Z":
            tz = UTC
        else:
            digits = offset[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            tz = timezone(delta if offset[0] == "+" else -delta)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:  # 2026-02-30, 25:00, an offset of 99 hours
        return None


def datetime_year(value: str) -> int | None:
    """The year of text written as `parse_datetime` reads times, whether or not the rest is a
    valid time, so that a refusal can say it was the year; None for text of another form."""
    match = _DATETIME_RE.match(" ".join(str(value).split()))
    return int(match.group(1)) if match else None


def local_wall_clock(moment: datetime) -> datetime:
    """The naive Swedish local time of an aware moment (the forecast's time axis)."""
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None)


def parse_number(value: str) -> float | None:
    """A finite float; accepts the decimal comma and spaces between digit groups."""
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER_RE.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None

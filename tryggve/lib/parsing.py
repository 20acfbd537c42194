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
  The date may also be written "20260305", "2026/03/05" or "5 mars 2026", "kl." may come
  before the clock time ("2026-03-05 kl. 14.30"), and the clock time may be four digits
  ("20260305 1430", as `parse_clock` reads one in a column of its own): Swedish forms that
  cannot be misread, the year first or the month in words. "05/03/2026"
  is read only in the order the person importing names (`in_date_order`): it is 5 March
  in Sweden and 3 May in an American export.
- Dates without a clock ("2026-10-05", `parse_date`) and clock times in a column of their own
  ("12:05", "12.05", "1205", "12:05:30", "kl. 12.05"; `parse_clock`), which `local_moment`
  puts together as Swedish local time.
- Numbers: the decimal comma as well as the point, spaces between digit groups; never NaN
  or infinity.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
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


# Swedish month names (as the police feed's event names and people write dates): number
# by name, and by its first three letters ("5 okt. 2026").
SWEDISH_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in SWEDISH_MONTHS.items()}
# "5 mars 2026", "den 5 mars 2026", "5 mar. 2026": the month by its name or its first three
# letters, as Excel's long date and people write it.
_WORDS_DATE_RE = re.compile(
    r"^(?:den\s+)?(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})(?=$|\s)", re.IGNORECASE
)
# "20260305", as registers and file names write a date.
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?=$|[ T])")
# "2026/03/05" (or "2026.03.05"): the year first, so only one order can be meant, unlike
# "05/03/2026" (`in_date_order`).
_YEAR_FIRST_DATE_RE = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?=$|[ T])")
# "kl." or "kl" between a date and its clock time ("2026-03-05 kl. 14.30").
_KL_RE = re.compile(r"^(\S+)\s+kl\.?\s*(?=\d)", re.IGNORECASE)
# A clock time of four digits ending the text ("2026-03-05 1430"): hours and minutes, as
# `parse_clock` reads "1430" in a column of clock times. Never three digits nor six.
_FOUR_DIGIT_CLOCK_RE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}[ T])(\d{2})(\d{2})$")


def _iso_form(value) -> str:
    """Text of a time with its whitespace tidied and a date of the other Swedish forms
    (see the module's docstring) written as ISO, for `_DATETIME_RE`."""
    text = " ".join(str(value).split())
    if match := _WORDS_DATE_RE.match(text):
        day, name, year = match.groups()
        name = name.lower()
        month = SWEDISH_MONTHS.get(name) or _MONTH_ABBREVIATIONS.get(name)
        if month is not None:
            text = f"{year}-{month:02d}-{int(day):02d}{text[match.end() :]}"
    elif match := _COMPACT_DATE_RE.match(text):
        text = "{}-{}-{}{}".format(*match.groups(), text[match.end() :])
    elif match := _YEAR_FIRST_DATE_RE.match(text):
        year, _separator, month, day = match.groups()
        text = f"{year}-{month}-{day}{text[match.end() :]}"
    text = _KL_RE.sub(r"\1 ", text)
    return _FOUR_DIGIT_CLOCK_RE.sub(r"\1\2:\3", text)


# The two orders a date of numbers only may be written in ("05/03/2026", "5.3.2026"): day
# first as in Sweden and Britain, month first as in an American export. The file cannot
# say which, so the person importing it does (the mapping's `date_order`).
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?=$|[\sT])")


def in_date_order(value: str, order: str | None) -> str:
    """`value` with a date of numbers only at its start written as ISO ("2026-03-05"),
    read in `order` (`DAY_FIRST` or `MONTH_FIRST`); unchanged without an order or such a
    date, so "2026-03-05" and "5 mars 2026" mean what they always do."""
    text = " ".join(str(value).split())
    match = _NUMERIC_DATE_RE.match(text)
    if order not in (DAY_FIRST, MONTH_FIRST) or not match:
        return text
    first, second, year = match.groups()
    day, month = (first, second) if order == DAY_FIRST else (second, first)
    return f"{year}-{int(month):02d}-{int(day):02d}{text[match.end() :]}"


def needs_date_order(value: str) -> bool:
    """Whether `value` starts with a date of numbers only, which no order was given for."""
    return bool(_NUMERIC_DATE_RE.match(" ".join(str(value).split())))


def guess_date_order(values: list[str]) -> str:
    """The order of a column's numeric dates when its values prove it: a first number over
    12 is a day (`DAY_FIRST`), a second one a day too (`MONTH_FIRST`); "" when they do not
    (every number 12 or less, or both kinds: a column that is no date column)."""
    firsts, seconds = [], []
    for value in values:
        if match := _NUMERIC_DATE_RE.match(" ".join(str(value).split())):
            firsts.append(int(match.group(1)))
            seconds.append(int(match.group(2)))
    day_first = any(n > 12 for n in firsts) and all(n <= 12 for n in seconds)
    month_first = any(n > 12 for n in seconds) and all(n <= 12 for n in firsts)
    return DAY_FIRST if day_first else MONTH_FIRST if month_first else ""


def json_error_place(exc: ValueError) -> str:
    """Where JSON stopped being readable, in words (Python's reason is English and
    technical): the line and character, or a number too long to read. Django's gettext is
    imported here, not above, so that the forecast can import this module without Django."""
    from django.utils.translation import gettext as _

    if isinstance(exc, json.JSONDecodeError):
        return _("fel på rad %(line)d, tecken %(column)d.") % {
            "line": exc.lineno, "column": exc.colno
        }
    if isinstance(exc, RecursionError):
        return _("listor eller objekt ligger för djupt i varandra.")
    return _("ett tal är för långt.")


def without_nul(text: str) -> str:
    """`text` with each NUL character as U+FFFD: PostgreSQL refuses NUL in text ("A string
    literal cannot contain NUL"), so one in a file's cell or a feed's field would fail the
    whole import there and pass on SQLite; it is never meant as text."""
    return text.replace("\x00", "\ufffd")


def decode_text(data: bytes, *, nul: str = "\ufffd") -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else each line that is not UTF-8 as
    Windows-1252, as Excel writes it; a NUL character as `nul` (U+FFFD: `without_nul`)."""
    return _decoded(data).replace("\x00", nul)


def _decoded(data: bytes) -> str:
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
    match = _DATETIME_RE.match(_iso_form(value))
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


def parse_date(value: str) -> date | None:
    """The calendar date of text that is a date and nothing more ("2026-10-05"), or None: a
    time with a clock or an offset is not a date only."""
    match = _DATETIME_RE.match(_iso_form(value))
    if not match or match.group(4) is not None or match.group(7) is not None:
        return None
    year, month, day = (int(part) for part in match.group(1, 2, 3))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# A clock time as Swedish files write it in a column of its own: "12:05", "12.05", "9:05",
# "12:05:30", optionally after "kl" or "kl."; and four digits "1205" (police and alarm-centre
# exports write it so). Never three digits ("905" could be 9:05 or a number) nor an hour
# alone ("12" is as likely a count as noon).
_CLOCK_RE = re.compile(
    r"^(?:kl\.?\s*)?(?:(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?|(\d{2})(\d{2}))$", re.IGNORECASE
)


def parse_clock(value: str) -> time | None:
    """A clock time from text in the forms of `_CLOCK_RE`, or None (also for 24:00, 25:10)."""
    match = _CLOCK_RE.match(" ".join(str(value).split()))
    if not match:
        return None
    hour, minute, second, hour4, minute4 = match.groups()
    try:
        if hour4 is not None:
            return time(int(hour4), int(minute4))
        return time(int(hour), int(minute), int(second or 0))
    except ValueError:
        return None


def local_moment(day: date, clock: time) -> datetime:
    """The aware moment a Swedish date and wall-clock time name. A clock time in the hour
    the clocks skip in March (02:30 on the last Sunday) is read as if the clock had not yet
    moved, so it lands an hour later (03:30 summer time); one in the hour that repeats in
    October is its first occurrence, still summer time. Both are how `parse_datetime` reads
    the same text in one column, so a file means the same in either layout."""
    return datetime.combine(day, clock, tzinfo=STOCKHOLM)


def datetime_year(value: str) -> int | None:
    """The year of text written as `parse_datetime` reads times, whether or not the rest is a
    valid time, so that a refusal can say it was the year; None for text of another form."""
    match = _DATETIME_RE.match(_iso_form(value))
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

"""Reading incidents from the police's events feed and from CSV files, without the database.

Parsers yield one `IncidentData` per good event or row and one `Rejection` per bad one, so a
broken row is reported by its line number and never stops the rest. A problem with the
whole file (not JSON, no usable header, a bad column mapping) raises `ImportFormatError`.
Placing positions in the municipality and its areas, and saving, is `services.py`'s work;
only a municipality's file asks where a row outside it lies (`read_municipality_csv`: the
other municipalities read once).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tryggve.analytics.models import IncidentSource, OffenceGroup
from tryggve.areas.selectors import municipality_finder
from tryggve.lib.geo import to_wgs84
from tryggve.lib.parsing import (
    DAY_FIRST,
    EXCEL_SEP_RE,
    FIRST_YEAR,
    LAST_YEAR,
    MONTH_FIRST,
    STOCKHOLM,
    SWEDISH_MONTHS,
    datetime_year,
    decode_text,
    in_date_order,
    json_error_place,
    local_moment,
    needs_date_order,
    parse_clock,
    parse_date,
    parse_datetime,
    parse_number,
    without_nul,
)

POLICE_SITE = "https://polisen.se"
MAX_ID = 100
MAX_LABEL = 100
MAX_NAME = 100
MAX_URL = 500
# A file's source system as the person importing names it ("Securitas", "Händelserapport 2"):
# short, since it goes before each of the file's ids (`namespaced_id`).
MAX_SYSTEM = 40


class ImportFormatError(ValueError):
    """The whole file cannot be used; the message is fit to show a person."""


@dataclass(frozen=True)
class IncidentData:
    """One parsed incident, not yet placed in an area nor saved."""

    source: str
    external_id: str
    occurred_at: datetime
    offence_group: str
    type_label: str = ""
    lat: float | None = None
    lon: float | None = None
    precise: bool = False
    municipality_code: str = ""
    municipality_name: str = ""
    # The county ("Norrbottens län") of an event the police place in a county only: it may
    # be served here only if one of the served municipalities lies in it.
    county: str = ""
    summary: str = ""
    source_url: str = ""
    # One line of a police summary ("Sammanfattning natt") rather than an event of its own;
    # see `split_summary` and the double-counting rule in `services`.
    summary_part: bool = False
    # A CSV row's line ("rad 17"), for what is found wrong with it only when saving; the
    # file's own id ("" for a row known by its hash), which an id already stored with
    # other contents is reported by; and, when the file's source system was named, the id
    # it would have had without one (`external_id` is then `namespaced_id`'s).
    where: str = ""
    file_id: str = ""
    bare_id: str = ""
    # Where an earlier import stored the row (`earlier_ids`): `alias_id` is its own id as
    # stored then ("" for none), and `earlier_ids` are ids it may have been stored under,
    # the same incident when it agrees with the row and another's otherwise.
    alias_id: str = ""
    earlier_ids: tuple[str, ...] = ()
    # False for a file's row that gave a date but no clock time (`occurred_at` is then the
    # date's `UNKNOWN_CLOCK`), and for a line of a police digest (`occurred_at` is the
    # digest's, written the morning after): it counts for its day, never for an hour.
    time_known: bool = True


@dataclass(frozen=True)
class Rejection:
    """A bad event or row: where it is (\"rad 7\") and why it was skipped; `fault` names the
    column mapping's field whose column held the bad value ("time", "lat", "x", "type",
    "id", "default_group"), when one did."""

    where: str
    reason: str
    fault: str = ""
    # The value is there but not of its field's kind (a time that is no time, coordinates
    # that are no coordinates): a sign of a wrong column, where a missing value is not.
    shape: bool = False
    # Where a police event that could not be read took place, when that much could be read
    # (as in `IncidentData`): one call of the feed serves every municipality, and each one's
    # staff may learn only of their own rejected events (`ImportResult.rejected_by_code`).
    municipality_code: str = ""
    municipality_name: str = ""
    county: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class Skipped:
    """A row that is neither an incident nor a mistake: an export's totals row ("Summa;;3",
    `is_total_row`). Counted apart (`ImportResult.skipped`), never rejected nor imported."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


Parsed = IncidentData | Rejection | Skipped


# Classification ---------------------------------------------------------------------------

# The police feed's `type`, exactly as written (as seen over about 85,000 events). Alarms,
# suspicions and recoveries ("Larm Inbrott", "Skottlossning, misstänkt", "Brand automatlarm",
# "Motorfordon, anträffat stulet") are deliberately left in `other`: they say a call came in,
# not that the offence happened. "Sammanfattning natt" and the other summaries are the
# police's digests, also `other`.
POLICE_TYPE_GROUPS: dict[str, str] = {
    "Skadegörelse": OffenceGroup.VANDALISM,
    "Misshandel": OffenceGroup.VIOLENCE,
    "Misshandel, grov": OffenceGroup.VIOLENCE,
    "Våld/hot mot tjänsteman": OffenceGroup.VIOLENCE,
    "Våld/hot mot offentlig anställd": OffenceGroup.VIOLENCE,
    "Olaga hot": OffenceGroup.VIOLENCE,
    "Mord/dråp": OffenceGroup.VIOLENCE,
    "Mord/dråp, försök": OffenceGroup.VIOLENCE,
    "Rån": OffenceGroup.VIOLENCE,
    "Rån, försök": OffenceGroup.VIOLENCE,
    "Rån övrigt": OffenceGroup.VIOLENCE,
    "Rån väpnat": OffenceGroup.VIOLENCE,
    "Skottlossning": OffenceGroup.VIOLENCE,
    "Våldtäkt": OffenceGroup.VIOLENCE,
    "Våldtäkt, försök": OffenceGroup.VIOLENCE,
    "Olaga frihetsberövande/människorov": OffenceGroup.VIOLENCE,
    "Stöld": OffenceGroup.THEFT,
    "Stöld, försök": OffenceGroup.THEFT,
    "Snatteri": OffenceGroup.THEFT,
    "Motorfordon, stöld": OffenceGroup.THEFT,
    "Rattfylleri": OffenceGroup.TRAFFIC,
    "Trafikkontroll": OffenceGroup.TRAFFIC,
    "Trafikbrott": OffenceGroup.TRAFFIC,
    "Olovlig körning": OffenceGroup.TRAFFIC,
    "Trafikhinder": OffenceGroup.TRAFFIC,
    "Ordningslagen": OffenceGroup.DISTURBANCE,
    "Fylleri": OffenceGroup.DISTURBANCE,
    "Fylleri/LOB": OffenceGroup.DISTURBANCE,
    "LOB": OffenceGroup.DISTURBANCE,
    "Bråk": OffenceGroup.DISTURBANCE,
    "Ofredande/förargelse": OffenceGroup.DISTURBANCE,
    "Smällar": OffenceGroup.DISTURBANCE,
    "Brand": OffenceGroup.FIRE,
    "Mordbrand": OffenceGroup.FIRE,
}
# All of "Trafikolycka", "Trafikolycka, personskada", "..., vilt", "..., singel", ...
POLICE_TYPE_PREFIXES: dict[str, str] = {"Trafikolycka": OffenceGroup.TRAFFIC}
BURGLARY_TYPES = frozenset({"Inbrott", "Inbrott, försök", "Stöld/inbrott"})

# Words in a burglary's summary that mean someone's dwelling, holiday homes included: in a
# municipality like Arvidsjaur a break-in at a "fritidshus" worries residents as much as one
# in a flat. Storage and outbuildings ("källarförråd", "förråd", "garage", "villagarage",
# "uterum", "fristående byggnad") are not dwellings, as in Brå's statistics, so they stay
# `other_burglary`. Whole words only, so "bostadsområde" or "villagarage" do not match.
RESIDENTIAL_WORDS = re.compile(
    r"\b(?:bostad|bostaden|bostäder|bostäderna|bostadshus|bostadshuset|"
    r"lägenhet|lägenheten|lägenheter|lägenheterna|"
    r"villa|villan|villor|villorna|hus|huset|husen|radhus|radhuset|radhusen|parhus|parhuset|"
    r"kedjehus|kedjehuset|fritidshus|fritidshuset|fritidshusen|sommarstuga|sommarstugan|"
    r"stuga|stugan|stugor|hemmet)\b",
    re.IGNORECASE,
)


def _normalise(text: str) -> str:
    """Text as read and kept: composed (NFC, so an "ä" typed as "a" and a combining mark is
    the "ä" of every other file) and its whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def type_key(type_label: str) -> str:
    """A type as compared wherever a type is mapped to a group (the police feed's table, a
    file's types, the mapping's `group`, the upload page's list): `_normalise`d and case
    folded, so "inbrott", " Inbrott " and "INBROTT" are the one type "Inbrott". Folding may
    decompose a letter, hence NFC again."""
    return unicodedata.normalize("NFC", _normalise(type_label).casefold())


# The tables above as compared (`type_key`).
_POLICE_TYPE_KEYS = {type_key(label): group for label, group in POLICE_TYPE_GROUPS.items()}
_POLICE_PREFIX_KEYS = {type_key(label): group for label, group in POLICE_TYPE_PREFIXES.items()}
_BURGLARY_KEYS = frozenset(type_key(label) for label in BURGLARY_TYPES)


def police_type_group(type_label: str, summary: str = "") -> str | None:
    """The group of a police-feed type, or None when the type is not one we know; case and
    spacing aside (`type_key`): the feed has written a type in lower case."""
    key = type_key(type_label)
    if key in _BURGLARY_KEYS:
        if RESIDENTIAL_WORDS.search(summary or ""):
            return OffenceGroup.RESIDENTIAL_BURGLARY
        return OffenceGroup.OTHER_BURGLARY
    if key in _POLICE_TYPE_KEYS:
        return _POLICE_TYPE_KEYS[key]
    for prefix, group in _POLICE_PREFIX_KEYS.items():
        if key.startswith(prefix):
            return group
    return None


def classify_police_event(type_label: str, summary: str = "") -> str:
    """The group of a police-feed event; types we do not know are `other`."""
    return police_type_group(type_label, summary) or OffenceGroup.OTHER


# Municipalities ---------------------------------------------------------------------------

# Name → municipality code (SCB). Norrbotten is where Tryggve runs; add counties as needed.
# Events elsewhere keep their municipality's name with a blank code.
MUNICIPALITY_CODES: dict[str, str] = {
    "arvidsjaur": "2505",
    "arjeplog": "2506",
    "jokkmokk": "2510",
    "överkalix": "2513",
    "kalix": "2514",
    "övertorneå": "2518",
    "pajala": "2521",
    "gällivare": "2523",
    "älvsbyn": "2560",
    "luleå": "2580",
    "piteå": "2581",
    "boden": "2582",
    "haparanda": "2583",
    "kiruna": "2584",
}


def municipality_key(name: str) -> str:
    """A municipality's name as compared: "Piteå kommun" and "piteå" are one."""
    return _normalise(name).lower().removesuffix(" kommun")


def municipality_code_for(name: str) -> str:
    return MUNICIPALITY_CODES.get(municipality_key(name), "")


# County name → the county's code (SCB), the first two digits of its municipalities' codes.
COUNTY_CODES: dict[str, str] = {
    "stockholms län": "01",
    "uppsala län": "03",
    "södermanlands län": "04",
    "östergötlands län": "05",
    "jönköpings län": "06",
    "kronobergs län": "07",
    "kalmar län": "08",
    "gotlands län": "09",
    "blekinge län": "10",
    "skåne län": "12",
    "hallands län": "13",
    "västra götalands län": "14",
    "värmlands län": "17",
    "örebro län": "18",
    "västmanlands län": "19",
    "dalarnas län": "20",
    "gävleborgs län": "21",
    "västernorrlands län": "22",
    "jämtlands län": "23",
    "västerbottens län": "24",
    "norrbottens län": "25",
}


def county_code_for(name: str) -> str:
    """The county's code, or "" for a name that is not a Swedish county's."""
    return COUNTY_CODES.get(_normalise(name).lower(), "")


def _is_county(name: str) -> bool:
    return _normalise(name).lower().endswith(" län")


# Times, numbers and text are read by tryggve.lib.parsing, the one parser the forecast's
# command-line tool shares (imported here under the names the importers always used).


def _in_world(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


# What a refused time says the file should hold instead, in the form every reader here takes.
TIME_EXAMPLE = "2026-03-04 22:15"


# A bad value is quoted in a rejection message at most this long: a cell or a feed's field
# may be a page long, and the message is kept and shown for every rejected row.
QUOTED_MAX = 40


def quoted(value, limit: int = QUOTED_MAX) -> str:
    """A bad value (a file's cell, a feed's field of any JSON kind) as a rejection message
    quotes it: the text, or a list's or object's mere shape (never its contents, which may
    nest a thousand deep), at most `limit` characters with "…" where it was cut. The one
    rule of the CSV files and the police feed."""
    if isinstance(value, list):
        text = "[…]"
    elif isinstance(value, dict):
        text = "{…}"
    elif isinstance(value, float | int) and not isinstance(value, bool):
        # Never str() a huge int: Python refuses those over 4,300 digits.
        text = repr(value) if abs(value) < 10**50 else f"{value:.3e}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A time may lie this far ahead of the clock (a clock or time zone askew); further is a
# mistyped year, and a burglary "in 2062" would count as fresh and warn its neighbours.
# The one rule of the CSV files and the police feed.
FUTURE_SLACK = timedelta(days=1)


def future_refused(value, moment: datetime, now: datetime) -> str:
    """Why a time `moment` (read from `value`) is refused as lying ahead; "" for one that
    does not lie more than FUTURE_SLACK after `now`."""
    if moment <= now + FUTURE_SLACK:
        return ""
    return _("tiden %(value)s ligger i framtiden") % {"value": quoted(value)}


def _time_refused(value: str, order: str | None = None) -> str:
    """Why a CSV row's time was not read: its year, a date of numbers only without the
    order to read it in or not a date in the order chosen, or its form (with one that is
    read)."""
    year = datetime_year(in_date_order(value, order))
    shown = quoted(value)
    if needs_date_order(value) and order is None:
        return _(
            "tiden %(value)r kan vara dag/månad/år eller månad/dag/år; välj datumordning"
        ) % {"value": shown}
    if needs_date_order(value) and (year is None or FIRST_YEAR <= year <= LAST_YEAR):
        return _("tiden %(value)r är inget datum i ordningen %(order)s") % {
            "value": shown,
            "order": _("dag/månad/år") if order == DAY_FIRST else _("månad/dag/år"),
        }
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        return _("tiden %(value)r har ett år utanför %(first)d–%(last)d") % {
            "value": shown,
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    return _("tiden %(value)r går inte att tolka; skriv till exempel %(example)s") % {
        "value": shown,
        "example": TIME_EXAMPLE,
    }


# What a refused clock time says the file should hold instead (`parse_clock` reads more).
CLOCK_EXAMPLE = "12:05"

# The clock time a row with a date but no clock time is stored at. Noon, not midnight: the
# moment is then the same local date in every time zone a query or a conversion to UTC may
# use (local midnight is the day before in UTC), and a stray reader of the hour sees 12,
# not the small hours that made such rows look like night-time burglaries. The row is
# `time_known=False` all the same, and every count per hour or band leaves it out.
UNKNOWN_CLOCK = time(12, 0)


def _clock_refused(value: str) -> str:
    return _("klockslaget %(value)r går inte att tolka; skriv till exempel %(example)s") % {
        "value": quoted(value),
        "example": CLOCK_EXAMPLE,
    }


# The police feed --------------------------------------------------------------------------

_NAME_TIME_RE = re.compile(r"^\s*(\d{1,2})\s+([a-zåäö]+)\s+(\d{1,2})[.:](\d{2})\b", re.IGNORECASE)


def _time_from_name(name: str, published: datetime) -> datetime | None:
    """When it happened, from "22 augusti 17.59, Brand, Kävlinge"; the year is the one of
    publication, or the year before for a December event published in January."""
    match = _NAME_TIME_RE.match(name)
    if not match:
        return None
    day, month_name, hour, minute = match.groups()
    month = SWEDISH_MONTHS.get(month_name.lower())
    if month is None:
        return None
    local = published.astimezone(STOCKHOLM)
    for year in (local.year, local.year - 1):
        try:
            moment = datetime(year, month, int(day), int(hour), int(minute), tzinfo=STOCKHOLM)
        except ValueError:
            return None
        # Events are published after they happen; a day's slack covers clock differences.
        if moment <= published + timedelta(days=1):
            return moment
    return None


def _place_from_name(name: str, type_label: str) -> str:
    """The last part of "22 augusti 16.01, Trafikolycka, personskada, Hjo" after the type."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) < 3:
        return ""
    rest = ", ".join(parts[1:])
    prefix = f"{_normalise(type_label)}, "
    if type_label and rest.startswith(prefix):
        return rest[len(prefix) :].strip()
    return parts[-1]


def _gps(value) -> tuple[float | None, float | None]:
    parts = _text(value).split(",")
    if len(parts) != 2:
        return None, None
    lat, lon = parse_number(parts[0]), parse_number(parts[1])
    if lat is None or lon is None or not _in_world(lat, lon):
        return None, None
    return lat, lon


def _absolute_url(url) -> str:
    url = _text(url).strip()
    if url.startswith("/"):
        url = POLICE_SITE + url
    if not url.startswith(("https://", "http://")) or len(url) > MAX_URL:
        return ""
    return url


# The police's digests of a night or a weekend: "Sammanfattning natt", "Sammanfattning kväll
# och natt", "Sammanfattning helg", ...
SUMMARY_PREFIX = "Sammanfattning"
# A digest line: "Inbrott, Arvidsjaur: Inbrott i en villa ..." or "Misshandel, grov,
# Arjeplog: ...", optionally after a bullet or a number ("1.", "2)").
_SUMMARY_LINE_RE = re.compile(
    r"^\s*(?:(?:[-•*–]|\d{1,2}[.)])\s*)?(?P<head>[^:\n]{3,120}?)\s*:\s*(?P<text>\S.*)$"
)
# A summary line and an event of its own are the same incident when they have the same type
# and municipality and the event happened in the night the digest covers: from this long
# before the digest's time to a little after it (clock differences).
SUMMARY_WINDOW_BEFORE = timedelta(hours=18)
SUMMARY_WINDOW_AFTER = timedelta(hours=1)


def is_summary(type_label: str) -> bool:
    return type_key(type_label).startswith(type_key(SUMMARY_PREFIX))


def split_summary(summary: IncidentData) -> list[IncidentData]:
    """The single incidents a police digest lists, one per "Typ, Ort: text" line whose type
    is one we group or whose place is a municipality we know; an empty list when the text
    is prose (then the digest is kept as one incident, labelled by its own type
    "Sammanfattning natt", in group `other`)."""
    parts = []
    for line in summary.summary.splitlines():
        match = _SUMMARY_LINE_RE.match(line)
        if not match:
            continue
        head = [part.strip() for part in match["head"].split(",")]
        if len(head) < 2:
            continue
        type_label, place = ", ".join(head[:-1]), head[-1]
        if not place or _is_county(place):
            continue
        # A type we group, or any type in a municipality we know ("Narkotikabrott,
        # Arvidsjaur:", kept in `other` as the same event of its own would be); an unknown
        # type in an unknown place is more likely a heading of prose than an incident.
        if police_type_group(type_label) is None and not municipality_code_for(place):
            continue
        text = match["text"].strip()
        parts.append(
            IncidentData(
                source=summary.source,
                # Ids of the feed are numbers, so "650297:2" can never clash with an event.
                external_id=f"{summary.external_id}:{len(parts) + 1}"[:MAX_ID],
                occurred_at=summary.occurred_at,
                offence_group=classify_police_event(type_label, text),
                type_label=type_label[:MAX_LABEL],
                municipality_code=municipality_code_for(place),
                municipality_name=place[:MAX_NAME],
                county=summary.county,
                summary=text,
                source_url=summary.source_url,
                summary_part=True,
                # The digest's time is when it was written, the morning after: never the
                # hour of the line's incident, which the time profiles and the busiest
                # hours would otherwise count at 07:00 (`IncidentQuerySet.with_clock`).
                time_known=False,
            )
        )
    return parts


def _text(value) -> str:
    """A feed field as text: a string or number as written, anything else (an object or
    list where text belongs) as nothing, never its Python repr."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return without_nul(str(value))
    return ""


def load_police_events(data: bytes, *, answer: bool = False) -> list:
    """The feed's events: a JSON list. `answer`: `data` is the feed's answer over HTTP
    (`fetch_police_events`), not a file (`import_incidents`), and the messages say so."""
    try:
        events = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        message = (
            _("Polisens svar är inte UTF-8: byte %(position)d går inte att läsa.")
            if answer
            else _("Filen är inte UTF-8: byte %(position)d går inte att läsa.")
        )
        raise ImportFormatError(message % {"position": exc.start + 1}) from exc
    except ValueError as exc:  # JSONDecodeError, and an int of over 4,300 digits
        message = (
            _("Polisens svar är inte giltig JSON: %(where)s")
            if answer
            else _("Filen är inte giltig JSON: %(where)s")
        )
        raise ImportFormatError(message % {"where": json_error_place(exc)}) from exc
    except RecursionError as exc:
        # Lists in lists a thousand deep ("[[[[…"): no feed nests like that, and Python's
        # reader gives up on them; never the traceback it would be.
        raise ImportFormatError(
            _("Polisens svar är inte giltig JSON: listor eller objekt ligger för djupt i varandra.")
            if answer
            else _("Filen är inte giltig JSON: listor eller objekt ligger för djupt i varandra.")
        ) from exc
    if not isinstance(events, list):
        raise ImportFormatError(_("Polisens händelser ska vara en JSON-lista av händelser."))
    return events


def parse_police_events(events: list, *, now: datetime | None = None) -> Iterator[Parsed]:
    """Incidents from the police's events feed (`/api/events`).

    The feed's position is never the scene, so nothing here is `precise`. Since about
    2026-01-20 `location` is the county and its centre, and the municipality survives only
    as the last part of `name`; before, `location` named the municipality itself. An event
    dated ahead of `now` (the clock when not given) by more than a CSV row may be is
    rejected by the same rule (`future_refused`).
    """
    now = now or datetime.now(UTC)
    for number, event in enumerate(events, start=1):
        where = _("händelse %(number)d") % {"number": number}
        if not isinstance(event, dict):
            yield Rejection(where, _("är inte ett JSON-objekt"))
            continue
        # The place first: an event refused below is still its municipality's to learn of.
        name = _normalise(_text(event.get("name")))
        type_label = _normalise(_text(event.get("type")))
        summary = _text(event.get("summary")).strip()
        location = event.get("location")
        location = location if isinstance(location, dict) else {}
        location_name = _normalise(_text(location.get("name")))
        lat, lon = _gps(location.get("gps"))

        county = location_name if _is_county(location_name) else ""
        if location_name and not county:
            municipality = location_name  # before 2026: location was the municipality
        else:
            place = _place_from_name(name, type_label)
            municipality = "" if not place or _is_county(place) else place
            if place and _is_county(place):
                county = place
        site = {
            "municipality_code": municipality_code_for(municipality),
            "municipality_name": municipality[:MAX_NAME],
            "county": county[:MAX_NAME],
        }
        raw_id = event.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id):
            yield Rejection(where, _("saknar id"), **site)
            continue
        external_id = _normalise(without_nul(str(raw_id)))
        where = _("händelse %(number)d (id %(id)s)") % {"number": number, "id": quoted(raw_id)}
        if not external_id or len(external_id) > MAX_ID:
            yield Rejection(where, _("ogiltigt id"), **site)
            continue
        raw_time = event.get("datetime")
        published = parse_datetime(raw_time) if isinstance(raw_time, str) else None
        if published is None:
            yield Rejection(
                where,
                _("tiden %(value)r går inte att tolka") % {"value": quoted(raw_time)},
                **site,
            )
            continue
        if ahead := future_refused(raw_time, published, now):
            yield Rejection(where, ahead, **site)
            continue
        incident = IncidentData(
            source=IncidentSource.POLICE_FEED,
            external_id=external_id,
            occurred_at=_time_from_name(name, published) or published,
            offence_group=classify_police_event(type_label, summary),
            type_label=type_label[:MAX_LABEL],
            lat=lat,
            lon=lon,
            precise=False,
            **site,
            summary=summary,
            source_url=_absolute_url(event.get("url")),
        )
        parts = split_summary(incident) if is_summary(type_label) else []
        yield from parts or [incident]


# CSV --------------------------------------------------------------------------------------

# Letters (å, ä, ö and every other script's), digits, spaces and "_", "-", ".": never ":",
# which separates the system from the id (`namespaced_id`), nor a name beginning with one.
_SYSTEM_RE = re.compile(r"^\w[\w .-]*$")


def source_system(value: str) -> str:
    """The name of a file's source system as given, composed (NFC) and spaces tidied ("" for
    none): "Ärendesystem" typed with a combining ring (as a Mac may send it) is the
    "Ärendesystem" typed at once, never a name refused nor another system. Raises
    ImportFormatError (its message fit to show beside the field) for one too long or with
    other characters than letters, digits, spaces and _ - . (the one rule of the upload
    page, the service and `import_incidents --system`)."""
    name = _normalise(value or "")
    if len(name) > MAX_SYSTEM:
        raise ImportFormatError(
            _("Källsystemets namn får vara högst %(max)d tecken (det har %(count)d).")
            % {"max": MAX_SYSTEM, "count": len(name)}
        )
    if name and not _SYSTEM_RE.match(name):
        raise ImportFormatError(
            _(
                "Källsystemets namn får bara innehålla bokstäver, siffror, mellanslag och "
                "tecknen _ - ."
            )
        )
    return name


def _system_key(system: str) -> str:
    """A system's name as its ids are prefixed: composed and lower-cased, so "Securitas"
    and "SECURITAS" are one system. Lower-cased, not case folded: every id stored under a
    system has its `lower()` prefix, and folding would change some ("Straße" to "strasse"),
    so the same file imported again would not find its rows."""
    return unicodedata.normalize("NFC", _normalise(system).lower())


def namespaced_id(system: str, external_id: str) -> str:
    """A file's id (or row hash) kept apart from another source system's same number:
    "securitas:17". One system's file imported again has the same ids; a file imported
    without a system keeps the bare id, as every import did before systems were named.
    Case does not matter: "Securitas" and "securitas" are one system (`_system_key`).

    A bare id never reads as a system's: one holding ":" ("x:1", system x's id 1 as well)
    is marked by a ":" before it (":x:1"), which no system's name begins with. So a system's
    ids begin with a letter, digit or "_" and hold ":", other bare ids hold none, and the
    marked ones begin with ":". Ids stored before the mark are still found (`earlier_ids`).
    """
    if system:
        return f"{_system_key(system)}:{external_id}"
    return f":{external_id}" if ":" in external_id else external_id


def _may_be_systems(stored_id: str) -> bool:
    """Whether an id as stored could be a named system's ("x:1"): what comes before its
    first ":" is a system's name as ids are prefixed (`_system_key`)."""
    prefix, colon, _rest = stored_id.partition(":")
    return bool(
        colon
        and len(prefix) <= MAX_SYSTEM
        and _SYSTEM_RE.match(prefix)
        and _system_key(prefix) == prefix
    )


def earlier_ids(system: str, external_id: str) -> tuple[str, tuple[str, ...]]:
    """Where earlier imports may have stored a file's row of id (or hash) `external_id`:
    the row's own id as stored then ("" for none), and the ids it may be stored under, the
    same incident when it agrees with the row and another otherwise (`IncidentData`).

    Named under a system, the row may have been imported without one (before systems were
    named): under its bare id, and, for an id holding ":", under the id as written, as bare
    ids were stored before they were marked (`namespaced_id`). Without a system, an id
    holding ":" was stored as written: its own id then, unless that could be a system's id
    ("securitas:1", system Securitas's id 1), which only the contents tell apart. No data
    migration rewrote those ids: a stored "securitas:1" cannot tell which it was."""
    written = external_id if ":" in external_id else ""
    if system:
        return "", tuple(i for i in (namespaced_id("", external_id), written) if i)
    if written and _may_be_systems(written):
        return "", (written,)
    return written, ()


# `clock`: a column of clock times ("12:05") beside a `time` column of dates only.
COLUMN_KEYS = ("time", "clock", "lat", "lon", "x", "y", "type", "text", "id")

# The fields of the mapping as the upload page labels them, in the page's order: a message
# of the reader names a field so on the page (`CsvFile.labels`), and by its key above in a
# mapping file on the command line.
MAPPING_LABELS = {
    # Not "Tid": files name their clock-time column so (an export's Datum and Tid).
    "time": gettext_lazy("Datum (och tid)"),
    "clock": gettext_lazy("Klockslag"),
    "type": gettext_lazy("Typ av händelse"),
    "lat": gettext_lazy("Latitud (WGS84)"),
    "lon": gettext_lazy("Longitud (WGS84)"),
    "x": gettext_lazy("X, norrkoordinat (SWEREF 99 TM)"),
    "y": gettext_lazy("Y, östkoordinat (SWEREF 99 TM)"),
    "text": gettext_lazy("Beskrivning"),
    "id": gettext_lazy("Id i källan"),
}


def _group_labels() -> dict[str, str]:
    """Group keys and their Swedish names as compared (`type_key`), so a file may say
    either."""
    with translation.override(None):  # the Swedish source text, whatever language is active
        labels = {type_key(label): value for value, label in OffenceGroup.choices}
    return labels | {type_key(value): value for value in OffenceGroup.values}


# Types common in municipalities' own files (incident reports, security companies' logs)
# that are neither a group's Swedish name ("Bostadsinbrott", "Skadegörelse", "Brand" are
# known as those) nor a police-feed type; lower-case, and looked up as compared (`type_key`).
FILE_TYPE_GROUPS: dict[str, str] = {
    "klotter": OffenceGroup.VANDALISM,
    "inbrott bostad": OffenceGroup.RESIDENTIAL_BURGLARY,
    "inbrott i bostad": OffenceGroup.RESIDENTIAL_BURGLARY,
    "inbrott i villa": OffenceGroup.RESIDENTIAL_BURGLARY,
    "inbrott i lägenhet": OffenceGroup.RESIDENTIAL_BURGLARY,
    "inbrott i fritidshus": OffenceGroup.RESIDENTIAL_BURGLARY,
    # Not a dwelling, as for the police feed's burglaries (`RESIDENTIAL_WORDS`).
    "inbrott i förråd": OffenceGroup.OTHER_BURGLARY,
    "inbrott i källarförråd": OffenceGroup.OTHER_BURGLARY,
    "stöld ur bil": OffenceGroup.THEFT,
    "stöld ur fordon": OffenceGroup.THEFT,
    # The police feed's "Olaga hot" is violence; a school's or a workplace's log says "Hot".
    "hot": OffenceGroup.VIOLENCE,
    "brand i container": OffenceGroup.FIRE,
}
_FILE_TYPE_KEYS = {type_key(label): group for label, group in FILE_TYPE_GROUPS.items()}


def _known_group(type_label: str, summary: str, labels: dict[str, str]) -> str | None:
    """The group of a type the importer knows without a mapping: a group's key or Swedish
    name (`labels`, from `_group_labels`), a common type of municipal files
    (`FILE_TYPE_GROUPS`), or one of the police feed's types. The one vocabulary of both the
    import and the upload page's list of types not recognised."""
    key = type_key(type_label)
    return (
        labels.get(key)
        or _FILE_TYPE_KEYS.get(key)
        or police_type_group(type_label, summary)
    )


@dataclass
class CsvMapping:
    """Which column holds what, and how the file's own types map onto offence groups.

    `x` is the SWEREF 99 TM northing and `y` the easting, as Swedish surveyors write them
    (GIS software says the opposite); a swapped pair is recognised and put right.
    """

    time: str = "time"
    # Clock times, when `time` holds dates only (an export's "Datum" and "Tid").
    clock: str | None = None
    lat: str | None = None
    lon: str | None = None
    x: str | None = None
    y: str | None = None
    type: str = "type"
    text: str | None = None
    id: str | None = None
    group: dict[str, str] = field(default_factory=dict)
    default_group: str | None = None
    # How a date of numbers only ("05/03/2026") is read: `DAY_FIRST` or `MONTH_FIRST`
    # (lib.parsing); None reads only the forms that cannot be misread.
    date_order: str | None = None

    @classmethod
    def from_json(cls, data) -> CsvMapping:
        if not isinstance(data, dict):
            raise ImportFormatError(_("Kolumnmappningen ska vara ett JSON-objekt."))
        known = {*COLUMN_KEYS, "group", "default_group", "date_order"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ImportFormatError(
                _("Okänd nyckel i kolumnmappningen: %(keys)s (kända: %(known)s)")
                % {"keys": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        columns = {}
        for key in COLUMN_KEYS:
            value = data.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise ImportFormatError(
                    _("Kolumnmappningen: %(key)s ska vara ett kolumnnamn.") % {"key": key}
                )
            columns[key] = value.strip() if value else None
        for key in ("time", "type"):
            if not columns[key]:
                raise ImportFormatError(_("Kolumnmappningen saknar %(key)s.") % {"key": f'"{key}"'})
        has_wgs84 = bool(columns["lat"] and columns["lon"])
        has_sweref = bool(columns["x"] and columns["y"])
        if has_wgs84 == has_sweref or any(
            bool(columns[a]) != bool(columns[b]) for a, b in (("lat", "lon"), ("x", "y"))
        ):
            raise ImportFormatError(
                _(
                    'Kolumnmappningen ska ange antingen "lat" och "lon" (WGS84) eller "x" och '
                    '"y" (SWEREF 99 TM).'
                )
            )
        groups = data.get("group") or {}
        if not isinstance(groups, dict):
            raise ImportFormatError(_('Kolumnmappningen: "group" ska vara ett JSON-objekt.'))
        valid = set(OffenceGroup.values)
        for value, group in groups.items():
            if not isinstance(group, str) or group not in valid:
                raise ImportFormatError(
                    _(
                        "Kolumnmappningen: okänd brottsgrupp %(group)r för %(value)r (giltiga: "
                        "%(valid)s)"
                    )
                    % {"group": group, "value": value, "valid": ", ".join(OffenceGroup.values)}
                )
        default_group = data.get("default_group")
        if default_group is not None and (
            not isinstance(default_group, str) or default_group not in valid
        ):
            raise ImportFormatError(
                _("Kolumnmappningen: okänd brottsgrupp %(group)r i default_group")
                % {"group": default_group}
            )
        date_order = data.get("date_order") or None
        if date_order is not None and date_order not in (DAY_FIRST, MONTH_FIRST):
            raise ImportFormatError(
                _(
                    'Kolumnmappningen: date_order ska vara "%(day_first)s" (dag/månad/år) '
                    'eller "%(month_first)s" (månad/dag/år).'
                )
                % {"day_first": DAY_FIRST, "month_first": MONTH_FIRST}
            )
        return cls(
            **columns,
            group={type_key(k): v for k, v in groups.items()},
            default_group=default_group,
            date_order=date_order,
        )


def load_mapping(path: str | Path) -> CsvMapping:
    """The column mapping in a JSON file (`CsvMapping.from_json`): UTF-8 with or without a
    byte order mark, or UTF-16 with one (Notepad's "Unicode"). Raises ImportFormatError,
    one line naming the file, for a file that cannot be read or is no mapping."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFormatError(
            _("Kunde inte läsa kolumnmappningen %(path)s: %(error)s")
            % {"path": path, "error": exc.strerror or exc}
        ) from exc
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        elif b"\x00" in raw:  # UTF-16 without its byte order mark, or no text at all
            raise UnicodeDecodeError("utf-8", raw, raw.index(b"\x00"), len(raw), "NUL")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            _(
                "Kolumnmappningen %(path)s är inte text i UTF-8. Spara den som UTF-8 och "
                "försök igen."
            )
            % {"path": path}
        ) from exc
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, and an int of over 4,300 digits
        raise ImportFormatError(
            _("Kolumnmappningen %(path)s är inte giltig JSON: %(where)s")
            % {"path": path, "where": json_error_place(exc)}
        ) from exc
    except RecursionError as exc:
        # Python's JSON reader recurses per nested list or object; a mapping is one object.
        raise ImportFormatError(
            _(
                "Kolumnmappningen %(path)s är för djupt nästlad: den ska vara ett JSON-objekt "
                "med kolumnnamn."
            )
            % {"path": path}
        ) from exc
    try:
        return CsvMapping.from_json(data)
    except ImportFormatError as exc:
        raise ImportFormatError(f"{path}: {exc}") from exc


def sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# Lines before the header with nothing in them, or only delimiters (a spreadsheet's empty
# rows above its table): not the header either.
_BLANK_LINES_RE = re.compile(r"(?:[\ufeff \t;,|]*(?:\r\n|\r|\n))*")
_LINE_END_RE = re.compile(r"\r\n|\r|\n")


def _skip_blank_lines(text: str) -> tuple[str, int]:
    blank = _BLANK_LINES_RE.match(text).group()
    return text[len(blank) :], len(_LINE_END_RE.findall(blank))


def _csv_body(text: str) -> tuple[str, str, int, int]:
    """The text from its header line on, its delimiter, how many lines came before the
    header (blank ones, Excel's "sep=;" line, whose delimiter is then used, and an export's
    title lines, `_skip_title_lines`), and the line of the first blank one where the header
    belongs (0 for none): a header line left empty (";;;;") is passed over as blank, and a
    row of incidents below it is then read as the header (`_empty_header`)."""
    text, skipped = _skip_blank_lines(text)
    blank = 1 if skipped else 0
    delimiter = None
    sep = EXCEL_SEP_RE.match(text)
    if sep:
        text, after = _skip_blank_lines(text[sep.end() :])
        blank = blank or (skipped + 2 if after else 0)
        delimiter, skipped = sep.group(1), skipped + 1 + after
    text, titles = _skip_title_lines(text, delimiter)
    first_line = re.match(r"[^\r\n]*", text).group()
    return text, delimiter or sniff_delimiter(first_line), skipped + titles, blank


# An export's title and "printed on" lines above its table ("Händelserapporter – Arvidsjaurs
# kommun;;;;", "Utskrivet 2026-11-27"): at most this many lines before the header.
MAX_TITLE_LINES = 10
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


def _skip_title_lines(text: str, delimiter: str | None) -> tuple[str, int]:
    """The text from its header on, and how many title lines came before it. A header is
    known by column names `guess_mapping` recognises, more of them than any line above it
    names; the lines above it are titles only when each has fewer cells with text than the
    header (a title, a date, blank rows). Without such a header in the first lines the text
    is left as it is, and the first line is the header as before (its own message says
    what is wrong with it)."""
    offset, widths, named = 0, [], 0
    for match in islice(_LINE_RE.finditer(text), MAX_TITLE_LINES + 1):
        line = match.group()
        cells = _lenient([line], delimiter or sniff_delimiter(line)) or []
        filled = [cell.strip() for cell in cells if cell.strip()]
        # A row under the real header may have a cell more and one that reads as a column's
        # name ("E", "id"): it names fewer columns than the header, and stays a row.
        names = len(guess_mapping(filled))
        if widths and len(filled) > max(widths) and names > named:
            return text[offset:], len(widths)
        widths.append(len(filled))
        named = max(named, names)
        offset = match.end()
    return text, 0


# An export's totals row below its table: a word saying it sums the rows ("Summa", "Totalt",
# "Total", "Antal ärenden:"; two more words allowed: "Totalt antal händelser"), a number in
# the same cell or in cells of its own, and nothing else.
_TOTAL_LABEL_RE = re.compile(
    r"(?:summa|sum|totalt?|totals|totalsumma|antal|samtliga)(?:\s+[^\W\d_]+){0,2}"
    r"\s*:?\s*(?P<number>\d[\d\s.,]*)?",
    re.IGNORECASE,
)


def is_total_row(cells: list[str], width: int) -> bool:
    """Whether a row of the file is its totals row ("Summa;;3", "Totalt;;;;12", "Antal
    ärenden: 9;;;"): as for title lines (`_skip_title_lines`), known by its cells alone,
    whatever the columns chosen, and with fewer filled cells than the header's `width`; one
    of them a totals word (`_TOTAL_LABEL_RE`), the others numbers, and a number somewhere.
    An incident always has a time and a type, never a totals word with numbers only."""
    filled = [_normalise(cell) for cell in cells if cell.strip()]
    if not filled or len(filled) >= width:
        return False
    labels = [match for cell in filled if (match := _TOTAL_LABEL_RE.fullmatch(cell))]
    numbers = sum(parse_number(cell) is not None for cell in filled)
    return (
        len(labels) == 1
        and 1 + numbers == len(filled)
        and bool(numbers or labels[0]["number"])
    )


@dataclass(frozen=True)
class CsvRecord:
    """One record of a CSV file: the line of the file it begins on and its cells, or why it
    could not be read (`error`, then without cells)."""

    line: int
    cells: list[str]
    error: str = ""


class _UnclosedQuote(Exception):
    """Raised through the csv reader by `_LineSource`: the record being read is a quote
    that is never closed."""


class _LineSource:
    """The text's lines for the csv reader, keeping those of the record it is reading, so
    that a record given up (`give_up`) is read again from its second line.

    The csv reader asks for another line of a record only while a quoted field is open; when
    the file ends inside the field (which the csv module would quietly close) it is refused
    one (`_UnclosedQuote`).
    """

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self._again: deque[str] = deque()
        self.record: list[str] = []

    def __iter__(self) -> _LineSource:
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else self._lines.readline()
        if not line:
            if self.record:
                raise _UnclosedQuote
            raise StopIteration
        self.record.append(line)
        return line

    def take(self) -> int:
        """How many lines the record just read had; the next record begins."""
        taken, self.record = len(self.record), []
        return taken

    def give_up(self) -> None:
        """Read the record's lines after its first again, as records of their own."""
        self._again.extendleft(reversed(self.record[1:]))
        self.record = []


def csv_records(text: str, delimiter: str, first_line: int = 1) -> Iterator[CsvRecord]:
    """The records of CSV text, each with the line of the file it begins on (the text's
    first line being `first_line`), the header first.

    A quoted field may run over several lines (a description of a few paragraphs) when its
    quote is closed as CSV closes one. A quote opened by mistake (`"Stöld` in a type cell)
    instead runs on into the rows below until another quote, which the csv module would
    take for its end and lose those rows without a word. Such a record is told by CSV's own
    rules, read strictly: a closing quote followed by more text in the field, the file
    ending inside the quote, or more cells than the header has. It is given with its
    `error`, and the reading goes on from the line after its first: every row after it is
    read, or reported, by its own line. On a single line a quoted field followed by text
    (`"Stopp" skylt nere`) is read leniently, as the csv module always read it. The one
    reader of the upload page's preview, its trial and every import.
    """
    source = _LineSource(text)
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    line = first_line
    width = None  # the header's cells
    while True:
        error = ""
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _UnclosedQuote:
            error = _('ett citattecken (") öppnas men stängs aldrig')
        except csv.Error as exc:
            cells = _lenient(source.record, delimiter) if len(source.record) == 1 else None
            if _too_long(exc):
                error = _("går inte att läsa som CSV (%(error)s)") % {"error": _csv_error(exc)}
            elif cells is None:
                error = _('ett citattecken (") öppnas men stängs inte där fältet slutar')
            # The csv reader stopped inside the record: a new one for the lines after it.
            reader = csv.reader(source, delimiter=delimiter, strict=True)
        if not error and width is not None and len(source.record) > 1 and len(cells) > width:
            error = _('ett citattecken (") öppnas men stängs aldrig')
        if error:
            source.give_up()
            reader = csv.reader(source, delimiter=delimiter, strict=True)
            yield CsvRecord(line, [], error)
            line += 1
            continue
        width = len(cells) if width is None else width
        yield CsvRecord(line, cells)
        line += source.take()


def _lenient(lines: list[str], delimiter: str) -> list[str] | None:
    """One line read as the csv module reads it when not strict; None if even so it cannot."""
    try:
        return next(csv.reader(lines, delimiter=delimiter), [])
    except csv.Error:
        return None


def _too_long(exc: csv.Error) -> bool:
    return str(exc).startswith("field larger than field limit")


def _csv_error(exc: csv.Error) -> str:
    """The csv module's complaint in Swedish where a file can cause it."""
    if _too_long(exc):
        return _("ett fält är längre än %(max)d tecken – ett citattecken som aldrig avslutas?") % {
            "max": csv.field_size_limit()
        }
    return str(exc)


def _sweref_to_wgs84(x: float, y: float) -> tuple[float, float] | None:
    """(lat, lon) from a northing/easting pair in either order, or None outside Sweden."""
    northing, easting = (x, y) if x >= y else (y, x)
    # SWEREF 99 TM covers Sweden: northings 6.1–7.7 million, eastings 0.25–0.95 million m.
    if not (5_900_000 <= northing <= 7_900_000 and 0 <= easting <= 1_200_000):
        return None
    lon, lat = to_wgs84(easting, northing)
    if not (math.isfinite(lat) and math.isfinite(lon) and _in_world(lat, lon)):
        return None
    return lat, lon


@dataclass(frozen=True)
class _OpenCsv:
    """A CSV file decoded (`_open_csv`): the text from its header line on, that line, its
    delimiter, its records (`csv_records`, the header's first, numbered by the file's
    lines), and the line of a blank line where the header belongs (`_csv_body`)."""

    text: str
    first_line: str
    delimiter: str
    records: Iterator[CsvRecord]
    blank_line: int


SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


# Bytes that text holds: all but the control characters other than tab, line breaks and form feed.
_TEXT_BYTES = bytes(b for b in range(256) if b >= 32 or b in b"\t\n\r\f\v")


def not_text(data: bytes) -> tuple[str, str] | None:
    """Why `data` is no CSV file at all, as (message, code), or None: an Excel workbook
    (xlsx is a zip file, xls an OLE file), or binary. Binary is more than one byte in twenty
    of the first 64 KiB a NUL (UTF-16 without the byte order mark that Excel writes: every
    other byte; an image's header), or a control character when those bytes are not UTF-8
    either (a compressed file, a PDF). A stray NUL in a text file (a damaged export) is read
    as U+FFFD, and a control character in a cell is a cell's text, so the web upload and
    `import_incidents` take the same files."""
    if data.startswith(SPREADSHEET_SIGNATURES):
        return (
            _(
                "Filen är en Excel-fil, inte CSV. Öppna den i Excel, välj Spara som och "
                "filformatet CSV UTF-8 (kommaavgränsad), och använd den filen."
            ),
            "spreadsheet",
        )
    sample, limit = data[:65536], len(data[:65536]) // 20
    if data.startswith(UTF16_BOMS):
        return None
    if sample.count(0) > limit or (
        len(sample.translate(None, delete=_TEXT_BYTES)) > limit and not _utf8(sample)
    ):
        return (
            _("Filen kan inte läsas som text. Spara den som CSV (UTF-8) och försök igen."),
            "binary",
        )
    return None


def _utf8(sample: bytes) -> bool:
    """Whether `sample`, the start of a file, is UTF-8 (a character cut at its end is)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _open_csv(data: bytes) -> _OpenCsv:
    if problem := not_text(data):
        raise ImportFormatError(problem[0])
    text, delimiter, skipped, blank = _csv_body(decode_text(data))
    first_line = re.match(r"[^\r\n]*", text).group()
    return _OpenCsv(text, first_line, delimiter, csv_records(text, delimiter, skipped + 1), blank)


def _empty_header(blank_line: int, header: list[str]) -> ImportFormatError | None:
    """The error of a file whose header line is empty (";;;;", or nothing) and whose first
    line with values is a row, not the header: it names no column we know and holds a
    number or a time. None for any other file: a spreadsheet's blank rows above its header
    are passed over, and a header of names we do not know is told so where it is read."""
    if not blank_line or guess_mapping(header):
        return None
    if not any(
        parse_number(cell) is not None or parse_datetime(cell) is not None or needs_date_order(cell)
        for cell in header
        if cell
    ):
        return None
    return ImportFormatError(
        _(
            "Rubrikraden är tom: rad %(line)d har inga kolumnnamn, och den första raden med "
            "värden ser ut som en rad med händelser. Skriv kolumnernas namn på rubrikraden, "
            "till exempel Datum;Brottstyp;Latitud;Longitud."
        )
        % {"line": blank_line}
    )


def _readable(raw: str, order: str) -> bool:
    """Whether a time cell is a date (and clock) when its numeric date is read in `order`."""
    text = in_date_order(raw, order)
    return parse_date(text) is not None or parse_datetime(text) is not None


def _header(records: Iterator[CsvRecord]) -> list[str]:
    """The first record's column names (`_clean_header`); raises for one that cannot be read."""
    record = next(records, None)
    if record is not None and record.error:
        raise ImportFormatError(
            _("Rubrikraden går inte att läsa: %(error)s") % {"error": record.error}
        )
    return _clean_header(record.cells if record else None)


def _clean_header(header: list[str] | None) -> list[str]:
    """The column names, without a byte order mark, each named once (`_told_apart`); raises
    for a missing or blank header."""
    if not header or not any(cell.strip() for cell in header):
        raise ImportFormatError(_("Filen saknar rubrikrad."))
    names = [cell.strip().lstrip("\ufeff").strip() for cell in header]
    # Excel writes a separator for every column ever touched: blank names at the end.
    while not names[-1]:
        names.pop()
    return _told_apart(names)


def _told_apart(names: list[str]) -> list[str]:
    """The header's names with a repeated one numbered from its second column on: "Datum",
    "Datum (2)", "Datum (3)", case aside, as columns are looked up (an export's event date
    and reported date are both "Datum"). A number a column of the file already has is
    passed over, so every name is one column's. The one header of the preview, the mapping
    page's choices, the guessed mapping, the trial, the import and the command's mapping
    file: the second "Datum" is chosen as "Datum (2)" everywhere. Blank names (no column
    to choose) stay blank."""
    taken = {name.lower() for name in names}
    seen: set[str] = set()
    # The number each repeated name goes on from: a header of one name 60,000 times is
    # numbered in one pass, not by counting up from 2 for each column.
    numbers: dict[str, int] = {}
    told = []
    for name in names:
        key = name.lower()
        if name and key in seen:
            number = numbers.get(key, 2)
            while f"{name} ({number})".lower() in taken:
                number += 1
            numbers[key] = number + 1
            name = f"{name} ({number})"
            taken.add(name.lower())
        seen.add(name.lower())
        told.append(name)
    return told


class CsvFile:
    """A decoded CSV file whose header has been checked against the column mapping."""

    def __init__(
        self,
        data: bytes,
        mapping: CsvMapping | None = None,
        within: Callable[[float, float], bool] | None = None,
        system: str = "",
        *,
        elsewhere: Callable[[float, float], str] | None = None,
        labels: bool = False,
    ) -> None:
        opened = _open_csv(data)
        self.text, self.delimiter, self._records = opened.text, opened.delimiter, opened.records
        self.within = within
        self.elsewhere = elsewhere
        self.system = system
        self.labels = labels
        self.read_at = datetime.now(UTC)
        self.mapping = mapping or self._default_mapping(opened.first_line)
        self.approx_rows = max(self.text.count("\n"), 1)
        self._group_labels = _group_labels()
        self.header = _header(self._records)
        self.index = self._column_indexes(opened.blank_line)

    def _default_mapping(self, first_line: str) -> CsvMapping:
        reader = csv.reader([first_line], delimiter=self.delimiter)
        try:
            names = {cell.strip().lower() for cell in next(reader, [])}
        except csv.Error:
            names = set()
        position = {"lat": "lat", "lon": "lon"}
        if not {"lat", "lon"} <= names and {"x", "y"} <= names:
            position = {"x": "x", "y": "y"}
        return CsvMapping(
            **position,
            text="text" if "text" in names else None,
            id="id" if "id" in names else None,
        )

    def _column_indexes(self, blank_line: int) -> dict[str, int]:
        lower = {}
        for number, name in enumerate(self.header):
            lower.setdefault(name.lower(), number)
        index, missing = {}, []
        for key in COLUMN_KEYS:
            name = getattr(self.mapping, key)
            if not name:
                continue
            if name.lower() in lower:
                index[key] = lower[name.lower()]
            else:
                missing.append(name)
        if missing and (empty := _empty_header(blank_line, self.header)):
            raise empty
        if missing:
            raise ImportFormatError(
                _("Kolumnen saknas i filen: %(missing)s (filen har: %(header)s)")
                # Shortened: the names come from the file (a 100,000-character "column").
                % {"missing": ", ".join(missing)[:300], "header": ", ".join(self.header)[:300]}
            )
        return index

    def rows(self) -> Iterator[Parsed]:
        for _cells, parsed in self._read():
            yield parsed

    def order_contradicted(self) -> str:
        """Why the mapping's date order cannot be the file's ("" when it can): a row whose
        date of numbers only is no date in that order but one in the other ("13/03/2026"
        read month first). Its other rows would then be read wrong without a word (05/03
        as 3 May), so the whole file is refused. Reads the file through: call it on a
        CsvFile of its own."""
        order = self.mapping.date_order
        if order is None or "time" not in self.index:
            return ""
        other = MONTH_FIRST if order == DAY_FIRST else DAY_FIRST
        names = {DAY_FIRST: _("dag/månad/år"), MONTH_FIRST: _("månad/dag/år")}
        for record in self._records:
            raw = "" if record.error else self._cell(record.cells, "time")
            if needs_date_order(raw) and not _readable(raw, order) and _readable(raw, other):
                return _(
                    "Rad %(line)d har tiden %(value)r, som bara kan läsas som %(other)s, men "
                    "datumordningen är %(order)s. Filens andra datum skulle då läsas fel: "
                    "välj %(other)s."
                ) % {
                    "line": record.line,
                    "value": quoted(raw),
                    "other": names[other],
                    "order": names[order],
                }
        return ""

    def first_rows(self, count: int) -> list[tuple[list[str], Parsed]]:
        """The first `count` rows with values, each with its cells (as many as the header
        has columns, so a table of them keeps its columns) and how the import reads it: the
        upload page's trial."""
        width = len(self.header)
        first = islice(self._read(), count)
        return [((cells + [""] * width)[:width], parsed) for cells, parsed in first]

    def _read(self) -> Iterator[tuple[list[str], Parsed]]:
        for record in self._records:
            if record.error:
                yield (
                    [],
                    Rejection(
                        _("rad %(line)d") % {"line": record.line},
                        _("%(error)s; raden lästes inte") % {"error": record.error},
                    ),
                )
            elif is_total_row(record.cells, len(self.header)):
                # Not an incident, and no mistake to report: the sum of the rows above.
                where = _("rad %(line)d") % {"line": record.line}
                yield record.cells, Skipped(where, _("summarad, ingen händelse"))
            elif any(cell.strip() for cell in record.cells):
                # Not blank lines, nor the ";;;;" rows spreadsheets leave at the end.
                yield record.cells, self._parse_row(record.cells, record.line)

    def _cell(self, row: list[str], key: str) -> str:
        number = self.index.get(key)
        if number is None or number >= len(row):
            return ""
        return row[number].strip()

    def _parse_row(self, row: list[str], line: int) -> Parsed:
        parsed = self._parse_cells(row, _("rad %(line)d") % {"line": line})
        if isinstance(parsed, Rejection) and any(c.strip() for c in row[len(self.header) :]):
            # Not the value read but the cells being off: after a decimal comma (or an
            # unquoted comma in a text) every value is read from the column before its own.
            # A row that is read all the same (the comma in the last column) is kept.
            if self.delimiter == ",":
                reason = _(
                    "raden har fler fält än rubrikraden – decimalkomma i en kommaseparerad fil?"
                )
            else:
                reason = _("raden har fler fält än rubrikraden")
            return Rejection(parsed.where, reason)
        return parsed

    def _when(self, row: list[str], where: str) -> tuple[datetime, bool] | Rejection:
        """When the row's incident happened and whether its clock time is known: the time
        column's date and time; or its date with the clock column's time (Swedish local
        time); or, with neither clock column nor clock time, its date at `UNKNOWN_CLOCK`,
        the clock time unknown."""
        raw_time = self._cell(row, "time")
        read_as = in_date_order(raw_time, self.mapping.date_order)
        day = parse_date(read_as)
        moment = parse_datetime(read_as) if day is None else None
        if day is None and moment is None:
            # An export's total at the bottom is skipped before (`is_total_row`); another
            # row without a time is told so: "tiden '' går inte att tolka" would puzzle.
            order = self.mapping.date_order
            reason = _time_refused(raw_time, order) if raw_time else _("tid saknas")
            # A date that needs its order is no fault of the time column's: the upload page
            # says so beside the order's select.
            fault = "date_order" if order is None and needs_date_order(raw_time) else "time"
            return Rejection(where, reason, fault, shape=True)
        raw_clock = self._cell(row, "clock")
        if moment is not None:
            local = moment.astimezone(STOCKHOLM)
            # Excel writes a date column as "2026-10-05 00:00:00": a date, when a clock
            # column says the time.
            if raw_clock and moment.tzinfo is STOCKHOLM and local.time() == time(0):
                day = local.date()
            elif raw_clock:
                return Rejection(
                    where,
                    _(
                        "tiden %(value)r har redan ett klockslag och kolumnen för klockslag "
                        "har ett till (%(clock)r); välj en tidkolumn med bara datum"
                    )
                    % {"value": quoted(raw_time), "clock": quoted(raw_clock)},
                    "clock",
                )
            else:
                return moment, True
        if not raw_clock:
            return local_moment(day, UNKNOWN_CLOCK), False
        clock = parse_clock(raw_clock)
        if clock is None:
            return Rejection(where, _clock_refused(raw_clock), "clock", shape=True)
        return local_moment(day, clock), True

    def _parse_cells(self, row: list[str], where: str) -> Parsed:
        when = self._when(row, where)
        if isinstance(when, Rejection):
            return when
        occurred_at, time_known = when
        raw_time = " ".join(filter(None, (self._cell(row, "time"), self._cell(row, "clock"))))
        if ahead := future_refused(raw_time, occurred_at, self.read_at):
            return Rejection(where, ahead, "time")

        if "x" in self.index:
            raw = (self._cell(row, "x"), self._cell(row, "y"))
            if not all(raw):
                return Rejection(where, _("position saknas"), "x")
            x, y = parse_number(raw[0]), parse_number(raw[1])
            position = _sweref_to_wgs84(x, y) if x is not None and y is not None else None
            if position is None:
                reason = _("SWEREF 99 TM-koordinaterna %(x)s, %(y)s ligger inte i Sverige") % {
                    "x": quoted(raw[0]),
                    "y": quoted(raw[1]),
                }
                if x is not None and y is not None and _in_world(x, y):
                    reason += " " + _("(de ser ut som latitud och longitud i WGS84)")
                return Rejection(where, reason, "x", shape=True)
            lat, lon = position
        else:
            raw = (self._cell(row, "lat"), self._cell(row, "lon"))
            if not all(raw):
                return Rejection(where, _("position saknas"), "lat")
            lat, lon = parse_number(raw[0]), parse_number(raw[1])
            if lat is None or lon is None:
                return Rejection(
                    where,
                    _("koordinaterna %(lat)s, %(lon)s är inte tal")
                    % {"lat": quoted(raw[0]), "lon": quoted(raw[1])},
                    "lat",
                    shape=True,
                )
            if not _in_world(lat, lon):
                return Rejection(where, self._off_the_earth(*raw), "lat", shape=True)

        if self.within is not None and not self.within(lat, lon):
            return self._outside(where, lat, lon)

        # Mapped by the whole value (as the upload page lists it), stored shortened.
        full_type = _normalise(self._cell(row, "type"))
        type_label = full_type[:MAX_LABEL]
        summary = self._cell(row, "text")
        group = self._group_for(full_type, summary)
        if group is None:
            if not type_label:
                return Rejection(where, _("typ saknas"), "type")
            return Rejection(
                where,
                # The upload page's section first, then the command line's mapping file.
                # Read after the import too, when the choice can no longer be made.
                # The type whole as stored (the mapping is chosen by it), not cut at 40.
                _("okänd typ %(value)r: ingen brottsgrupp vald för den")
                % {"value": quoted(type_label, MAX_LABEL)},
                "default_group",
            )

        file_id = self._cell(row, "id")
        if len(file_id) > MAX_ID:
            return Rejection(
                where, _("id:t är längre än %(max)d tecken") % {"max": MAX_ID}, "id", shape=True
            )
        external_id = file_id
        if not external_id:
            # Without an id of its own a row is known by what it says, so the same file read
            # twice adds nothing; two identical rows count as one incident.
            key = f"{occurred_at.astimezone(UTC).isoformat()}|{lat:.6f}|{lon:.6f}|{type_label}"
            external_id = hashlib.sha256(key.encode()).hexdigest()
        alias_id, maybe_ids = earlier_ids(self.system, external_id)
        return IncidentData(
            source=IncidentSource.CSV,
            external_id=namespaced_id(self.system, external_id),
            where=where,
            file_id=file_id,
            bare_id=namespaced_id("", external_id) if self.system else "",
            alias_id=alias_id,
            earlier_ids=maybe_ids,
            occurred_at=occurred_at,
            offence_group=group,
            type_label=type_label,
            lat=lat,
            lon=lon,
            precise=True,
            summary=summary,
            time_known=time_known,
        )

    def _off_the_earth(self, lat: str, lon: str) -> str:
        """Why latitudes and longitudes beyond the earth's are refused: SWEREF 99 TM metres
        in the lat/lon columns, as a rule. The hint names the fields to choose instead as
        the reader knows them: the upload page's labels there (`labels`), the mapping
        file's keys on the command line."""
        values = {"lat": quoted(lat), "lon": quoted(lon)}
        if self.labels:
            return _(
                "koordinaterna %(lat)s, %(lon)s ligger utanför jorden (SWEREF 99 TM? välj då "
                "kolumnerna som ”%(x)s” och ”%(y)s” i stället för latitud och longitud)"
            ) % (values | {"x": MAPPING_LABELS["x"], "y": MAPPING_LABELS["y"]})
        return _(
            "koordinaterna %(lat)s, %(lon)s ligger utanför jorden (SWEREF 99 TM? "
            'ange då "x" och "y" i kolumnmappningen)'
        ) % values

    def _outside(self, where: str, lat: float, lon: float) -> Rejection:
        """A row placed outside the municipality (`within`). Latitude and longitude swapped
        (19.18, 65.59 for a place in Arvidsjaur) is said so, and is a fault of the columns
        (`Rejection.shape`): one way round the place would be inside. Otherwise the place
        is named when it lies in another municipality we know (`elsewhere`)."""
        if "lat" in self.index and self.within(lon, lat):
            return Rejection(
                where,
                _("platsen ligger utanför kommunen (latitud och longitud förväxlade?)"),
                "lat",
                shape=True,
            )
        name = self.elsewhere(lat, lon) if self.elsewhere is not None else ""
        if name:
            return Rejection(
                where, _("platsen ligger utanför kommunen, i %(name)s") % {"name": name}
            )
        return Rejection(where, _("platsen ligger utanför kommunen"))

    def _group_for(self, type_label: str, summary: str) -> str | None:
        """The mapping's own table first, then a group's key or Swedish name, then the police
        feed's types, then the mapping's default."""
        key = type_key(type_label)
        if key:
            if key in self.mapping.group:
                return self.mapping.group[key]
            group = _known_group(type_label, summary, self._group_labels)
            if group:
                return group
        return self.mapping.default_group


def read_csv(
    data: bytes,
    mapping: CsvMapping | None = None,
    *,
    within: Callable[[float, float], bool] | None = None,
    elsewhere: Callable[[float, float], str] | None = None,
    system: str = "",
    labels: bool = False,
) -> CsvFile:
    """Decode a CSV file and check its header; iterate `.rows()` for the incidents. With
    `within(lat, lon)`, a row whose position it refuses is rejected by its line, naming
    where it lies when `elsewhere(lat, lon)` can ("" when not); with a `system`
    (`source_system`'s), the rows' ids are that system's (`namespaced_id`). `labels`: the
    messages name the mapping's fields by the upload page's labels (`MAPPING_LABELS`), not
    by a mapping file's keys."""
    return CsvFile(data, mapping, within, system, elsewhere=elsewhere, labels=labels)


def read_municipality_csv(
    data: bytes,
    mapping: CsvMapping | None,
    *,
    municipality,
    system: str = "",
    labels: bool = False,
) -> CsvFile:
    """A municipality's CSV file as every import of one reads it, and the upload page's
    trial of its first rows too: a row placed outside the municipality's boundary
    (`municipality.contains_point`) is rejected by its line, since it would count nowhere
    or for a neighbour whose staff did not send it; the municipality it lies in is named,
    when it is one we know (`municipality_finder`: their boundaries are read once, at the
    first such row, never a query per row). `labels` as `read_csv`'s: the upload page's."""
    find = municipality_finder(besides=municipality)

    def elsewhere(lat: float, lon: float) -> str:
        found = find(lat, lon)
        return found.name if found is not None else ""

    return read_csv(
        data,
        mapping,
        within=municipality.contains_point,
        elsewhere=elsewhere,
        system=system,
        labels=labels,
    )


# What a column is commonly called in Swedish exports and in English: the upload page's first
# guess at the mapping, which the person uploading then checks and corrects.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "time": (
        "time",
        "tid",
        "tidpunkt",
        "datum och tid",
        "datum/tid",
        "datum & tid",
        "datetime",
        "datum",
        "date",
        "inträffade",
        "brottsdatum",
        "händelsedatum",
        "larmtid",
    ),
    "lat": ("lat", "latitud", "latitude"),
    "lon": ("lon", "lng", "long", "longitud", "longitude"),
    "x": ("x", "northing", "nord", "n"),
    "y": ("y", "easting", "öst", "ost", "e"),
    # "Händelse" is the type in a log of "Datum; Händelse; Beskrivning" (a school's, a
    # security company's), and the description beside a "Händelsetyp": last in both.
    "type": (
        "type",
        "typ",
        "brottstyp",
        "brottskod",
        "kategori",
        "händelsetyp",
        "brott",
        "händelse",
    ),
    "text": (
        "text",
        "beskrivning",
        "sammanfattning",
        "summary",
        "description",
        "kommentar",
        "händelse",
    ),
    "id": (
        "id",
        "ärendenr",
        "ärendenummer",
        "diarienr",
        "diarienummer",
        "löpnr",
        "löpnummer",
        "anmälningsnummer",
        "händelsenummer",
        "rapportnr",
        "rapportnummer",
    ),
}
# A header with both a column of dates and one of clock times (an export's "Datum" and
# "Tid"): the dates are the time and the clock times its clock, whatever `COLUMN_SYNONYMS`
# would guess for "tid" alone (a full time, as in files written for Tryggve).
DATE_COLUMNS = ("datum", "brottsdatum", "händelsedatum", "date", "inträffade")
CLOCK_COLUMNS = ("klockslag", "klockan", "kl", "kl.", "tid", "time")


# The one field that may name a column another field names: the type may well be all the
# description there is.
SHARED_COLUMN_KEYS = frozenset({"text"})


def repeated_columns(columns: dict) -> dict[str, str]:
    """Each field (of `COLUMN_KEYS`) that names the same column as another field → that other
    field, the first one in `COLUMN_KEYS`' order; the description may share a column."""
    by_column: dict[str, list[str]] = {}
    for key in COLUMN_KEYS:
        name = columns.get(key)
        if isinstance(name, str) and name.strip() and key not in SHARED_COLUMN_KEYS:
            by_column.setdefault(name.strip().lower(), []).append(key)
    return {
        key: next(other for other in keys if other != key)
        for keys in by_column.values()
        if len(keys) > 1
        for key in keys
    }


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Our field → the file's column, for the columns whose names we recognise."""
    by_name = {}
    for column in header:
        by_name.setdefault(column.strip().lower(), column)
    guess = {}
    for key, names in COLUMN_SYNONYMS.items():
        for name in names:
            if name in by_name:
                guess[key] = by_name[name]
                break
    if "lat" in guess and "lon" in guess:
        guess.pop("x", None), guess.pop("y", None)
    dates = next((by_name[name] for name in DATE_COLUMNS if name in by_name), None)
    clocks = next((by_name[name] for name in CLOCK_COLUMNS if name in by_name), None)
    if dates and clocks:
        guess["time"], guess["clock"] = dates, clocks
    return guess


def dates_only(values: list[str], order: str | None = None) -> bool:
    """Whether a column's values (the first rows') are dates without a clock time, every
    one that is not blank, and at least one is: a time column whose incidents would be
    stored without their clock time unless a clock column is chosen. `order` as the
    mapping's `date_order`."""
    filled = [value for value in values if value.strip()]
    return bool(filled) and all(
        parse_date(in_date_order(value, order)) is not None for value in filled
    )


@dataclass(frozen=True)
class CsvPreview:
    delimiter: str
    header: list[str]
    rows: list[list[str]]
    approx_rows: int


def preview_csv(data: bytes, *, rows: int = 5) -> CsvPreview:
    """The header and first rows of a CSV file, before any column mapping is chosen. A row
    that cannot be read is left out (the import reports it by its line); a file with no
    other row is refused with its reason. A totals row (`is_total_row`) is no row of the
    file's incidents: a file of a header and its total has none."""
    opened = _open_csv(data)
    text, delimiter, records = opened.text, opened.delimiter, opened.records
    header = _header(records)
    if empty := _empty_header(opened.blank_line, header):
        raise empty
    first, unread = [], None
    for record in records:
        if record.error:
            unread = unread or record
        elif any(cell.strip() for cell in record.cells) and not is_total_row(
            record.cells, len(header)
        ):
            # No more cells than the header has columns: a row of a million cells would be
            # a page of a million.
            first.append(record.cells[: len(header)])
        if len(first) >= rows:
            break
    if not first and unread is not None:
        raise ImportFormatError(
            _("Ingen rad under rubrikraden går att läsa: rad %(line)d: %(error)s")
            % {"line": unread.line, "error": unread.error}
        )
    return CsvPreview(delimiter, header, first, max(text.count("\n"), 1))


@dataclass(frozen=True)
class TypeCount:
    value: str  # as the file first spells it, whitespace normalised; never shortened
    rows: int


@dataclass(frozen=True)
class TypeCensus:
    """The values of a file's type column that the importer does not recognise on its own,
    the most common first; `distinct` counts them all, listed or not."""

    column: str
    types: list[TypeCount]
    distinct: int

    @property
    def left_out(self) -> int:
        return self.distinct - len(self.types)


def unrecognised_types(data: bytes, column: str, *, limit: int = 50) -> TypeCensus:
    """Every row's value in `column` (the whole file, not its first rows) that is neither a
    group's key or name nor a police-feed type, with how many rows have it: what a mapping's
    `group` would have to name. Values are compared as the importer compares them
    (`type_key`: case, spacing and Unicode composition aside). A row the CSV reader cannot
    read is passed over, as an import rejects it."""
    records = _open_csv(data).records
    labels = _group_labels()
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    known: set[str] = set()
    header = [name.lower() for name in _header(records)]
    if column.lower() not in header:
        return TypeCensus(column, [], 0)
    index = header.index(column.lower())
    for record in records:
        row = record.cells
        if is_total_row(row, len(header)):
            continue  # "Summa;;3": its "3" or "Summa" is no type (the import skips the row)
        value = _normalise(row[index]) if index < len(row) else ""
        key = type_key(value)
        if not key or key in known:
            continue
        if key not in counts:
            if _known_group(value, "", labels):
                known.add(key)
                continue
            spelling[key], counts[key] = value, 0
        counts[key] += 1
    common = sorted(counts, key=lambda key: (-counts[key], key))[:limit]
    listed = [TypeCount(spelling[key], counts[key]) for key in common]
    return TypeCensus(column, listed, len(counts))

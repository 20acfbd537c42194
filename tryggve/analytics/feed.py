"""Fetching the police's open events feed within its rules, and importing what it returns.

The rules (polisen.se, "Regler för användning av polisens öppna data och API:er"): a
User-Agent that names the application and a contact, HTTPS, at least 10 seconds between
calls, at most 60 calls an hour and 1,440 a day, and a 404 is permanent: never call that
address again. Breaking them gets 429 or 403, or a block that may hit others on our network.
So a 429 or a 403 ends the run at once (another call in the same run could lengthen a block):
the next cron run is the one that may call again, once the Retry-After or our own back-off
has passed. Only what may pass within a minute (a 5xx, a timeout, a server that is down) is
tried again within a run. A redirect is never followed: the address is the operator's to
check (it would count as a second call, and could lead from HTTPS to HTTP).

Every call (and every call the rules made us skip) is a `FeedFetch` row, so separate cron
runs share the limits through the database. A call is reserved as a row before it is made,
under a lock that serialises the reservations (PostgreSQL: an advisory lock; SQLite: its
write transactions are already serial), so two runs at once (a hand run beside cron, cron on
two machines) still keep 10 s apart. Sleeping and the clock are passed in, so tests run
against a local fake server without waiting.
"""

from __future__ import annotations

import http.client
import logging
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tryggve.analytics.importers import (
    COUNTY_CODES,
    MUNICIPALITY_CODES,
    ImportFormatError,
    load_police_events,
    parse_police_events,
)
from tryggve.analytics.models import FeedFetch, county_key
from tryggve.analytics.services import incidents_import
from tryggve.areas.models import Municipality
from tryggve.areas.serving import served_codes_or_default

log = logging.getLogger(__name__)

MIN_SPACING = timedelta(seconds=10)
HOUR_LIMIT = 60
DAY_LIMIT = 1440
# Our own back-off after 429/403 without Retry-After, doubled per refusal in a row; a later
# run waits it out (a refusal ends its run).
BACKOFF_START = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# 5xx, timeouts and a server that is down, and these alone: tried again this many times
# within one run, waiting 10, 20, 40 ... seconds.
RETRIES = 3
# A Retry-After further ahead than this is read as this: a broken header (a year 9999 date)
# must not stop the fetching for good, as only a 404 may.
RETRY_AFTER_MAX = timedelta(days=1)
# The whole answer, not only each read, must come within POLICE_FEED_TIMEOUT, and be no
# larger than this (the feed's 500 events are about 300 kB): a server that trickles or
# streams without end must not hold the run, and the flock of the next, for ever. A larger
# answer is not asked for again in the run: it would only come as large again.
MAX_ANSWER_BYTES = 20 * 1024 * 1024
# How much of a redirect's Location the operator's error quotes.
LOCATION_SHOWN = 100
# The PostgreSQL advisory lock under which a call is reserved (any constant of our own).
RESERVATION_LOCK = 0x7472_7967_6776_6501
Outcome = FeedFetch.Outcome


@dataclass
class FetchReport:
    outcome: str
    calls: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    outside: int = 0
    # Events stored before that the police have edited since, brought up to date (or
    # removed, moved to a place not served): among `duplicates` (or `outside`) too.
    updated: int = 0
    message: str = ""


def feed_locations() -> list[str]:
    """The place names to ask the feed for: the POLICE_FEED_LOCATIONS setting, else the
    served municipalities in the database (only the default one while routing is off), by
    the names the feed uses ("Arvidsjaur"), and then their counties ("Norrbottens län").
    A neighbour's row kept beside them is not served: its events would only be imported to
    be shown nowhere, or where they do not belong.

    The county because `locationname` names an event's `location`, and the police place
    there the county alone for their night digests ("Sammanfattning natt"), the county's
    traffic controls and, since 2026, every event (the municipality is then only in the
    event's name): asked for by municipality alone, a feed that filters on `location` has
    none of these to give. The county's other towns come along and are counted as
    `outside`, never stored; the answer is 500 events at most either way."""
    if settings.POLICE_FEED_LOCATIONS:
        return list(settings.POLICE_FEED_LOCATIONS)
    names = {code: name.capitalize() for name, code in MUNICIPALITY_CODES.items()}
    served = served_codes_or_default()
    codes = list(
        Municipality.objects.filter(code__in=served)
        .order_by("code")
        .values_list("code", flat=True)
    )
    counties = {code: _county_name(name) for name, code in COUNTY_CODES.items()}
    wanted = [county for county in dict.fromkeys(code[:2] for code in codes) if county in counties]
    return [names[code] for code in codes if code in names] + [counties[c] for c in wanted]


def _county_name(key: str) -> str:
    """A county as the feed writes it, from `COUNTY_CODES`' key: "Västra Götalands län"."""
    return " ".join(word if word == "län" else word.capitalize() for word in key.split())


def feed_url(locations: list[str]) -> str:
    base = settings.POLICE_FEED_URL
    if not locations:
        return base
    return f"{base}?locationname={quote(';'.join(locations), safe=';')}"


def _retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After as seconds or as an HTTP date, from now to RETRY_AFTER_MAX ahead."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return now + timedelta(seconds=min(int(value), RETRY_AFTER_MAX.total_seconds()))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return min(max(moment, now), now + RETRY_AFTER_MAX)


def _refusals_in_a_row(current: FeedFetch) -> int:
    count = 0
    calls = FeedFetch.objects.exclude(outcome=Outcome.SKIPPED).exclude(pk=current.pk)
    for outcome in calls.values_list("outcome", flat=True)[:10]:
        if outcome not in (Outcome.RATE_LIMITED, Outcome.REFUSED):
            break
        count += 1
    return count


def _gone(url: str) -> bool:
    return FeedFetch.objects.filter(url=url, outcome=Outcome.GONE).exists()


def _why_not_now(url: str, now: datetime) -> tuple[str, timedelta]:
    """(reason to give up, "") or ("", how long to wait first) under the feed's rules."""
    calls = FeedFetch.objects.exclude(outcome=Outcome.SKIPPED)
    if _gone(url):
        return (
            f"{url} answered 404 before, which the feed's rules make permanent "
            "(correct POLICE_FEED_URL; docs/operations.md)",
            timedelta(),
        )
    blocked = calls.filter(retry_after__gt=now).order_by("-retry_after").first()
    if blocked is not None:
        return f"backing off until {blocked.retry_after.isoformat()}", timedelta()
    if calls.filter(started__gt=now - timedelta(hours=1)).count() >= HOUR_LIMIT:
        return f"{HOUR_LIMIT} calls in the last hour already", timedelta()
    if calls.filter(started__gt=now - timedelta(days=1)).count() >= DAY_LIMIT:
        return f"{DAY_LIMIT} calls in the last day already", timedelta()
    last = calls.order_by("-started").values_list("started", flat=True).first()
    wait = last + MIN_SPACING - now if last else timedelta()
    # Only calls reserved and not yet made (other runs waiting their turn) lie ahead of the
    # clock, 10 s apart. A call made lies ahead only when the clock went back since (NTP
    # correcting a clock that ran fast, a restored snapshot): it was made before now, so
    # 10 s after the turns reserved keeps the spacing, where waiting for its time stamp
    # would hold the run, and the flock every later run needs, for as long as the clock
    # was wrong.
    waiting = calls.filter(outcome=Outcome.STARTED, started__gt=now).count()
    wait = min(wait, MIN_SPACING * (waiting + 1))
    return "", max(wait, timedelta())


def _reserve(url: str, now: Callable[[], datetime]) -> tuple[str, FeedFetch | None]:
    """(reason to give up, None) or ("", the call's row, started at the moment it may be
    made). Reserved under a lock, so a run that reserves next sees this call and keeps its
    distance even while this one is still waiting or under way."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESERVATION_LOCK])
        moment = now()
        reason, wait = _why_not_now(url, moment)
        if reason:
            FeedFetch.objects.create(started=moment, url=url, outcome=Outcome.SKIPPED, error=reason)
            return reason, None
        row = FeedFetch.objects.create(started=moment + wait, url=url, outcome=Outcome.STARTED)
    return "", row


class AnswerTooLarge(Exception):
    """An answer over MAX_ANSWER_BYTES: failed for the run, never tried again in it."""

    def __init__(self, status: int):
        super().__init__(f"answer larger than {MAX_ANSWER_BYTES} bytes")
        self.status = status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is the call's answer, never followed as urllib would by default: following
    would be a second call at once, logged as none, and could lead from HTTPS to HTTP.
    urllib then raises it as an HTTPError, as any other status but 2xx."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _read(response, deadline: float) -> bytes:
    """The answer's body, at most MAX_ANSWER_BYTES and all of it before the deadline."""
    chunks, size = [], 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise AnswerTooLarge(response.status)
        if time.monotonic() > deadline:
            raise TimeoutError(f"answer not complete within {settings.POLICE_FEED_TIMEOUT} s")
        chunks.append(chunk)
    if response.length:  # closed before the Content-Length it promised
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


def _get(url: str) -> tuple[int, bytes, dict]:
    """(status, body, headers by their names in lower case) of one request, redirects
    not followed."""
    deadline = time.monotonic() + settings.POLICE_FEED_TIMEOUT
    # The address is POLICE_FEED_URL, set by the operator, never by a user.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": settings.POLICE_FEED_USER_AGENT, "Accept": "application/json"}
    )
    try:
        with _OPENER.open(request, timeout=settings.POLICE_FEED_TIMEOUT) as response:
            return response.status, _read(response, deadline), _lower(response.headers)
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, b"", _lower(exc.headers or {})


def _lower(headers) -> dict:
    return {name.lower(): value for name, value in headers.items()}


def _shortened(location: str) -> str:
    """A redirect's Location for the operator's one-line error: on one line, not too long."""
    location = " ".join(location.split()) or "(no Location)"
    return location if len(location) <= LOCATION_SHOWN else location[:LOCATION_SHOWN] + "…"


def police_events_fetch(
    *,
    locations: list[str] | None = None,
    sleep: Callable[[float], None] | None = None,
    now: Callable[[], datetime] = timezone.now,
) -> FetchReport:
    """Fetch the feed once and import its events: a 5xx, a timeout or a server that is
    down is tried again within the run (RETRIES), anything else ends it.

    Returns what happened; every call is logged as a `FeedFetch` row. Events already stored
    count as duplicates (by the feed's id), so fetching often never counts one twice.
    """
    sleep = sleep or time.sleep
    url = feed_url(feed_locations() if locations is None else locations)
    report = FetchReport(outcome=Outcome.FAILED)
    attempt = 0
    while True:
        reason, row = _reserve(url, now)
        if reason:
            log.warning("Police feed not called: %s", reason)
            if report.calls == 0:
                # Gone, not skipped: every later run fails as the 404's did, so cron keeps
                # telling an operator that the feed is dead until the address is corrected.
                outcome = Outcome.GONE if _gone(url) else Outcome.SKIPPED
                report.outcome, report.message = outcome, reason
            return report
        try:
            pause = _attempt(row, url, report, attempt, sleep=sleep, now=now)
        except BaseException:
            _fail_if_started(row)
            raise
        if pause is None:
            return report
        sleep(pause)
        attempt += 1


def _attempt(
    row: FeedFetch,
    url: str,
    report: FetchReport,
    attempt: int,
    *,
    sleep: Callable[[float], None],
    now: Callable[[], datetime],
) -> float | None:
    """Make the call reserved as `row` (waiting for its moment first), import its answer
    and log how it went in `row` and `report`; the seconds to wait before the next attempt,
    or None when there is to be none."""
    wait = (row.started - now()).total_seconds()
    if wait > 0:
        sleep(wait)
    row.started = started = now()
    report.calls += 1
    try:
        status, body, headers = _get(url)
    except AnswerTooLarge as exc:
        row.http_status = exc.status
        # As large again if asked for again: failed for this run; the next cron run tries.
        error = f"{FeedFetch.TOO_LARGE}: {exc}, not asked for again in this run"
        return _failed(row, report, error, attempt, retry=False)
    # Refused, timed out, DNS, a broken answer (IncompleteRead, BadStatusLine).
    except (OSError, ValueError, http.client.HTTPException) as exc:
        row.http_status = None
        return _failed(row, report, f"{type(exc).__name__}: {exc}", attempt, retry=True)
    row.http_status = status
    if status == 200:
        _import(row, body, report, now=started)
        return None
    if status == 404:
        row.outcome, row.error = Outcome.GONE, "404: permanent, no further calls"
        row.save()
        log.error("Police feed %s answered 404; it will not be called again", url)
        report.outcome, report.message = Outcome.GONE, row.error
        return None
    if status in (429, 403):
        _refused(row, report, headers.get("retry-after"), started)
        return None
    if 300 <= status < 400:
        location = _shortened(headers.get("location", ""))
        error = f"HTTP {status} to {location}, not followed: check POLICE_FEED_URL"
        return _failed(row, report, error, attempt, retry=False)
    return _failed(row, report, f"HTTP {status}", attempt, retry=500 <= status < 600)


def _refused(
    row: FeedFetch, report: FetchReport, retry_after: str | None, started: datetime
) -> None:
    """A 429 (asked to wait) or 403 (refused): no call before its Retry-After or our own
    back-off, by this run or any other."""
    backoff = min(BACKOFF_START * 2 ** _refusals_in_a_row(row), BACKOFF_MAX)
    until = _retry_after(retry_after, started) or started + backoff
    row.outcome = Outcome.RATE_LIMITED if row.http_status == 429 else Outcome.REFUSED
    row.retry_after, row.error = until, f"{row.http_status}: retry after {until.isoformat()}"
    row.save()
    log.warning("Police feed refused the call (%s); next call after %s", row.http_status, until)
    report.outcome, report.message = row.outcome, row.error


def _failed(
    row: FeedFetch, report: FetchReport, error: str, attempt: int, *, retry: bool
) -> float | None:
    """Log the call as failed; the seconds to wait before trying again in this run, or None."""
    row.outcome, row.error = Outcome.FAILED, error
    row.save()
    log.warning("Police feed call failed (%s), attempt %d", error, attempt + 1)
    report.outcome, report.message = Outcome.FAILED, error
    if not retry or attempt >= RETRIES:
        return None
    return (MIN_SPACING * 2**attempt).total_seconds()


def _fail_if_started(row: FeedFetch) -> None:
    """End a call that an unexpected exception (a bug, the database, an interrupt) left
    `started`, as failed: it must not stay "Påbörjad" for ever on the import page. The
    exception itself goes on to the caller, with its traceback, for the operator."""
    exc = sys.exc_info()[1]
    error = f"{type(exc).__name__}: {exc}"[:2000] if exc else "interrupted"
    try:
        FeedFetch.objects.filter(pk=row.pk, outcome=Outcome.STARTED).update(
            outcome=Outcome.FAILED, http_status=row.http_status, error=error
        )
    except Exception:  # the database itself may be what failed; the first error matters
        log.exception("Police feed call %s could not be marked failed", row.pk)


def _import(row: FeedFetch, body: bytes, report: FetchReport, *, now: datetime) -> None:
    try:
        events = load_police_events(body, answer=True)
    except ImportFormatError as exc:
        row.outcome, row.error = Outcome.FAILED, str(exc)
        row.save()
        report.outcome, report.message = Outcome.FAILED, row.error
        log.error("Police feed answer unusable: %s", exc)
        return
    result = incidents_import(incidents=parse_police_events(events, now=now))
    row.outcome, row.events = Outcome.OK, len(events)
    counts = (result.imported, result.duplicates, result.rejected, result.outside)
    row.imported, row.duplicates, row.rejected, row.outside = counts
    # Every served municipality and county gets its line, zeros too: a missing one then
    # means only a row from before they were kept.
    zero = {"imported": 0, "duplicates": 0, "rejected": 0}
    served = served_codes_or_default()
    shares = [*served, *sorted({county_key(code[:2]) for code in served})]
    row.counts = {share: dict(zero) for share in shares} | result.by_municipality()
    row.error = "\n".join(result.errors[:50])
    row.save()
    report.outcome = Outcome.OK
    report.imported, report.duplicates, report.rejected, report.outside = counts
    report.updated = result.updated
    log.info(
        "Police feed: %d events, imported=%d duplicates=%d rejected=%d outside=%d updated=%d",
        len(events),
        *counts,
        result.updated,
    )

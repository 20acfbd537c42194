"""`fetch_police_events` against a real HTTP server on 127.0.0.1 that plays recorded feed
files and the failures the feed's rules speak of (429, 403, 404, 500, slow, down)."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tryggve.analytics import feed
from tryggve.analytics.feed import police_events_fetch
from tryggve.analytics.importers import parse_police_events
from tryggve.analytics.models import FeedFetch, Incident
from tryggve.analytics.selectors import last_successful_fetch
from tryggve.analytics.services import incidents_import

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[3]
FEED_1 = (DATA / "polisen_feed_norrbotten_1.json").read_bytes()
FEED_2 = (DATA / "polisen_feed_norrbotten_2.json").read_bytes()
Outcome = FeedFetch.Outcome


class FakeFeed(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        server = self.server
        server.requests.append((self.path, self.headers.get("User-Agent")))
        server.moments.append(time.monotonic())
        status, body, headers, delay = (
            server.script.pop(0) if server.script else (200, b"[]", {}, 0)
        )
        if delay:
            time.sleep(delay)  # longer than the client's timeout: the client gives up first
        # A list of byte strings is sent a piece at a time, 0.05 s apart (a trickle).
        pieces = body if isinstance(body, list) else [body]
        headers = {"Content-Length": str(sum(map(len, pieces))), **headers}
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.end_headers()
            for number, piece in enumerate(pieces):
                if number:
                    time.sleep(0.05)
                self.wfile.write(piece)
                self.wfile.flush()
        except OSError:
            pass  # the client timed out and went away

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings, arjeplog):
    """The fake feed, for a deployment serving the two municipalities its files name."""
    yield from _fake_feed(settings)


@pytest.fixture
def feed_for_arvidsjaur_alone(settings, municipality):
    """The fake feed, for a deployment serving Arvidsjaur alone."""
    yield from _fake_feed(settings)


def _fake_feed(settings):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeFeed)
    httpd.script, httpd.requests, httpd.moments = [], [], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.POLICE_FEED_URL = f"http://127.0.0.1:{httpd.server_address[1]}/api/events"
    settings.POLICE_FEED_USER_AGENT = "Tryggve-test (test@example.invalid)"
    settings.POLICE_FEED_TIMEOUT = 0.5
    settings.POLICE_FEED_LOCATIONS = ["Arvidsjaur", "Arjeplog"]
    yield httpd
    httpd.shutdown()
    httpd.server_close()


class Clock:
    """The clock and sleep the fetch is given: sleeping only moves the clock on."""

    def __init__(self, start=datetime(2026, 11, 28, 9, 0, tzinfo=UTC)):
        self.moment, self.slept = start, []

    def now(self):
        return self.moment

    def sleep(self, seconds):
        if seconds < 0:  # as time.sleep
            raise ValueError("sleep length must be non-negative")
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


def fetch(clock, **kwargs):
    return police_events_fetch(sleep=clock.sleep, now=clock.now, **kwargs)


@pytest.mark.django_db
def test_a_fetch_imports_the_feed_and_a_second_fetch_counts_nothing_twice(server, clock):
    server.script = [(200, FEED_1, {}, 0), (200, FEED_2, {}, 0)]
    first = fetch(clock)
    assert (first.outcome, first.imported, first.duplicates, first.rejected) == (
        Outcome.OK,
        5,
        2,
        0,
    )
    clock.sleep(15 * 60)
    second = fetch(clock)
    assert (second.imported, second.duplicates) == (2, 4)
    assert Incident.objects.count() == 7
    path, agent = server.requests[0]
    assert path == "/api/events?locationname=Arvidsjaur;Arjeplog"
    assert agent == "Tryggve-test (test@example.invalid)"
    rows = list(FeedFetch.objects.order_by("started").values_list("outcome", "imported", "events"))
    assert rows == [(Outcome.OK, 5, 4), (Outcome.OK, 2, 3)]
    assert last_successful_fetch().imported == 2


def test_events_of_a_municipality_not_served_are_counted_apart_and_not_stored(
    feed_for_arvidsjaur_alone, clock
):
    feed_for_arvidsjaur_alone.script = [(200, FEED_1, {}, 0)]
    report = fetch(clock)
    counts = (report.imported, report.duplicates, report.rejected, report.outside)
    assert counts == (3, 2, 0, 2)  # the night summary lists two events sent on their own
    row = FeedFetch.objects.get()
    assert (row.imported, row.rejected, row.outside) == (3, 0, 2)
    assert set(Incident.objects.values_list("municipality_code", flat=True)) <= {"2505", ""}


@pytest.mark.django_db
def test_each_served_municipality_gets_its_own_counts_of_a_fetch(server, clock):
    server.script = [(200, FEED_1, {}, 0), (200, FEED_2, {}, 0)]
    fetch(clock)
    clock.sleep(15 * 60)
    fetch(clock)
    first, second = FeedFetch.objects.order_by("started")
    # The night summary's lines: two of Arvidsjaur's are its events sent on their own too,
    # one is Arjeplog's; the second answer adds Arvidsjaur's theft and a summary in prose
    # that names only the county (Norrbotten, 25), and sends the first summary again.
    assert first.counts == {
        "2505": {"imported": 3, "duplicates": 2, "rejected": 0},
        "2506": {"imported": 2, "duplicates": 0, "rejected": 0},
        "county:25": {"imported": 0, "duplicates": 0, "rejected": 0},
    }
    assert second.counts == {
        "2505": {"imported": 1, "duplicates": 3, "rejected": 0},
        "2506": {"imported": 0, "duplicates": 1, "rejected": 0},
        "county:25": {"imported": 1, "duplicates": 0, "rejected": 0},
    }
    # The totals stay the deployment's, the sum of the parts.
    assert (first.imported, first.duplicates, second.imported, second.duplicates) == (5, 2, 2, 4)
    stored = Incident.objects.values_list("municipality_code", flat=True)
    assert sorted(stored) == ["", "2505", "2505", "2505", "2505", "2506", "2506"]


def test_a_fetch_that_brings_nothing_still_counts_zero_for_each_served_municipality(
    server, clock
):
    server.script = [(200, b"[]", {}, 0)]
    fetch(clock)
    empty = {"imported": 0, "duplicates": 0, "rejected": 0}
    assert FeedFetch.objects.get().counts == {"2505": empty, "2506": empty, "county:25": empty}


def test_the_import_counts_each_municipality_apart(arjeplog):
    events = json.loads(FEED_1) + json.loads(FEED_2)
    result = incidents_import(incidents=parse_police_events(events))
    # The second answer's copy of the night summary is the first's, line by line.
    assert result.by_municipality() == {
        "2505": {"imported": 4, "duplicates": 5, "rejected": 0},
        "2506": {"imported": 2, "duplicates": 1, "rejected": 0},
        "county:25": {"imported": 1, "duplicates": 0, "rejected": 0},
    }
    assert (result.imported, result.duplicates, result.outside) == (7, 6, 0)


@pytest.mark.django_db
def test_calls_are_at_least_ten_seconds_apart_across_runs(server, clock):
    fetch(clock)
    clock.sleep(3)
    fetch(clock)
    assert clock.slept[-1] == pytest.approx(7)
    first, second = FeedFetch.objects.order_by("started")
    assert second.started - first.started == timedelta(seconds=10)


@pytest.mark.django_db
def test_a_call_another_run_has_reserved_keeps_this_one_ten_seconds_away(server, clock):
    # Another run reserved a call for now and is making it: this run sees the reservation.
    FeedFetch.objects.create(started=clock.now(), url="x", outcome=Outcome.STARTED)
    report = fetch(clock)
    assert report.outcome == Outcome.OK
    assert clock.slept == [pytest.approx(10)]
    assert FeedFetch.objects.order_by("-started").first().outcome == Outcome.OK


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database fails at once on a lock; the next test covers SQLite",
)
def test_two_runs_at_once_keep_their_calls_apart(server, monkeypatch):
    """A hand run beside cron, or cron on two machines: real threads, real clock, each with
    its own database connection; the spacing is shortened to keep the test quick."""
    monkeypatch.setattr(feed, "MIN_SPACING", timedelta(seconds=1))
    settings.POLICE_FEED_TIMEOUT = 10
    # Each answer takes 2 s: a run that looked only at finished calls would call meanwhile.
    server.script = [(200, b"[]", {}, 2), (200, b"[]", {}, 2)]
    outcomes, start = [], threading.Barrier(2)

    def run():
        try:
            start.wait()
            outcomes.append(police_events_fetch().outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == [Outcome.OK, Outcome.OK]
    assert len(server.moments) == 2
    assert abs(server.moments[1] - server.moments[0]) >= 0.9
    assert set(FeedFetch.objects.values_list("outcome", flat=True)) == {Outcome.OK}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the test before covers PostgreSQL")
def test_two_commands_at_once_on_sqlite_keep_their_calls_apart(server, tmp_path):
    """The same as two cron commands on the embedded database: a copy of the test database
    in a file (WAL, a busy timeout, immediate transactions, as settings.py makes it)."""
    path = tmp_path / "feed.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    server.script = [(200, b"[]", {}, 2), (200, b"[]", {}, 2)]  # as in the test before
    keep = {"PATH", "HOME", "LANG", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep} | {
        "ENV_FILE": os.devnull,
        "SECRET_KEY": "feed-overlap-test",
        "SITE_URL": "https://test.invalid",
        "DATABASE_URL": f"sqlite:///{path}",
        "POLICE_FEED_URL": settings.POLICE_FEED_URL,
        "POLICE_FEED_LOCATIONS": "Arvidsjaur",
    }
    runs = [
        subprocess.Popen(  # noqa: S603 (our own manage.py with fixed arguments)
            [sys.executable, "manage.py", "fetch_police_events"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=90)[0] for run in runs]
    assert all("outcome=ok calls=1" in output for output in outputs), outputs
    assert len(server.moments) == 2
    assert abs(server.moments[1] - server.moments[0]) >= 9.5


@pytest.mark.django_db
def test_sixty_calls_in_an_hour_stop_the_sixty_first(server, clock):
    FeedFetch.objects.bulk_create(
        FeedFetch(started=clock.now() - timedelta(seconds=30 + 59 * m), url="x", outcome=Outcome.OK)
        for m in range(60)
    )
    report = fetch(clock)
    assert report.outcome == Outcome.SKIPPED
    assert server.requests == []
    assert FeedFetch.objects.filter(outcome=Outcome.SKIPPED).count() == 1


@pytest.mark.django_db
def test_a_429_ends_the_run_and_the_next_run_waits_out_its_retry_after(server, clock):
    server.script = [(429, b"", {"Retry-After": "120"}, 0), (200, FEED_1, {}, 0)]
    report = fetch(clock)
    # Never called again within the run, however short the wait: the next cron run may.
    assert (report.outcome, report.calls) == (Outcome.RATE_LIMITED, 1)
    assert len(server.requests) == 1 and clock.slept == []
    limited = FeedFetch.objects.get()
    assert (limited.outcome, limited.http_status) == (Outcome.RATE_LIMITED, 429)
    assert limited.retry_after == limited.started + timedelta(seconds=120)
    clock.sleep(60)
    assert fetch(clock).outcome == Outcome.SKIPPED
    assert len(server.requests) == 1
    clock.sleep(60)
    assert fetch(clock).imported == 5
    assert len(server.requests) == 2 and clock.slept == [60, 60]


@pytest.mark.django_db
def test_a_403_ends_the_run_at_once_and_is_backed_off(server, clock):
    server.script = [(403, b"", {}, 0)] * 4
    report = fetch(clock)
    assert (report.outcome, report.calls) == (Outcome.REFUSED, 1)
    assert len(server.requests) == 1 and clock.slept == []
    refused = FeedFetch.objects.get()
    assert (refused.outcome, refused.http_status) == (Outcome.REFUSED, 403)
    assert refused.retry_after == refused.started + feed.BACKOFF_START
    assert "403" in refused.error and "403" in report.message
    clock.sleep(30)
    assert fetch(clock).outcome == Outcome.SKIPPED
    assert len(server.requests) == 1


@pytest.mark.django_db
def test_the_command_reports_a_403_in_its_line_and_calls_once(server, monkeypatch):
    slept = []
    monkeypatch.setattr(feed.time, "sleep", slept.append)
    server.script = [(403, b"", {}, 0)] * 4
    # Exit 1: a refusal may be a block, which an operator must look into (cron mails it).
    with pytest.raises(CommandError, match=r"^outcome=refused calls=1 imported=0"):
        call_command("fetch_police_events", stdout=StringIO())
    assert len(server.requests) == 1 and slept == []


@pytest.mark.django_db
def test_a_retry_after_blocks_the_next_runs_until_it_has_passed(server, clock):
    server.script = [(403, b"", {"Retry-After": "3600"}, 0)]
    assert fetch(clock).outcome == Outcome.REFUSED
    clock.sleep(600)
    assert fetch(clock).outcome == Outcome.SKIPPED
    assert len(server.requests) == 1
    clock.sleep(3000)
    assert fetch(clock).outcome == Outcome.OK
    assert len(server.requests) == 2


@pytest.mark.django_db
def test_a_retry_after_in_the_past_is_no_wait_at_all(server, clock):
    past = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    server.script = [(429, b"", {"Retry-After": past}, 0), (200, FEED_1, {}, 0)]
    assert fetch(clock).outcome == Outcome.RATE_LIMITED
    limited = FeedFetch.objects.get(outcome=Outcome.RATE_LIMITED)
    assert limited.retry_after == limited.started
    report = fetch(clock)  # the next run: only the 10 s between calls to keep
    assert report.outcome == Outcome.OK and report.imported == 5
    assert clock.slept == [pytest.approx(10)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["99999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "\u00b2", "86401"]
)
def test_a_retry_after_out_of_range_is_read_as_a_day_at_most(server, clock, value):
    server.script = [(403, b"", {"Retry-After": value}, 0)] * 3
    assert fetch(clock).outcome == Outcome.REFUSED
    server.script = []
    limited = FeedFetch.objects.first()  # "²" is no number: our own back-off
    assert limited.started < limited.retry_after <= limited.started + feed.RETRY_AFTER_MAX
    clock.moment = limited.retry_after
    assert fetch(clock).outcome == Outcome.OK  # never blocked for good


@pytest.mark.django_db
def test_refusals_without_retry_after_back_off_exponentially_one_call_a_run(server, clock):
    # 429 and 403 alike are refusals in a row.
    server.script = [(429, b"", {}, 0), (403, b"", {}, 0), (429, b"", {}, 0), (403, b"", {}, 0)]
    for _run in range(4):
        assert fetch(clock).outcome in (Outcome.RATE_LIMITED, Outcome.REFUSED)
        assert fetch(clock).outcome == Outcome.SKIPPED  # a run within the back-off
        clock.moment = FeedFetch.objects.exclude(outcome=Outcome.SKIPPED).first().retry_after
    assert clock.slept == []  # no run waited for a call
    rows = FeedFetch.objects.exclude(outcome=Outcome.SKIPPED).order_by("started")
    assert [(r.retry_after - r.started).total_seconds() for r in rows] == [60, 120, 240, 480]
    assert [r.outcome for r in rows] == [Outcome.RATE_LIMITED, Outcome.REFUSED] * 2
    assert len(server.requests) == 4


@pytest.mark.django_db
def test_a_404_is_permanent(server, clock):
    server.script = [(404, b"", {}, 0)]
    assert fetch(clock).outcome == Outcome.GONE
    clock.sleep(24 * 3600)
    report = fetch(clock)
    # No call, and the run says the feed is gone (the command exits 1 again, so cron keeps
    # telling an operator); the row of the run is a skipped one.
    assert report.outcome == Outcome.GONE and "404" in report.message
    assert "POLICE_FEED_URL" in report.message
    assert (report.calls, len(server.requests)) == (0, 1)
    assert FeedFetch.objects.order_by("started").last().outcome == Outcome.SKIPPED


@pytest.mark.django_db
def test_server_errors_are_retried_a_bounded_number_of_times(server, clock):
    server.script = [(500, b"", {}, 0)] * 10
    report = fetch(clock)
    assert report.outcome == Outcome.FAILED
    assert len(server.requests) == feed.RETRIES + 1
    assert clock.slept == [10, 20, 40]
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_a_500_then_a_good_answer_imports_once(server, clock):
    server.script = [(500, b"", {}, 0), (200, FEED_1, {}, 0)]
    assert fetch(clock).imported == 5
    assert list(FeedFetch.objects.order_by("started").values_list("outcome", "http_status")) == [
        (Outcome.FAILED, 500),
        (Outcome.OK, 200),
    ]


@pytest.mark.django_db
def test_a_slow_server_times_out_and_is_retried(server, clock):
    server.script = [(200, FEED_1, {}, 2), (200, FEED_1, {}, 0)]
    report = fetch(clock)
    assert report.outcome == Outcome.OK and report.imported == 5
    failed = FeedFetch.objects.get(outcome=Outcome.FAILED)
    assert "timed out" in failed.error and failed.http_status is None


@pytest.mark.django_db
def test_an_answer_that_trickles_is_cut_off_at_the_timeout(server, clock):
    # Each piece comes well within the timeout (0.5 s), the whole answer (2 s) does not.
    trickle = [b" "] * 40 + [b"[]"]
    server.script = [(200, trickle, {}, 0)] * (feed.RETRIES + 1)
    started = time.monotonic()
    report = fetch(clock)
    assert report.outcome == Outcome.FAILED and "not complete" in report.message
    assert time.monotonic() - started < (feed.RETRIES + 1) * 1.5


@pytest.mark.django_db
def test_an_answer_too_large_fails_the_run_at_once(server, clock, monkeypatch):
    monkeypatch.setattr(feed, "MAX_ANSWER_BYTES", 1000)
    server.script = [(200, b"[" + b" " * 2000 + b"]", {}, 0)] * (feed.RETRIES + 1)
    report = fetch(clock)
    assert report.outcome == Outcome.FAILED and "larger than 1000 bytes" in report.message
    # Another try would only download as much again.
    assert (report.calls, len(server.requests), clock.slept) == (1, 1, [])
    row = FeedFetch.objects.get()
    assert (row.outcome, row.http_status) == (Outcome.FAILED, 200)
    assert row.explanation("2505") == (
        "Polisens svar var för stort för att tas emot; nästa hämtning försöker igen – "
        "kontakta systemförvaltaren om det upprepas."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed_and_fails_the_run(server, clock, status):
    # To the same server: had it been followed, the server would have had a second request.
    moved = server.server_address[1]
    # A long address: the operator's error keeps its start, never all of it.
    tail = "a-very-long-path-" * 20
    location = f"http://127.0.0.1:{moved}/elsewhere/{tail}"
    server.script = [(status, b"", {"Location": location}, 0)] * 2
    report = fetch(clock)
    assert (report.outcome, report.calls) == (Outcome.FAILED, 1)
    assert [path for path, _agent in server.requests] == [
        "/api/events?locationname=Arvidsjaur;Arjeplog"
    ]
    assert clock.slept == []
    row = FeedFetch.objects.get()
    assert (row.outcome, row.http_status) == (Outcome.FAILED, status)
    # The operator's error names the status, the address it points to (shortened) and what
    # to check; the staff's explanation the status, never the address.
    assert f"HTTP {status}" in row.error and "POLICE_FEED_URL" in row.error
    assert f"127.0.0.1:{moved}/elsewhere/a-very-long-path-" in row.error
    assert tail not in row.error
    assert row.error in report.message
    assert row.explanation("2505") == (
        f"Polisens tjänst svarade med en omdirigering (HTTP {status}), som inte följs; "
        "systemförvaltaren behöver kontrollera adressen till polisens tjänst."
    )


@pytest.mark.django_db
def test_a_client_error_is_not_retried_in_the_run(server, clock):
    server.script = [(400, b"", {}, 0)] * 2
    report = fetch(clock)
    assert (report.outcome, report.calls, len(server.requests)) == (Outcome.FAILED, 1, 1)
    assert clock.slept == []


@pytest.mark.django_db
def test_a_truncated_answer_is_a_failed_call_not_a_crash(server, clock):
    server.script = [(200, FEED_1[:100], {"Content-Length": str(len(FEED_1))}, 0)]
    server.script.append((200, FEED_1, {}, 0))
    report = fetch(clock)
    assert report.outcome == Outcome.OK and report.imported == 5
    failed = FeedFetch.objects.get(outcome=Outcome.FAILED)
    assert "IncompleteRead" in failed.error


@pytest.mark.django_db
def test_a_server_that_is_down_fails_cleanly(settings, clock):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.POLICE_FEED_URL = f"http://127.0.0.1:{port}/api/events"
    report = fetch(clock, locations=["Arvidsjaur"])
    assert report.outcome == Outcome.FAILED and report.calls == feed.RETRIES + 1
    assert "Connection refused" in FeedFetch.objects.first().error
    assert last_successful_fetch() is None


@pytest.mark.django_db
def test_a_broken_answer_is_logged_and_imports_nothing(server, clock):
    server.script = [(200, b"<html>underhall</html>", {}, 0)] * 2
    report = fetch(clock)
    assert (report.outcome, report.calls) == (Outcome.FAILED, 1)
    assert FeedFetch.objects.get().error == (
        "Polisens svar är inte giltig JSON: fel på rad 1, tecken 1."
    )
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_locations_default_to_the_served_municipalities(settings, municipality):
    # Arjeplog's row is there but not served (routing off): its events are not asked for.
    settings.POLICE_FEED_LOCATIONS = []
    assert feed.feed_locations() == ["Arvidsjaur", "Norrbottens län"]


def test_locations_default_to_every_served_municipality(settings, arjeplog):
    settings.POLICE_FEED_LOCATIONS = []
    assert feed.feed_locations() == ["Arvidsjaur", "Arjeplog", "Norrbottens län"]


@pytest.mark.django_db
def test_the_county_is_asked_for_where_the_police_place_its_digests(
    feed_for_arvidsjaur_alone, clock, settings
):
    """The night digests, the county's traffic controls and, since 2026, every event have
    `location` "Norrbottens län": a feed that filters on it has them only for the county."""
    feed_for_arvidsjaur_alone.script = [(200, FEED_1, {}, 0)]
    settings.POLICE_FEED_LOCATIONS = []
    fetch(clock)
    path = feed_for_arvidsjaur_alone.requests[0][0]
    assert path == "/api/events?locationname=Arvidsjaur;Norrbottens%20l%C3%A4n"


def test_a_county_is_named_as_the_feed_writes_it():
    assert feed._county_name("västra götalands län") == "Västra Götalands län"


@pytest.mark.django_db
def test_the_command_reports_and_fails_on_a_404(server, monkeypatch):
    monkeypatch.setattr(feed.time, "sleep", lambda seconds: None)
    server.script = [(200, FEED_1, {}, 0)]
    out = StringIO()
    call_command("fetch_police_events", stdout=out)
    assert out.getvalue().startswith(
        "outcome=ok calls=1 imported=5 duplicates=2 rejected=0 outside=0"
    )
    server.script = [(404, b"", {}, 0)]
    FeedFetch.objects.update(started=datetime(2026, 1, 1, tzinfo=UTC))  # spacing satisfied
    with pytest.raises(CommandError, match="outcome=gone"):
        call_command("fetch_police_events", "--locations", "Arvidsjaur;Arjeplog")
    # Every later run fails too, without a call, until the address is corrected.
    with pytest.raises(CommandError, match="outcome=gone calls=0 .*answered 404 before"):
        call_command("fetch_police_events", "--locations", "Arvidsjaur;Arjeplog")
    assert len(server.requests) == 2


# Hostile answers (the attacker trial's findings) --------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 kB of lists in lists


@pytest.mark.django_db
def test_an_answer_nested_too_deep_is_a_failed_call_not_a_traceback(server, clock):
    server.script = [(200, DEEP, {}, 0)]
    report = fetch(clock)
    assert report.outcome == Outcome.FAILED and report.calls == 1
    row = FeedFetch.objects.get()
    # As every answer that cannot be read: failed, and said so on the import page.
    assert (row.outcome, row.http_status) == (Outcome.FAILED, 200)
    assert "inte giltig JSON" in row.error
    assert row.explanation("2505") == "Polisens svar gick inte att läsa."
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_the_command_says_in_one_line_that_a_deep_answer_could_not_be_read(server, monkeypatch):
    monkeypatch.setattr(feed.time, "sleep", lambda seconds: None)
    server.script = [(200, DEEP, {}, 0)]
    with pytest.raises(CommandError) as failure:
        call_command("fetch_police_events", stdout=StringIO())
    message = str(failure.value)
    assert message.startswith("outcome=failed calls=1 imported=0") and "\n" not in message
    # An answer over HTTP, not a file.
    assert "Polisens svar är inte giltig JSON" in message and "Filen" not in message
    assert FeedFetch.objects.get().outcome == Outcome.FAILED


@pytest.mark.django_db
def test_an_unexpected_exception_ends_the_call_as_failed_never_started(
    server, clock, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("a bug while importing")

    monkeypatch.setattr(feed, "incidents_import", broken)
    server.script = [(200, FEED_1, {}, 0)]
    with pytest.raises(RuntimeError):  # the operator still gets its traceback
        fetch(clock)
    row = FeedFetch.objects.get()
    assert (row.outcome, row.http_status) == (Outcome.FAILED, 200)
    assert row.error == "RuntimeError: a bug while importing"
    assert row.explanation("2505") == "Polisens svar gick inte att läsa."


@pytest.mark.django_db
def test_an_interrupt_while_waiting_ends_the_call_as_failed(server, clock, monkeypatch):
    def interrupted(url):
        raise KeyboardInterrupt

    monkeypatch.setattr(feed, "_get", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch(clock)
    row = FeedFetch.objects.get()
    assert (row.outcome, row.http_status) == (Outcome.FAILED, None)


@pytest.mark.django_db
def test_a_far_future_event_in_the_feed_is_rejected_not_stored(server, clock):
    events = json.loads(FEED_1)
    ahead = dict(events[0], id=900002, datetime="2099-01-01 00:00:00 +01:00")
    server.script = [(200, json.dumps([*events, ahead]).encode(), {}, 0)]
    report = fetch(clock)
    assert (report.outcome, report.imported, report.rejected) == (Outcome.OK, 5, 1)
    assert not Incident.objects.filter(external_id="900002").exists()
    error = FeedFetch.objects.get().error
    assert "(id 900002): tiden 2099-01-01 00:00:00 +01:00 ligger i framtiden" in error


@pytest.mark.django_db
def test_a_clock_set_back_never_makes_a_run_wait_for_the_wrong_time(server, clock):
    """The last call was stamped a day ahead by a clock that ran fast, since corrected: the
    call was made before now, so 10 s after it is all the spacing needs (the run waited a
    day, holding cron's flock, and no run called the feed meanwhile)."""
    FeedFetch.objects.create(started=clock.now() + timedelta(days=1), url="x", outcome=Outcome.OK)
    report = fetch(clock)
    assert report.outcome == Outcome.OK
    assert clock.slept == [pytest.approx(10)]
    # And so does every later run, while the clock has not caught up with the stamp.
    clock.sleep(60)
    fetch(clock)
    assert clock.slept[-1] == pytest.approx(10)


@pytest.mark.django_db
def test_turns_other_runs_have_reserved_are_kept_ten_seconds_apart(server, clock):
    """Two runs waiting their turn (reserved at +10 s and +20 s): this one takes +30 s."""
    for seconds in (10, 20):
        FeedFetch.objects.create(
            started=clock.now() + timedelta(seconds=seconds), url="x", outcome=Outcome.STARTED
        )
    fetch(clock)
    assert clock.slept == [pytest.approx(30)]

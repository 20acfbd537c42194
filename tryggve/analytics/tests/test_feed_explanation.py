"""What staff read about a call of the police feed (`FeedFetch.explanation`): plain Swedish
from the stored facts, never the technical `error`; each municipality learns only of its own
rejected events; the technical text stays for the operator (the command, the admin)."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from tryggve.analytics.importers import parse_police_events
from tryggve.analytics.models import FeedFetch
from tryggve.analytics.services import incidents_import

Outcome = FeedFetch.Outcome
HERE = "2505"  # Arvidsjaur, Norrbotten (25)


def call(started="2026-11-28T09:00:00+00:00", **fields) -> FeedFetch:
    """A call as stored (not saved: the explanation reads only the row)."""
    moment = datetime.fromisoformat(started)
    return FeedFetch(started=moment, url="x", **fields)


def refused(started: str, retry_after: str | None, status: int = 429) -> FeedFetch:
    """A 429 (asked to wait) or, `status` 403, a call the police refused."""
    until = datetime.fromisoformat(retry_after) if retry_after else None
    return call(
        started,
        outcome=Outcome.RATE_LIMITED if status == 429 else Outcome.REFUSED,
        http_status=status,
        retry_after=until,
        error=f"{status}: retry after {retry_after}",
    )


@pytest.mark.parametrize(
    ("started", "retry_after", "said"),
    [
        # Winter time, UTC+1.
        ("2026-11-28T13:00:00+00:00", "2026-11-28T13:20:00+00:00", "kl. 14:20"),
        # Summer time, UTC+2.
        ("2026-06-10T12:00:00+00:00", "2026-06-10T12:20:00+00:00", "kl. 14:20"),
        # Across the night clocks go forward (02:00 CET is 03:00 CEST, 29 March 2026).
        ("2026-03-29T00:30:00+00:00", "2026-03-29T01:30:00+00:00", "kl. 03:30"),
        # Across the night they go back (03:00 CEST is 02:00 CET, 25 October 2026).
        ("2026-10-25T00:10:00+00:00", "2026-10-25T01:10:00+00:00", "kl. 02:10"),
        # The next day in Sweden, though the same day in UTC.
        ("2026-11-28T20:00:00+00:00", "2026-11-28T23:30:00+00:00", "2026-11-29 kl. 00:30"),
    ],
)
def test_a_refusal_says_when_the_next_call_may_be_made_in_swedish_time(started, retry_after, said):
    assert refused(started, retry_after).explanation(HERE) == (
        f"Polisen bad oss vänta; nästa försök tidigast {said}."
    )


def test_a_refusal_without_a_time_still_says_what_happened():
    assert refused("2026-11-28T13:00:00+00:00", None).explanation(HERE) == (
        "Polisen bad oss vänta med nästa försök."
    )


@pytest.mark.parametrize(
    ("started", "retry_after", "said"),
    [
        ("2026-11-28T08:06:00+00:00", "2026-11-28T08:07:00+00:00", "kl. 09:07"),
        ("2026-11-28T20:00:00+00:00", "2026-11-28T23:30:00+00:00", "2026-11-29 kl. 00:30"),
    ],
)
def test_a_403_says_the_police_refused_the_call_not_that_they_asked_us_to_wait(
    started, retry_after, said
):
    row = refused(started, retry_after, status=403)
    assert row.explanation(HERE) == (
        f"Polisen nekade anropet (HTTP 403); nästa försök tidigast {said}."
    )
    assert row.get_outcome_display() == "Nekad av polisen"


def test_a_403_without_a_time_still_says_what_happened():
    assert refused("2026-11-28T13:00:00+00:00", None, 403).explanation(HERE) == (
        "Polisen nekade anropet (HTTP 403)."
    )


def test_a_403_is_explained_in_english_too():
    with translation.override("en"):
        row = refused("2026-11-28T08:06:00+00:00", "2026-11-28T08:07:00+00:00", 403)
        assert row.explanation(HERE) == (
            "The police refused the call (HTTP 403); next attempt at 09:07 at the earliest."
        )
        assert row.get_outcome_display() == "Refused by the police"


@pytest.mark.django_db
def test_the_migration_gives_stored_403s_their_own_outcome():
    migration = importlib.import_module("tryggve.analytics.migrations.0018_feedfetch_refused")
    moment = datetime(2026, 11, 28, 9, tzinfo=UTC)
    stored = {
        status: FeedFetch.objects.create(
            started=moment, url="x", outcome=Outcome.RATE_LIMITED, http_status=status
        )
        for status in (403, 429)
    }
    migration.refused_of_403(django_apps, None)
    assert {s: FeedFetch.objects.get(pk=row.pk).outcome for s, row in stored.items()} == {
        403: Outcome.REFUSED,
        429: Outcome.RATE_LIMITED,
    }
    migration.rate_limited_of_403(django_apps, None)  # backwards
    assert FeedFetch.objects.get(pk=stored[403].pk).outcome == Outcome.RATE_LIMITED


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"outcome": Outcome.FAILED, "error": "URLError: <urlopen error timed out>"},
            "Polisens tjänst svarade inte (nätverksfel).",
        ),
        (
            {"outcome": Outcome.FAILED, "http_status": 500, "error": "HTTP 500"},
            "Polisens tjänst svarade med ett fel (500).",
        ),
        (
            {
                "outcome": Outcome.FAILED,
                "http_status": 200,
                "error": "Polisens svar är inte giltig JSON",
            },
            "Polisens svar gick inte att läsa.",
        ),
        (
            {
                "outcome": Outcome.GONE,
                "http_status": 404,
                "error": "404: permanent, no further calls",
            },
            "Adressen finns inte längre hos polisen; inga fler försök görs – kontakta "
            "systemförvaltaren.",
        ),
        ({"outcome": Outcome.STARTED}, "Hämtningen pågår, eller avbröts innan den blev klar."),
        (
            {"outcome": Outcome.SKIPPED, "error": "60 calls in the last hour already"},
            "Inget anrop gjordes: polisens regler för hur ofta tjänsten får anropas.",
        ),
    ],
)
def test_each_outcome_is_explained_in_plain_swedish(fields, said):
    assert call(**fields).explanation(HERE) == said


def test_an_outcome_not_known_is_not_guessed():
    assert call(outcome="something-new", error="?").explanation(HERE) is None


def test_the_explanation_is_translated():
    with translation.override("en"):
        assert call(outcome=Outcome.FAILED, http_status=502).explanation(HERE) == (
            "The police service answered with an error (502)."
        )


SHARES = {
    "2505": {"imported": 4, "duplicates": 1, "rejected": 2},
    "2506": {"imported": 1, "duplicates": 0, "rejected": 5},
    "county:25": {"imported": 0, "duplicates": 0, "rejected": 1},
    "county:12": {"imported": 0, "duplicates": 0, "rejected": 7},
}


@pytest.mark.parametrize(
    ("counts", "rejected", "said"),
    [
        # Nothing rejected: nothing to say.
        ({"2505": {"imported": 4, "duplicates": 1, "rejected": 0}}, 0, ""),
        # Its own two and its county's one; never Arjeplog's five nor Skåne's seven.
        (SHARES, 15, "3 händelser kunde inte läsas."),
        (
            {"2505": {"imported": 0, "duplicates": 0, "rejected": 1}},
            1,
            "1 händelse kunde inte läsas.",
        ),
        # Of no known place: possibly anyone's, so everyone is told, apart.
        (
            {
                "2505": {"imported": 0, "duplicates": 0, "rejected": 0},
                "": {"imported": 0, "duplicates": 0, "rejected": 2},
            },
            2,
            "2 händelser utan känd kommun kunde inte läsas.",
        ),
        # Only others' events rejected.
        (
            {
                "2505": {"imported": 0, "duplicates": 0, "rejected": 0},
                "2506": {"imported": 0, "duplicates": 0, "rejected": 4},
            },
            4,
            "",
        ),
        # A call from before the rejected were counted per municipality: not known...
        ({"2505": {"imported": 4, "duplicates": 1}}, 3, None),
        ({}, 3, None),
        # ... unless it rejected none at all.
        ({"2505": {"imported": 4, "duplicates": 1}}, 0, ""),
        ({}, 0, ""),
    ],
)
def test_a_successful_call_tells_only_of_this_municipalitys_rejected_events(counts, rejected, said):
    row = call(outcome=Outcome.OK, counts=counts, rejected=rejected, error="händelse 3 (id 9)")
    assert row.explanation(HERE) == said


def test_arjeplog_learns_of_its_own_rejected_events_not_arvidsjaurs():
    row = call(outcome=Outcome.OK, counts=SHARES, rejected=15)
    assert row.explanation("2506") == "6 händelser kunde inte läsas."


def feed_event(number, name, location="Norrbottens län", when="2026-11-28 08:00:00 +01:00"):
    return {
        "id": number,
        "datetime": when,
        "name": name,
        "type": "Stöld",
        "summary": "",
        "url": f"/h/{number}",
        "location": {"name": location, "gps": "65.59,19.18"},
    }


@pytest.mark.django_db
def test_the_import_counts_rejected_events_by_whose_they_are(arjeplog):
    events = [
        feed_event(1, "28 november 08.00, Stöld, Arvidsjaur", when="inte en tid"),
        feed_event(2, "28 november 08.00, Stöld, Arvidsjaur", when="igår"),
        feed_event(3, "28 november 08.00, Stöld, Arjeplog", when="?"),
        feed_event(4, "28 november 08.00, Stöld, Norrbottens län", when="?"),
        # A county none of the served lies in, and a municipality not served: no one's share.
        feed_event(5, "28 november 08.00, Stöld, Skåne län", location="Skåne län", when="?"),
        feed_event(6, "28 november 08.00, Stöld, Malmö", location="Skåne län", when="?"),
        "not an event",  # of no known place
        feed_event(8, "28 november 08.00, Stöld, Arvidsjaur"),  # a good one
    ]
    result = incidents_import(incidents=parse_police_events(events))
    assert result.rejected == 7 and result.imported == 1
    shares = result.by_municipality()
    assert {share: counts["rejected"] for share, counts in shares.items()} == {
        "": 1,
        "2505": 2,
        "2506": 1,
        "county:25": 1,
    }
    assert shares["2505"]["imported"] == 1


@pytest.mark.django_db
def test_the_operator_reads_the_technical_account_in_the_admin(administrator, case_handler):
    row = FeedFetch.objects.create(
        started=datetime(2026, 11, 28, 9, tzinfo=UTC),
        url="x",
        outcome=Outcome.FAILED,
        error="URLError: <urlopen error [Errno 111] Connection refused>",
    )
    for client in (administrator, case_handler):
        client.user.is_staff = True
        client.user.save()
    # Every municipality's call: superusers only, not a municipality's administrator.
    assert administrator.get("/admin/analytics/feedfetch/").status_code == 403
    administrator.user.is_superuser = True
    administrator.user.save()
    listing = administrator.get("/admin/analytics/feedfetch/").content.decode()
    assert "Connection refused" in listing
    detail = administrator.get(f"/admin/analytics/feedfetch/{row.pk}/change/").content.decode()
    assert "Connection refused" in detail
    assert case_handler.get("/admin/analytics/feedfetch/").status_code == 403

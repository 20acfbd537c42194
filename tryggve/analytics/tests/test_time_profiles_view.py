"""Time profiles: hour × weekday in local (Europe/Stockholm) time, by group and area, and only
in as much detail as the number of incidents can honestly show."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tryggve.analytics import profiles
from tryggve.analytics.importers import parse_police_events
from tryggve.analytics.models import Incident, OffenceGroup
from tryggve.analytics.profiles import (
    ABOVE_MEAN,
    BAND_TABLE,
    BANDS_FROM,
    BELOW_MEAN,
    EMPTY,
    HOURLY,
    HOURLY_FROM,
    NOTHING,
    PATTERN_FROM,
    TOTALS,
    TWICE_MEAN,
    Cell,
    band_weekday_table,
    busiest_window,
    detail_for,
    hour_weekday_table,
    shaded,
    time_profile,
)
from tryggve.analytics.services import incidents_import
from tryggve.analytics.tests.conftest import burglary_in
from tryggve.areas.models import ResidentialArea

URL = "/personal/lagesbild/tider/"
MONDAY, TUESDAY, THURSDAY, SUNDAY = 0, 1, 3, 6
# Monday 2 June 2025 00:00 in Stockholm (summer time, UTC+2).
MONDAY_MIDNIGHT = datetime(2025, 6, 1, 22, tzinfo=UTC)
BANDS = ["00–04", "04–08", "08–12", "12–16", "16–20", "20–24"]
DAYS = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
HOURLY_CAPTION = "Antal händelser per timme (rader) och veckodag (kolumner), lokal tid"
BAND_CAPTION = "Antal händelser per fyratimmarsperiod (rader) och veckodag (kolumner), lokal tid"
BAND_TOTALS_CAPTION = "Antal händelser per fyratimmarsperiod, lokal tid"
DAY_TOTALS_CAPTION = "Antal händelser per veckodag, lokal tid"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class _Tables(HTMLParser):
    """The page's tables as {caption: rows}, each row the texts of its cells (th and td)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._text: list[str] | None = None
        self._caption = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("th", "td", "caption"):
            self._text = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = "".join(self._text).strip()
            self._text = None
        elif tag in ("th", "td") and self._rows:
            self._rows[-1].append("".join(self._text).strip())
            self._text = None
        elif tag == "table":
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def add_incidents(municipality):
    """`n` residential burglaries in an Arvidsjaur area, one an hour from `start` on."""
    made = iter(range(1_000_000))

    def add(n: int, *, area: str = "Tallbacka", start: datetime = MONDAY_MIDNIGHT):
        place = ResidentialArea.objects.get(municipality=municipality, name=area)
        Incident.objects.bulk_create(
            burglary_in(place, external_id=f"många-{next(made)}", when=start + timedelta(hours=k))
            for k in range(n)
        )
        return place

    return add


# The pure functions -----------------------------------------------------------------------


def test_the_table_helpers_use_local_time():
    # 22:00, 23:00 and 00:00 local: the earliest four-hour window holding all three.
    moments = [utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30), utc(2025, 7, 1, 16)]
    rows = hour_weekday_table(moments)
    assert rows[2][SUNDAY] == 2 and rows[18][TUESDAY] == 1
    assert busiest_window([utc(2025, 7, 1, h) for h in (20, 21, 22)]) == (21, 1)
    assert busiest_window([]) is None


def test_the_autumn_dst_change_counts_both_half_past_twos():
    # 26 October 2025: 02:30 happens twice in Stockholm, once in CEST and once in CET.
    # 30 March 2025: clocks jump from 02:00 to 03:00, so 01:30 UTC is 03:30 local.
    rows = hour_weekday_table(
        [utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30), utc(2025, 3, 30, 1, 30)]
    )
    assert rows[2][SUNDAY] == 2
    assert rows[3][SUNDAY] == 1
    assert rows[1][SUNDAY] == 0


def test_four_hour_bands_turn_on_the_local_hour_and_midnight_starts_the_next_day():
    hourly = hour_weekday_table(
        [
            utc(2025, 6, 2, 1, 59),  # Monday 03:59 in Stockholm: the first band
            utc(2025, 6, 2, 2, 0),  # Monday 04:00: the second
            utc(2025, 6, 1, 21, 59),  # Sunday 23:59: Sunday's last band
            utc(2025, 6, 1, 22, 0),  # Monday 00:00, though Sunday in UTC: Monday's first
            utc(2025, 1, 12, 23, 0),  # Monday 13 January 00:00 in winter time (UTC+1)
            utc(2025, 1, 12, 22, 59),  # Sunday 12 January 23:59
        ]
    )
    bands = band_weekday_table(hourly)
    assert len(bands) == 6 and all(len(row) == 7 for row in bands)
    assert bands[0][MONDAY] == 3
    assert bands[1][MONDAY] == 1
    assert bands[5][SUNDAY] == 2
    assert sum(map(sum, bands)) == 6
    assert [profiles.band_label(b) for b in range(6)] == BANDS


def test_a_band_is_the_sum_of_its_four_hours():
    hourly = [[hour * 7 + day for day in range(7)] for hour in range(24)]
    bands = band_weekday_table(hourly)
    assert bands[0][MONDAY] == 0 + 7 + 14 + 21
    assert bands[5][SUNDAY] == sum(hour * 7 + 6 for hour in (20, 21, 22, 23))
    assert sum(map(sum, bands)) == sum(map(sum, hourly))


@pytest.mark.parametrize(
    ("total", "detail"),
    [
        (0, NOTHING),
        (1, TOTALS),
        (BANDS_FROM - 1, TOTALS),
        (BANDS_FROM, BAND_TABLE),
        (HOURLY_FROM - 1, BAND_TABLE),
        (HOURLY_FROM, HOURLY),
        (10_000, HOURLY),
    ],
)
def test_the_detail_follows_the_number_of_events(total, detail):
    assert detail_for(total) == detail


def test_each_table_needs_the_same_events_per_cell():
    per_cell = profiles.MIN_PER_CELL
    assert per_cell * 24 * 7 == HOURLY_FROM
    assert per_cell * 6 * 7 == BANDS_FROM
    assert per_cell * 7 == PATTERN_FROM
    assert 0 < PATTERN_FROM < BANDS_FROM < HOURLY_FROM


def test_cells_are_shaded_against_their_table_s_mean():
    cells = shaded([0, 1, 2, 3, 4, 9], mean=2.5, pattern=True)
    assert [cell.level for cell in cells] == [
        EMPTY,
        BELOW_MEAN,
        BELOW_MEAN,
        ABOVE_MEAN,
        ABOVE_MEAN,
        TWICE_MEAN,
    ]
    assert [cell.count for cell in cells] == [0, 1, 2, 3, 4, 9]
    assert [cell.level for cell in shaded([50, 100], mean=50, pattern=True)] == [
        ABOVE_MEAN,
        TWICE_MEAN,
    ]
    # Too few events for any pattern: every event is shown alike.
    assert [cell.level for cell in shaded([0, 1, 9], mean=1.5, pattern=False)] == [
        EMPTY,
        BELOW_MEAN,
        BELOW_MEAN,
    ]


def test_a_profile_has_the_rows_of_its_detail():
    start = MONDAY_MIDNIGHT
    none = time_profile([])
    assert (none.detail, none.total, none.rows) == (NOTHING, 0, [])
    assert none.band_totals == [(label, 0) for label in BANDS]
    few = time_profile([start + timedelta(hours=k) for k in range(PATTERN_FROM - 1)])
    assert few.detail == TOTALS and few.rows == [] and not few.shows_pattern
    assert few.band_totals[0] == ("00–04", 4) and few.day_totals[MONDAY] == PATTERN_FROM - 1
    some = time_profile([start + timedelta(hours=k) for k in range(PATTERN_FROM)])
    assert some.detail == TOTALS and some.shows_pattern
    banded = time_profile([start + timedelta(hours=k) for k in range(BANDS_FROM)])
    assert [label for label, _counts, _sum in banded.rows] == BANDS
    hourly = time_profile([start + timedelta(hours=k) for k in range(HOURLY_FROM)])
    assert [label for label, _counts, _sum in hourly.rows] == [f"{h:02d}" for h in range(24)]
    assert hourly.rows[3] == ("03", [Cell(2, ABOVE_MEAN)] * 7, 14)
    assert hourly.total == HOURLY_FROM == sum(hourly.day_totals)
    assert (none.first, none.last) == (None, None)
    assert (hourly.first.isoformat(), hourly.last.isoformat()) == ("2025-06-02", "2025-06-15")


# The page ---------------------------------------------------------------------------------


def test_counts_are_in_local_time(case_handler, make_incident, area_points):
    # Monday 2 June 2025 21:30 UTC is 23:30 in Stockholm; 22:30 UTC is Tuesday 00:30.
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 21, 30))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 22, 30))
    # In January (CET) 22:30 UTC is 23:30 local, still Monday 13 January.
    make_incident(at=area_points["Centrum"], when=utc(2025, 1, 13, 22, 30))
    response = case_handler.get(URL)
    assert response.status_code == 200
    assert response.context["profile"].total == 3
    found = tables(response)
    assert found[BAND_TOTALS_CAPTION][1] == ["Antal", "1", "0", "0", "0", "0", "2", "3"]
    assert found[DAY_TOTALS_CAPTION][1] == ["Antal", "2", "1", "0", "0", "0", "0", "0", "3"]


def test_no_events_say_so_and_show_no_table(case_handler, make_incident, area_points):
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10), group="vandalism")
    response = case_handler.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "0 händelser (Bostadsinbrott)" in page
    assert "Det finns inga händelser att räkna här, så sidan visar ingen tabell." in page
    assert "<table" not in page
    assert "Bara" not in page


def test_very_few_events_show_only_totals_and_say_they_show_no_pattern(
    case_handler, add_incidents
):
    add_incidents(5)  # Monday 00:00-04:00 local
    response = case_handler.get(URL)
    page = text(response)
    assert (
        "Bara 5 händelser: för få för att visa något mönster alls, inte ens per veckodag. "
        "Tabellerna visar bara när de hände."
    ) in page
    found = tables(response)
    assert set(found) == {BAND_TOTALS_CAPTION, DAY_TOTALS_CAPTION}
    assert found[BAND_TOTALS_CAPTION][0] == ["", *BANDS, "Summa"]
    assert found[BAND_TOTALS_CAPTION][1] == ["Antal", "4", "1", "0", "0", "0", "0", "5"]
    assert found[DAY_TOTALS_CAPTION][0] == ["", *DAYS, "Summa"]
    assert found[DAY_TOTALS_CAPTION][1] == ["Antal", "5", "0", "0", "0", "0", "0", "0", "5"]
    assert 'aria-labelledby="bands-caption"' in page and 'aria-labelledby="days-caption"' in page
    assert 'id="profile-caption"' not in page
    # Four of five in one band is no pattern: no cell is shaded darker than another.
    assert '<td class="level-1">4</td>' in page and '<td class="level-1">1</td>' in page
    assert "level-2" not in page and "level-3" not in page
    assert "Färgen visar bara var det finns händelser" in page


def test_one_event_is_one(case_handler, add_incidents):
    add_incidents(1)
    page = text(case_handler.get(URL))
    assert "Bara 1 händelse: för få för att visa något mönster alls" in page
    assert "när den hände" in page


def test_a_few_dozen_events_show_totals_per_band_and_weekday(case_handler, add_incidents):
    n = 30
    assert PATTERN_FROM <= n < BANDS_FROM
    add_incidents(n)  # Monday whole, Tuesday until 06:00
    response = case_handler.get(URL)
    page = text(response)
    assert (
        f"Bara {n} händelser: för få för att visa ett mönster per timme och veckodag. "
        "Tabellerna visar bara summorna per fyratimmarsperiod och per veckodag."
    ) in page
    found = tables(response)
    assert set(found) == {BAND_TOTALS_CAPTION, DAY_TOTALS_CAPTION}
    assert found[DAY_TOTALS_CAPTION][1] == ["Antal", "24", "6", "0", "0", "0", "0", "0", "30"]
    assert found[BAND_TOTALS_CAPTION][1] == ["Antal", "8", "6", "4", "4", "4", "4", "30"]
    # Shaded against each table's own mean (30 / 7 a weekday, 30 / 6 a band), not fixed
    # counts that made every total the darkest.
    assert '<td class="level-3">24</td>' in page and '<td class="level-2">6</td>' in page
    assert '<td class="level-2">8</td>' in page and '<td class="level-1">4</td>' in page


def test_a_medium_count_shows_four_hour_bands(case_handler, add_incidents):
    # One an hour from Monday 00:00 for three and a half days: Monday to Wednesday whole,
    # Thursday until noon.
    add_incidents(BANDS_FROM)
    response = case_handler.get(URL)
    page = text(response)
    assert (
        f"Bara {BANDS_FROM} händelser: för få för att visa ett mönster per timme. "
        "Tabellen visar fyratimmarsperioder."
    ) in page
    found = tables(response)
    assert set(found) == {BAND_CAPTION}
    rows = found[BAND_CAPTION]
    assert rows[0] == ["Klockan", *DAYS, "Summa"]
    assert [row[0] for row in rows[1:7]] == BANDS
    assert rows[1] == ["00–04", "4", "4", "4", "4", "0", "0", "0", "16"]
    assert rows[4] == ["12–16", "4", "4", "4", "0", "0", "0", "0", "12"]
    assert rows[7] == ["Summa", "24", "24", "24", "12", "0", "0", "0", str(BANDS_FROM)]
    assert 'aria-labelledby="profile-caption"' in page
    # Two events per cell on average: four is twice that, the darkest shade.
    assert '<td class="level-3">4</td>' in page and '<td class="level-0">0</td>' in page
    assert "jämför varje ruta med tabellens genomsnitt" in page


def test_a_large_count_shows_every_hour(case_handler, add_incidents):
    add_incidents(HOURLY_FROM)  # two weeks, one an hour: two in every cell
    response = case_handler.get(URL)
    page = text(response)
    assert "Bara" not in page
    found = tables(response)
    assert set(found) == {HOURLY_CAPTION}
    rows = found[HOURLY_CAPTION]
    assert rows[0][0] == "Timme"
    assert [row[0] for row in rows[1:25]] == [f"{h:02d}" for h in range(24)]
    assert rows[4] == ["03", "2", "2", "2", "2", "2", "2", "2", "14"]
    assert rows[25][-1] == str(HOURLY_FROM)
    assert 'aria-labelledby="profile-caption"' in page
    # Every cell holds the mean: one shade throughout, none darker.
    assert '<td class="level-2">2</td>' in page and "level-3" not in page and "level-1" not in page


def test_an_area_with_few_of_the_municipality_s_many_gets_the_coarse_table(
    case_handler, add_incidents
):
    add_incidents(HOURLY_FROM, area="Tallbacka")
    centrum = add_incidents(5, area="Centrum")
    whole = case_handler.get(URL)
    assert set(tables(whole)) == {HOURLY_CAPTION}
    response = case_handler.get(URL, {"area": centrum.pk})
    page = text(response)
    assert "5 händelser (Bostadsinbrott), Centrum, den 2 juni 2025." in page
    assert "Bara 5 händelser: för få för att visa något mönster alls" in page
    assert set(tables(response)) == {BAND_TOTALS_CAPTION, DAY_TOTALS_CAPTION}


def test_many_events_cost_no_more_queries_than_few(case_handler, add_incidents):
    add_incidents(3)
    case_handler.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert case_handler.get(URL).status_code == 200
    add_incidents(HOURLY_FROM, start=MONDAY_MIDNIGHT + timedelta(days=30))
    with CaptureQueriesContext(connection) as many:
        assert case_handler.get(URL).status_code == 200
    assert len(many) == len(few)


def test_a_night_digest_s_lines_are_not_counted_at_the_hour_it_was_written(
    police_officer, municipality
):
    """A "Sammanfattning natt" published at 07:00 lists the night's burglaries: counted at
    07:00 on the digest's morning they would fill the 04–08 band with night-time events."""
    digest = {
        "id": 900,
        "datetime": "2026-11-30 07:14:02 +01:00",
        "name": "30 november 07.00, Sammanfattning natt, Norrbottens län",
        "summary": "Ett urval av nattens händelser.\n"
        "Inbrott, Arvidsjaur: Inbrott i ett fritidshus.\n"
        "Inbrott, Arvidsjaur: Inbrott i en villa.",
        "url": "/aktuellt/handelser/2026/november/30/",
        "type": "Sammanfattning natt",
        "location": {"name": "Norrbottens län", "gps": "66.83309,20.39919"},
    }
    single = dict(
        digest,
        id=901,
        # Before the night the digest sums up: an incident of its own, not one of its lines.
        datetime="2026-11-29 11:00:00 +01:00",
        name="29 november 10.30, Inbrott, Arvidsjaur",
        summary="Inbrott i en lägenhet.",
        type="Inbrott",
    )
    incidents_import(incidents=parse_police_events([digest, single]))
    response = police_officer.get(URL)
    assert response.context["profile"].events == 3
    assert "2 av dem saknar klockslag, så tabellerna räknar 1." in text(response)
    found = tables(response)
    assert found[BAND_TOTALS_CAPTION][1] == ["Antal", "0", "0", "1", "0", "0", "0", "1"]


def test_filtered_by_group_and_area(police_officer, make_incident, area_points):
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10))
    make_incident(at=area_points["Tallbacka"], when=utc(2025, 6, 2, 10))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10), group=OffenceGroup.VANDALISM)
    centrum = ResidentialArea.objects.get(name="Centrum")
    assert police_officer.get(URL).context["profile"].total == 2
    response = police_officer.get(URL, {"area": centrum.pk})
    assert response.context["profile"].total == 1
    assert "Centrum" in response.content.decode()
    response = police_officer.get(URL, {"group": "vandalism", "area": centrum.pk})
    assert response.context["profile"].total == 1
    assert response.context["group_label"] == "Skadegörelse"


@pytest.mark.parametrize("query", [{"area": "999999"}, {"area": "abc"}, {"group": "mord"}])
def test_bad_parameters_show_the_whole_municipality(
    case_handler, make_incident, area_points, query
):
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10))
    response = case_handler.get(URL, query)
    assert response.status_code == 200
    assert response.context["profile"].total == 1
    # Said next to the field, not silently dropped.
    assert 'class="field has-error"' in response.content.decode()


def test_an_area_not_offered_keeps_the_group_chosen(case_handler, make_incident, area_points):
    """As after switching municipality with an area of the other still in the address: the
    page showed burglaries under a select saying "Skadegörelse"."""
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 3, 10), group="vandalism")
    response = case_handler.get(URL, {"group": "vandalism", "area": "999999"})
    page = text(response)
    assert response.context["profile"].total == 1
    assert "1 händelse (Skadegörelse)" in page
    assert "Området finns inte bland de valbara här. Välj ett annat område." in page
    assert 'id="error-summary"' in page and 'href="#id_area"' in page


def test_the_page_says_what_period_it_counts(case_handler, make_incident, area_points):
    make_incident(at=area_points["Centrum"], when=utc(2024, 3, 5, 10))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 22, 30))  # 3 June, local
    page = text(case_handler.get(URL))
    assert (
        "2 händelser (Bostadsinbrott), från 5 mars 2024 till 3 juni 2025: alla sparade händelser."
    ) in page


def test_the_council_gets_no_day_or_hour_of_a_few_events(
    council_reader, case_handler, add_incidents
):
    """One burglary in a village of a hundred households: its day and hour are that
    burglary. Council members read figures, not single incidents (`analytics.incidents`)."""
    add_incidents(PATTERN_FROM - 1, area="Centrum")
    page = text(council_reader.get(URL))
    assert f"{PATTERN_FROM - 1} händelser (Bostadsinbrott)." in page
    assert (
        "Så få händelser visas inte per dag eller tid på dygnet, eftersom det kan peka ut "
        "enskilda händelser."
    ) in page
    assert "<table" not in page and "juni" not in page
    # Staff who work with single incidents see them.
    assert "<table" in text(case_handler.get(URL))
    # From as many as a pattern needs, the council sees the tables and the period too.
    add_incidents(1, area="Centrum", start=MONDAY_MIDNIGHT + timedelta(days=3))
    page = text(council_reader.get(URL))
    assert "<table" in page and "från 2 juni 2025 till 5 juni 2025" in page
    assert 'id="withheld"' not in page


def test_a_single_day_is_said_as_one(case_handler, make_incident, area_points):
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 12))
    assert "2 händelser (Bostadsinbrott), den 2 juni 2025." in text(case_handler.get(URL))


def test_one_badly_dated_row_does_not_break_the_page(case_handler, make_incident, area_points):
    """Stored before dates were checked: the page leaves it out instead of failing."""
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 21, 30))
    make_incident(at=area_points["Centrum"], when=utc(9999, 12, 31, 23, 30))
    response = case_handler.get(URL)
    assert response.status_code == 200
    assert response.context["profile"].total == 1


def test_a_row_dated_before_year_one_does_not_break_the_page(
    case_handler, make_incident, area_points
):
    """What year 1 at 00:30 in Stockholm became in PostgreSQL before forms checked dates:
    a timestamp BC, which the database driver cannot even read."""
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 21, 30))
    bad = make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 21, 30))
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL stores dates before year 1")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE analytics_incident SET occurred_at = '0001-12-31 23:17:48+00 BC' "
            "WHERE id = %s",
            [bad.pk],
        )
    response = case_handler.get(URL)
    assert response.status_code == 200
    assert response.context["profile"].total == 1

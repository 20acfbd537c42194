"""The weekly list of places and time windows for visible presence, each with its reason."""

from datetime import datetime, timedelta
from itertools import combinations

import pytest
from django.utils import timezone, translation

from tryggve.analytics.profiles import PATTERN_FROM
from tryggve.analytics.suggestions import SPACING_M, _reason, weekly_suggestions
from tryggve.lib.geo import to_sweref

URL = "/personal/lagesbild/forslag/"


@pytest.fixture
def now() -> datetime:
    return timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)


def at_hour(now: datetime, days_ago: int, hour: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=10)


def test_reason_for_recent_incidents_names_the_window():
    assert _reason("residential_burglary", 3, 20, (18, 22)) == (
        "3 bostadsinbrott inom 400 m på 2 veckor, flest 18–22"
    )


def test_reason_for_the_year_and_for_none():
    assert _reason("vandalism", 0, 16, (8, 12)) == (
        "16 skadegörelser inom 400 m senaste året, flest 08–12"
    )
    assert _reason("fire", 0, 1, None) == (
        "1 brand inom 400 m senaste året – för få händelser för att säga när på dygnet"
    )
    assert _reason("residential_burglary", 0, 0, None) == (
        "Förhöjd risk enligt prognosen, fast ingen händelse inom 400 m på fem år"
        " – för få händelser för att säga när på dygnet"
    )


def test_a_place_with_nothing_in_the_last_year_is_named_by_its_five_years(
    make_incident, area_points, now
):
    """A small town's risk map rests on five years: a place whose burglaries are all older
    than a year was suggested for "Förhöjd risk enligt prognosen", a reason with no figure
    a decision could be weighed on."""
    lat, lon = area_points["Tallbacka"]
    for days_ago in (400, 700, 1500):
        make_incident(at=(lat, lon), when=at_hour(now, days_ago, 21))
    make_incident(at=(lat, lon), when=at_hour(now, 6 * 365, 21))  # before the five years
    first = weekly_suggestions(now=now)[0]
    assert first.area_name == "Tallbacka"
    assert (first.recent, first.year, first.history) == (0, 0, 3)
    assert first.reason == (
        "3 bostadsinbrott inom 400 m de senaste fem åren, ingen av dem senaste året"
        " – för få händelser för att säga när på dygnet"
    )


def test_the_reason_reads_right_in_english():
    with translation.override("en"):
        assert _reason("residential_burglary", 1, 1, None) == (
            "1 residential burglary within 400 m in the past 2 weeks"
            " – too few incidents to say what time of day"
        )
        assert _reason("fire", 0, 20, (0, 4)) == (
            "20 fires within 400 m in the past year, mostly 00–04"
        )


def test_no_window_below_the_time_profiles_threshold(make_incident, area_points, now):
    lat, lon = area_points["Norrbyn"]
    for n in range(PATTERN_FROM - 1):
        make_incident(at=(lat, lon), when=at_hour(now, 20 + n, 19))
    first = weekly_suggestions(now=now)[0]
    assert (first.year, first.window) == (PATTERN_FROM - 1, None)
    assert first.reason.endswith("– för få händelser för att säga när på dygnet")
    make_incident(at=(lat, lon), when=at_hour(now, 60, 20))
    first = weekly_suggestions(now=now)[0]
    assert (first.year, first.window) == (PATTERN_FROM, (17, 21))
    assert first.reason.endswith(", flest 17–21")


def test_recent_burglaries_lead_the_list(make_incident, area_points, now):
    lat, lon = area_points["Centrum"]
    for days_ago, hour, step in [(2, 18, 0), (6, 19, 1), (11, 21, 2)]:
        make_incident(at=(lat + step * 0.0003, lon), when=at_hour(now, days_ago, hour))
    make_incident(at=(lat, lon + 0.0004), when=at_hour(now, 120, 20))
    chosen = weekly_suggestions(now=now)
    first = chosen[0]
    assert first.area_name == "Centrum"
    assert (first.recent, first.year, first.window) == (3, 4, None)
    assert first.reason == (
        "3 bostadsinbrott inom 400 m på 2 veckor – för få händelser för att säga när på dygnet"
    )


def test_older_burglaries_give_the_year_as_reason(make_incident, area_points, now):
    lat, lon = area_points["Tallbacka"]
    for days_ago in (60, 150, 300):
        make_incident(at=(lat, lon), when=at_hour(now, days_ago, 12))
    first = weekly_suggestions(now=now)[0]
    assert first.area_name == "Tallbacka"
    assert (first.recent, first.year) == (0, 3)
    assert first.reason == (
        "3 bostadsinbrott inom 400 m senaste året – för få händelser för att säga när på dygnet"
    )


def test_suggestions_are_spaced_apart(make_incident, area_points, now):
    for point in area_points.values():
        for n in range(3):
            make_incident(at=(point[0] + n * 0.0002, point[1]), when=at_hour(now, 5 + 30 * n, 20))
    chosen = weekly_suggestions(now=now, limit=8)
    assert len(chosen) == 8
    places = [to_sweref(s.lon, s.lat) for s in chosen]
    for (x1, y1), (x2, y2) in combinations(places, 2):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= SPACING_M**2


def test_the_page_shows_no_window_from_a_few_incidents(
    police_officer, make_incident, area_points, now
):
    lat, lon = area_points["Norrbyn"]
    make_incident(at=(lat, lon), when=at_hour(now, 3, 19))
    make_incident(at=(lat, lon + 0.0005), when=at_hour(now, 8, 20), synthetic=True)
    response = police_officer.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    first, _place = response.context["suggestions"][0]
    assert first.area_name == "Norrbyn"
    assert (
        "2 bostadsinbrott inom 400 m på 2 veckor – för få händelser för att säga när på dygnet."
        in page
    )
    assert "flest" not in page
    assert "kl. " not in page
    assert "Syntetiska data:" in page


def test_the_page_shows_the_window_from_enough_incidents(
    police_officer, make_incident, area_points, now
):
    lat, lon = area_points["Norrbyn"]
    for n in range(PATTERN_FROM):
        make_incident(at=(lat, lon), when=at_hour(now, 1 + n % 13, 19 + n % 2))
    response = police_officer.get(URL)
    first, _place = response.context["suggestions"][0]
    assert first.window == (17, 21)
    page = response.content.decode()
    assert "Norrbyn, kl. 17–21" in page
    assert f"{PATTERN_FROM} bostadsinbrott inom 400 m på 2 veckor, flest 17–21." in page


def test_an_empty_history_gives_no_suggestions(case_handler, municipality):
    response = case_handler.get(URL)
    assert response.context["suggestions"] == []
    assert "Det finns inga händelser att bygga förslag på." in response.content.decode()

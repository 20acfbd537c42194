"""The weekly list of places and time windows for visible presence, each with its reason."""

from datetime import datetime, timedelta
from itertools import combinations

import pytest
from django.utils import timezone

from tryggve.analytics.suggestions import SPACING_M, _reason, weekly_suggestions
from tryggve.lib.geo import to_sweref

URL = "/personal/lagesbild/forslag/"


@pytest.fixture
def now() -> datetime:
    return timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)


def at_hour(now: datetime, days_ago: int, hour: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=10)


def test_reason_for_recent_incidents_names_the_window():
    assert _reason("bostadsinbrott", 3, 5, (18, 22)) == (
        "3 bostadsinbrott inom 400 m på 2 veckor, flest 18–22"
    )


def test_reason_for_the_year_and_for_none():
    assert _reason("skadegörelse", 0, 4, (8, 12)) == (
        "4 skadegörelse inom 400 m senaste året, flest 08–12"
    )
    assert _reason("bostadsinbrott", 0, 0, None) == "Förhöjd risk enligt prognosen"


def test_no_window_from_a_single_incident():
    assert _reason("bostadsinbrott", 1, 1, (19, 23)) == "1 bostadsinbrott inom 400 m på 2 veckor"
    assert _reason("bostadsinbrott", 0, 1, (19, 23)) == "1 bostadsinbrott inom 400 m senaste året"


def test_recent_burglaries_lead_the_list(make_incident, area_points, now):
    lat, lon = area_points["Centrum"]
    for days_ago, hour, step in [(2, 18, 0), (6, 19, 1), (11, 21, 2)]:
        make_incident(at=(lat + step * 0.0003, lon), when=at_hour(now, days_ago, hour))
    make_incident(at=(lat, lon + 0.0004), when=at_hour(now, 120, 20))
    chosen = weekly_suggestions(now=now)
    first = chosen[0]
    assert first.area_name == "Centrum"
    assert (first.recent, first.year, first.window) == (3, 4, (18, 22))
    assert first.reason == "3 bostadsinbrott inom 400 m på 2 veckor, flest 18–22"


def test_older_burglaries_give_the_year_as_reason(make_incident, area_points, now):
    lat, lon = area_points["Tallbacka"]
    for days_ago in (60, 150, 300):
        make_incident(at=(lat, lon), when=at_hour(now, days_ago, 12))
    first = weekly_suggestions(now=now)[0]
    assert first.area_name == "Tallbacka"
    assert (first.recent, first.year) == (0, 3)
    assert first.reason.startswith("3 bostadsinbrott inom 400 m senaste året, flest ")


def test_suggestions_are_spaced_apart(make_incident, area_points, now):
    for point in area_points.values():
        for n in range(3):
            make_incident(at=(point[0] + n * 0.0002, point[1]), when=at_hour(now, 5 + 30 * n, 20))
    chosen = weekly_suggestions(now=now, limit=8)
    assert len(chosen) == 8
    places = [to_sweref(s.lon, s.lat) for s in chosen]
    for (x1, y1), (x2, y2) in combinations(places, 2):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= SPACING_M**2


def test_the_page_shows_a_window_only_from_two_incidents(
    police_officer, make_incident, area_points, now
):
    lat, lon = area_points["Norrbyn"]
    make_incident(at=(lat, lon), when=at_hour(now, 3, 19))
    response = police_officer.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    first, _place = response.context["suggestions"][0]
    assert first.area_name == "Norrbyn"
    assert "1 bostadsinbrott inom 400 m på 2 veckor." in page
    assert "flest" not in first.reason
    assert "kl. " not in page

    make_incident(at=(lat, lon + 0.0005), when=at_hour(now, 8, 20), synthetic=True)
    page = police_officer.get(URL).content.decode()
    assert "2 bostadsinbrott inom 400 m på 2 veckor, flest 17–21." in page
    assert "Norrbyn, kl. 17–21" in page
    assert "Syntetiska data:" in page


def test_an_empty_history_gives_no_suggestions(case_handler, municipality):
    response = case_handler.get(URL)
    assert response.context["suggestions"] == []
    assert "Det finns inga händelser att bygga förslag på." in response.content.decode()

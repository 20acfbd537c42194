"""Time profiles: hour × weekday in local (Europe/Stockholm) time, by group and area."""

from datetime import UTC, datetime

import pytest

from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.profiles import busiest_window, hour_weekday_table
from tryggve.areas.models import ResidentialArea

URL = "/personal/lagesbild/tider/"
MONDAY, TUESDAY, SUNDAY = 0, 1, 6


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def table(response) -> list[list[int]]:
    return [counts for _hour, counts, _sum in response.context["rows"]]


def test_counts_are_in_local_time(council_reader, make_incident, area_points):
    # Monday 2 June 2025 21:30 UTC is 23:30 in Stockholm; 22:30 UTC is Tuesday 00:30.
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 21, 30))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 22, 30))
    # In January (CET) 22:30 UTC is 23:30 local, still Monday 13 January.
    make_incident(at=area_points["Centrum"], when=utc(2025, 1, 13, 22, 30))
    response = council_reader.get(URL)
    assert response.status_code == 200
    rows = table(response)
    assert rows[23][MONDAY] == 2
    assert rows[0][TUESDAY] == 1
    assert rows[21][MONDAY] == rows[22][MONDAY] == 0
    assert response.context["total"] == 3
    assert response.context["day_totals"] == [2, 1, 0, 0, 0, 0, 0]
    assert sum(map(sum, rows)) == 3


def test_the_autumn_dst_change_counts_both_half_past_twos(
    council_reader, make_incident, area_points
):
    # 26 October 2025: 02:30 happens twice in Stockholm, once in CEST and once in CET.
    make_incident(at=area_points["Centrum"], when=utc(2025, 10, 26, 0, 30))
    make_incident(at=area_points["Centrum"], when=utc(2025, 10, 26, 1, 30))
    # 30 March 2025: clocks jump from 02:00 to 03:00, so 01:30 UTC is 03:30 local.
    make_incident(at=area_points["Centrum"], when=utc(2025, 3, 30, 1, 30))
    rows = table(council_reader.get(URL))
    assert rows[2][SUNDAY] == 2
    assert rows[3][SUNDAY] == 1
    assert rows[1][SUNDAY] == 0


def test_filtered_by_group_and_area(police_officer, make_incident, area_points):
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10))
    make_incident(at=area_points["Tallbacka"], when=utc(2025, 6, 2, 10))
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10), group=OffenceGroup.VANDALISM)
    centrum = ResidentialArea.objects.get(name="Centrum")
    assert police_officer.get(URL).context["total"] == 2
    response = police_officer.get(URL, {"area": centrum.pk})
    assert response.context["total"] == 1
    assert "Centrum" in response.content.decode()
    response = police_officer.get(URL, {"group": "vandalism", "area": centrum.pk})
    assert response.context["total"] == 1
    assert response.context["group_label"] == "Skadegörelse"


@pytest.mark.parametrize("query", [{"area": "999999"}, {"area": "abc"}, {"group": "mord"}])
def test_bad_parameters_show_the_whole_municipality(
    case_handler, make_incident, area_points, query
):
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 10))
    response = case_handler.get(URL, query)
    assert response.status_code == 200
    assert response.context["total"] == 1


def test_the_table_helpers_use_local_time():
    # 22:00, 23:00 and 00:00 local: the earliest four-hour window holding all three.
    moments = [utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30), utc(2025, 7, 1, 16)]
    rows = hour_weekday_table(moments)
    assert rows[2][SUNDAY] == 2 and rows[18][TUESDAY] == 1
    assert busiest_window([utc(2025, 7, 1, h) for h in (20, 21, 22)]) == (21, 1)
    assert busiest_window([]) is None


def test_one_badly_dated_row_does_not_break_the_page(council_reader, make_incident, area_points):
    """Stored before dates were checked: the page leaves it out instead of failing."""
    make_incident(at=area_points["Centrum"], when=utc(2025, 6, 2, 21, 30))
    make_incident(at=area_points["Centrum"], when=utc(9999, 12, 31, 23, 30))
    response = council_reader.get(URL)
    assert response.status_code == 200
    assert response.context["total"] == 1


def test_a_row_dated_before_year_one_does_not_break_the_page(
    council_reader, make_incident, area_points
):
    """What year 1 at 00:30 in Stockholm became in PostgreSQL before forms checked dates:
    a timestamp BC, which the database driver cannot even read."""
    from django.db import connection

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
    response = council_reader.get(URL)
    assert response.status_code == 200
    assert response.context["total"] == 1

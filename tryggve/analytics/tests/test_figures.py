"""Presence and burglary figures for the follow-up, against numbers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tryggve.analytics.figures import burglary_figures, poisson_interval, presence_figures
from tryggve.analytics.models import Incident, OffenceGroup, PolicePresence, PresenceKind
from tryggve.analytics.services import presence_log
from tryggve.areas.models import ResidentialArea

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ALL_HOUSEHOLDS = 2475  # the twelve demo areas' households together


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=STOCKHOLM)


def year(y: int, code: str = "2505") -> dict:
    return {"municipality_code": code, "start": date(y, 1, 1), "end": date(y + 1, 1, 1)}


@pytest.fixture
def burglaries(make_incident, area_points):
    """Residential burglaries in Centrum: 21:00 on 1 February and 22:00 on 15 February 2025
    (the second synthetic), one in Tallbacka on 1 December 2024, one the police feed places
    only at the municipality (23:59 on 31 December 2025), one at midnight on 1 January 2026;
    and in Centrum's place, a burglary of another municipality at 23:00 on 1 March 2025 and
    a vandalism, neither of which ever counts."""
    centrum, tallbacka = area_points["Centrum"], area_points["Tallbacka"]
    make_incident(at=centrum, when=local(2025, 2, 1, 21))
    make_incident(at=centrum, when=local(2025, 2, 15, 22), synthetic=True)
    make_incident(at=tallbacka, when=local(2024, 12, 1, 3))
    make_incident(at=None, when=local(2025, 12, 31, 23, 59), precise=False)
    make_incident(at=centrum, when=local(2026, 1, 1, 0, 0))
    theirs = make_incident(at=centrum, when=local(2025, 3, 1, 23))
    Incident.objects.filter(pk=theirs.pk).update(municipality_code="2510", area=None)
    make_incident(at=centrum, when=local(2025, 6, 1, 22), group=OffenceGroup.VANDALISM)


@pytest.fixture
def presence(burglaries, area_points, django_user_model, other_area):
    """Presence logged in 2025 (and once just after it), worked through by hand below."""
    officer = django_user_model.objects.create_user(username="polis", password="x" * 20)
    areas = {a.name: a for a in ResidentialArea.objects.filter(municipality__code="2505")}

    def log(when, minutes, *, area=None, at=None):
        lat, lon = at if at else (None, None)
        PolicePresence.objects.create(
            officer=officer,
            started=when,
            minutes=minutes,
            kind=PresenceKind.FOOT,
            area=area,
            lat=lat,
            lon=lon,
        )

    centrum, tallbacka = area_points["Centrum"], area_points["Tallbacka"]
    log(local(2025, 3, 5, 18), 90, area=areas["Centrum"])  # by area; wrong hours
    log(local(2025, 3, 10, 20), 60, area=areas["Centrum"], at=centrum)  # pointed at
    log(local(2025, 12, 31, 23, 30), 120, area=areas["Centrum"], at=centrum)  # wrong hours
    log(local(2026, 1, 1, 0, 0), 60, area=areas["Centrum"], at=centrum)  # next year
    log(local(2025, 5, 1, 12), 600, area=other_area)  # another municipality
    log(local(2025, 6, 1, 10), 30, at=area_points["Glommersträsk"])  # far from burglaries
    log(local(2025, 4, 1, 8), 30, area=areas["Tallbacka"], at=tallbacka)  # one burglary near
    log(local(2025, 4, 2, 8), 30, area=areas["Tallbacka"])  # by area, one burglary in it


def test_presence_by_hand(presence, django_assert_max_num_queries):
    # Presence, the boundaries that place Glommersträsk's (logged without an area), burglaries.
    with django_assert_max_num_queries(3):
        figures = presence_figures(**year(2025))
    # 1.5 + 1 + 2 (started 23:30 on 31 December) + 0.5 + 0.5 + 0.5 hours.
    assert figures.hours == 6.0
    centrum, tallbacka, outside = figures.by_area
    assert centrum[0] == "Centrum" and centrum[2] == 4.5
    assert centrum[1][2] == 2.5 and centrum[1][11] == 2.0  # March and December
    assert tallbacka[0] == "Tallbacka" and tallbacka[2] == 1.0
    assert outside == ("", [0.0] * 5 + [0.5] + [0.0] * 6, 0.5)
    assert dict(figures.per_month)[(2025, 3)] == 2.5
    # Pointed at: 20:00 on 10 March lies within 400 m of the two February burglaries and
    # inside their busiest four hours (19-23: 21 and 22 o'clock); both Tallbacka stretches
    # (at a point, and by area only) lie near a single burglary, so the place alone counts.
    # Not: Centrum by area at 18:00 and 23:30 on 31 December (outside 19-23; the other
    # municipality's 23:00 burglary, had it counted, would have moved the window to 20-24),
    # and Glommersträsk, far from every burglary.
    assert figures.pointed_hours == 2.0
    assert figures.pointed_share == pytest.approx(2 / 6)


def test_presence_in_another_municipality(presence):
    figures = presence_figures(**year(2025, "2510"))
    assert figures.hours == 10.0
    assert figures.by_area[0][0] == "Porjus"
    assert figures.pointed_share == 0  # no burglary of theirs


def test_presence_next_year_starts_at_swedish_midnight(presence):
    figures = presence_figures(**year(2026))
    assert figures.hours == 1.0
    assert figures.per_month[0] == ((2026, 1), 1.0)


def test_no_presence_no_share(municipality, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        figures = presence_figures(**year(2025))
    assert figures.hours == 0 and figures.by_area == []
    assert figures.pointed_share is None
    assert [h for _m, h in figures.per_month] == [0.0] * 12


def test_burglaries_and_rate_by_hand(burglaries, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        figures = burglary_figures(**year(2025))
    # 1 Feb, 15 Feb (synthetic) and the feed's 23:59 on 31 December.
    assert (figures.count, figures.synthetic, figures.households) == (3, 1, ALL_HOUSEHOLDS)
    assert figures.rate == pytest.approx(3000 / ALL_HOUSEHOLDS)
    # The exact Poisson interval for 3 events is 0.6186-8.7673 (tables, e.g. Garwood 1936).
    assert figures.low == pytest.approx(618.6 / ALL_HOUSEHOLDS, abs=1e-4)
    assert figures.high == pytest.approx(8767.3 / ALL_HOUSEHOLDS, abs=1e-4)
    assert not figures.too_few
    per_month = dict(figures.per_month)
    assert (per_month[(2025, 2)], per_month[(2025, 12)], sum(per_month.values())) == (2, 1, 3)


def test_last_year_has_too_few(burglaries):
    figures = burglary_figures(**year(2024))
    assert figures.count == 1 and figures.too_few
    assert figures.rate == pytest.approx(1000 / ALL_HOUSEHOLDS)


def test_the_next_year_starts_at_swedish_midnight(burglaries):
    assert burglary_figures(**year(2026)).count == 1


def test_another_municipality_counts_its_own(burglaries, other_area):
    figures = burglary_figures(**year(2025, "2510"))
    assert (figures.count, figures.households) == (1, 400)
    assert figures.rate == pytest.approx(2.5)


def test_no_households_no_rate(burglaries):
    figures = burglary_figures(**year(2025, "9999"))
    assert figures.count == 0
    assert figures.rate is None and figures.low is None and figures.high is None


def test_zero_burglaries_still_have_an_upper_bound(municipality):
    figures = burglary_figures(**year(2025))
    assert figures.count == 0 and figures.rate == 0
    assert figures.high == pytest.approx(3688.9 / ALL_HOUSEHOLDS, abs=1e-4)


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.6889), (1, 0.0253, 5.5716), (3, 0.6186, 8.7673), (10, 4.7954, 18.3904)],
)
def test_poisson_interval_matches_the_tables(count, low, high):
    assert poisson_interval(count) == pytest.approx((low, high), abs=1e-4)


def test_presence_at_a_point_counts_in_the_municipality_it_lies_in(presence, arjeplog):
    """Presence logged at a point outside every residential area has no area to tell its
    municipality: the boundary holding the point does (issue 14), not the default one."""
    before = presence_figures(**year(2025))
    point = arjeplog.shape.representative_point()
    from tryggve.areas.selectors import area_for_point

    assert area_for_point(lat=point.y, lon=point.x) is None
    officer = PolicePresence.objects.first().officer
    presence_log(
        officer=officer, started=local(2025, 7, 1, 12), minutes=60, kind=PresenceKind.CAR,
        lat=point.y, lon=point.x,
    )
    laisvall = ResidentialArea.objects.get(municipality=arjeplog, name="Laisvall")
    PolicePresence.objects.create(
        officer=officer, started=local(2025, 7, 2, 12), minutes=30, kind=PresenceKind.FOOT,
        area=laisvall,
    )
    assert presence_figures(**year(2025)) == before
    theirs = presence_figures(**year(2025, "2506"))
    assert theirs.hours == 1.5
    assert theirs.by_area == [
        ("", [0.0] * 6 + [1.0] + [0.0] * 5, 1.0),
        ("Laisvall", [0.0] * 6 + [0.5] + [0.0] * 5, 0.5),
    ]

"""The map answers in cells: SWEREF 99 TM squares, respondents counted (not places), the
public threshold of five respondents, and the staff-only detail."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, Polygon

from tryggve.areas.services import load_geojson_file, municipality_import
from tryggve.conftest import CENTRUM, DEMO_DIR
from tryggve.lib.geo import distance_m, to_wgs84
from tryggve.surveys import bank
from tryggve.surveys.figures import unsafe_places
from tryggve.surveys.importers import survey_for_year
from tryggve.surveys.maps import PUBLIC_CELL_M, STAFF_CELL_M, density_class, place_map
from tryggve.surveys.models import Channel
from tryggve.surveys.services import AnswerData, response_submit

# CENTRUM (65.5900° N, 19.1800° E) in SWEREF 99 TM, worked out by hand with Lantmäteriet's
# Gauss-Krüger formulas for GRS80 (central meridian 15° E, scale 0.9996, false easting
# 500 000 m): E 692 644.04, N 7 280 614.33. So its 250 m cell starts at E 692 500,
# N 7 280 500 and its 125 m cell at E 692 625, N 7 280 500.
CENTRUM_250 = (692_500.0, 7_280_500.0)
CENTRUM_125 = (692_625.0, 7_280_500.0)


def in_cell(corner: tuple[float, float], k: int, size: float = PUBLIC_CELL_M):
    """A (lat, lon) inside the cell whose south-west corner is `corner`, k-th of several."""
    lon, lat = to_wgs84(corner[0] + 10 + 7 * k % (size - 20), corner[1] + 15 + 5 * k % (size - 30))
    return lat, lon


def respond(survey, places, time="evening", text="", place_text=""):
    """One respondent marking the given (lat, lon) places (typed in from paper)."""
    question = survey.questions.get(code=bank.MAP_CODE)
    answers = [
        AnswerData(
            question=question,
            lat=lat,
            lon=lon,
            time_of_day=time,
            text=text,
            place_text=place_text,
        )
        for lat, lon in places
    ]
    return response_submit(survey=survey, answers=answers, channel=Channel.PAPER)


@pytest.fixture
def last_year(municipality, today):
    """Last year's survey, closed, so the public results show it."""
    return survey_for_year(municipality=municipality, year=today.year - 1)


def test_cells_are_sweref_99_tm_squares_on_a_known_point(municipality, last_year):
    for _ in range(5):
        respond(last_year, [CENTRUM])
    staff = place_map(municipality_id=municipality.pk, years=[last_year.year])
    (cell,) = staff.cells
    assert (cell.x, cell.y, cell.size) == (*CENTRUM_125, STAFF_CELL_M)
    public = place_map(municipality_id=municipality.pk, years=[last_year.year], public=True)
    (cell,) = public.cells
    assert (cell.x, cell.y, cell.size) == (*CENTRUM_250, PUBLIC_CELL_M)
    ring = cell.ring()
    assert ring[0] == ring[-1] and len(ring) == 5
    assert Polygon(ring).contains(Point(CENTRUM[1], CENTRUM[0]))
    # The corners are 250 m apart on the ground (the grid is in metres, not degrees).
    for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:], strict=False):
        assert distance_m(lat1, lon1, lat2, lon2) == pytest.approx(250, abs=1.5)


def test_central_meridian_is_easting_500000(municipality, last_year):
    # 65° N on 15° E: E 500 000 exactly, N 7 208 454.58 by the same formulas; it lies
    # inside the demo municipality's neighbour, which the map does not check (the form does).
    respond(last_year, [(65.0, 15.0)])
    (cell,) = place_map(municipality_id=municipality.pk, years=[last_year.year]).cells
    assert (cell.x, cell.y) == (500_000.0, 7_208_375.0)


def test_a_cell_counts_respondents_not_places(municipality, last_year):
    """Four people marking three places each in one square are four, not twelve: the
    square stays off the public map until a fifth person marks it."""
    for person in range(4):
        respond(last_year, [in_cell(CENTRUM_250, 3 * person + k) for k in range(3)])
    staff = place_map(municipality_id=municipality.pk, years=[last_year.year])
    assert staff.places == 12 and staff.respondents == 4
    assert sum(c.places for c in staff.cells) == 12
    public = place_map(municipality_id=municipality.pk, years=[last_year.year], public=True)
    assert public.cells == [] and public.hidden_cells == 1
    respond(last_year, [in_cell(CENTRUM_250, 40)])
    public = place_map(municipality_id=municipality.pk, years=[last_year.year], public=True)
    (cell,) = public.cells
    assert (cell.respondents, cell.places) == (5, 13)
    assert cell.density_class == density_class(5) == 3


def test_public_times_of_day_hide_small_counts(municipality, last_year):
    for k in range(5):
        respond(last_year, [in_cell(CENTRUM_250, k)], time="evening")
    respond(last_year, [in_cell(CENTRUM_250, 9)], time="night")
    (cell,) = place_map(municipality_id=municipality.pk, years=[last_year.year], public=True).cells
    times = {t.label: t for t in cell.times}
    assert times["Kväll"].count == 5 and not times["Kväll"].suppressed
    assert times["Natt"].suppressed and not times["Natt"].secondary and times["Natt"].count == 0
    # One small figure alone could be worked out from the others: a second one is hidden.
    assert sum(t.secondary for t in cell.times) == 1
    staff = place_map(municipality_id=municipality.pk, years=[last_year.year])
    assert {t.label: t.count for t in staff.cells[0].times}["Natt"] == 1


def test_staff_read_descriptions_but_not_flagged_ones(municipality, last_year):
    respond(last_year, [CENTRUM], text="Mörkt och buskigt", place_text="Gångtunneln")
    respond(last_year, [CENTRUM], text="Anna Berg bor där och skräms")
    respond(last_year, [CENTRUM])
    (cell,) = place_map(municipality_id=municipality.pk, years=[last_year.year]).cells
    assert cell.texts == [("Gångtunneln", "Mörkt och buskigt", 1)]
    assert cell.withheld_texts == 1


def test_places_in_words_only_are_counted_but_not_drawn(municipality, last_year):
    question = last_year.questions.get(code=bank.MAP_CODE)
    response_submit(
        survey=last_year,
        answers=[AnswerData(question=question, place_text="Vid macken")],
        channel=Channel.PAPER,
    )
    result = place_map(municipality_id=municipality.pk, years=[last_year.year])
    assert (result.words_only, result.places, result.cells) == (1, 0, [])


def test_years_default_to_the_two_newest_and_can_be_chosen(municipality, today, last_year):
    older = survey_for_year(municipality=municipality, year=today.year - 3)
    between = survey_for_year(municipality=municipality, year=today.year - 2)
    respond(older, [CENTRUM])
    respond(last_year, [CENTRUM])
    assert unsafe_places(municipality_code="2505").years == [between.year, last_year.year]
    assert unsafe_places(municipality_code="2505").respondents == 1
    both = unsafe_places(municipality_code="2505", years=[older.year, last_year.year])
    assert both.respondents == 2 and both.cells[0].respondents == 2
    assert unsafe_places(municipality_code="0000") is None


def test_the_public_layer_is_one_year_the_same_as_the_public_page(municipality, today, last_year):
    """Two years on one grid beside the public one-year maps would let a reader subtract
    one year from both and get a small cell back (a probe did: 19 - 17 = 2)."""
    between = survey_for_year(municipality=municipality, year=today.year - 2)
    for _ in range(5):
        respond(between, [CENTRUM])
    for _ in range(7):
        respond(last_year, [CENTRUM])
    layer = unsafe_places(municipality_code="2505", public=True)
    assert layer.years == [last_year.year]
    page = place_map(municipality_id=municipality.pk, years=[last_year.year], public=True)
    assert [(c.name, c.respondents) for c in layer.cells] == [
        (c.name, c.respondents) for c in page.cells
    ]
    assert layer.cells[0].respondents == 7


def test_another_municipality_is_never_counted(municipality, last_year, today):
    other = municipality_import(
        data=load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson"),
        code="2580",
        name="Grannkommunen",
    )
    theirs = survey_for_year(municipality=other, year=last_year.year)
    for _ in range(6):
        respond(theirs, [CENTRUM])
    assert place_map(municipality_id=municipality.pk, years=[last_year.year]).places == 0
    assert unsafe_places(municipality_code="2505").cells == []


def test_open_survey_answers_count_for_staff(municipality, survey, today):
    """This year's survey while it is open: the situation picture already sees it."""
    respond(survey, [CENTRUM], time="night")
    result = unsafe_places(municipality_code="2505")
    assert result.years == [today.year] and result.places == 1
    assert result.cells[0].name.startswith("Centrum")

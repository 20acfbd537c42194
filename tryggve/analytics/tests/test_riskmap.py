"""The risk-map grid, its GeoJSON for staff and public, and the risk-map page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from shapely.geometry import Point

from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.analytics.riskmap import Cell, cells_geojson, grid_cells, risk_cells
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.lib.geo import geometry_to_sweref, to_sweref
from tryggve.surveys import bank
from tryggve.surveys.importers import survey_for_year
from tryggve.surveys.maps import CLASS_COLOURS
from tryggve.surveys.models import Channel
from tryggve.surveys.services import AnswerData, response_submit

URL = "/personal/lagesbild/riskkarta/"


@pytest.fixture
def burglaries(make_incident, area_points):
    """A cluster in Centrum (four recent, within a few metres) and one in Tallbacka."""
    lat, lon = area_points["Centrum"]
    now = timezone.now()
    for n in range(4):
        make_incident(at=(lat + n * 0.0001, lon), when=now - timedelta(days=3 + n * 20))
    make_incident(at=area_points["Tallbacka"], when=now - timedelta(days=200))


@pytest.mark.parametrize("size", [100, 250, 500])
def test_the_grid_covers_every_area(municipality, size):
    areas = list(ResidentialArea.objects.all())
    corners = grid_cells(areas, size)
    assert len(corners)
    assert not (corners % size).any(), "cells are aligned to a fixed origin"
    for area in areas:
        shape = geometry_to_sweref(area.shape)
        minx, miny, maxx, maxy = shape.bounds
        for x, y in [(minx, miny), (maxx, maxy), shape.representative_point().coords[0]]:
            inside = (corners[:, 0] <= x) & (x < corners[:, 0] + size)
            inside &= (corners[:, 1] <= y) & (y < corners[:, 1] + size)
            assert inside.sum() == 1, f"{area.name}: ({x}, {y}) in {inside.sum()} cells"


@pytest.mark.parametrize("size", [100, 250, 500])
def test_risk_cells_have_the_asked_size_and_count_the_history(burglaries, area_points, size):
    cells = risk_cells(group="residential_burglary", size=size)
    assert {c.size for c in cells} == {size}
    assert sum(c.past_count for c in cells) == 5
    # Shares are relative: the page divides by the total (the near-repeat term is scaled,
    # not normalised, so the raw scores need not sum to exactly one).
    assert min(c.score for c in cells) >= 0
    assert sum(c.score for c in cells) > 0
    x, y = to_sweref(area_points["Centrum"][1], area_points["Centrum"][0])
    best = max(cells, key=lambda c: c.score)
    assert Point(x, y).distance(Point(best.x + size / 2, best.y + size / 2)) < 2 * size


def _cells(counts: list[int]) -> list[Cell]:
    """Cells in a row, the first scored highest; 100 of them so the classes spread out."""
    return [
        Cell(x=float(1000 * k), y=7280000.0, size=250, score=float(100 - k), past_count=count)
        for k, count in enumerate(counts + [0] * (100 - len(counts)))
    ]


def test_public_cells_hide_thin_counts_and_never_show_figures(settings):
    settings.PUBLIC_MIN_COUNT = 3
    cells = _cells([5, 2, 3, 1, 0, 7, 4])
    staff = cells_geojson(cells, public=False)
    public = cells_geojson(cells, public=True)
    assert all(f["properties"]["count"] >= 0 for f in staff["features"])
    assert {f["properties"]["count"] for f in staff["features"]} >= {0, 1, 2, 3, 5, 7}
    assert len(public["features"]) == 4  # the cells with 5, 3, 7 and 4
    for feature in public["features"]:
        assert set(feature["properties"]) == {"class"}
    staff_classes = [f["properties"]["class"] for f in staff["features"]]
    assert staff_classes[0] == 5
    assert set(staff_classes) <= {2, 3, 4, 5}
    assert len(staff["features"]) == 25  # the top quarter of 100


def test_public_cells_follow_the_setting(settings):
    cells = _cells([1, 1, 2])
    settings.PUBLIC_MIN_COUNT = 1
    assert len(cells_geojson(cells, public=True)["features"]) == 3
    settings.PUBLIC_MIN_COUNT = 3
    assert cells_geojson(cells, public=True)["features"] == []
    assert settings.PUBLIC_MIN_COUNT == 3


def test_staff_see_classes_scores_and_counts(police_officer, burglaries):
    response = police_officer.get(URL)
    assert response.status_code == 200
    grid = response.context["layers"]["grid"]
    assert grid["features"]
    for feature in grid["features"]:
        assert set(feature["properties"]) == {"class", "score", "count"}
        assert 2 <= feature["properties"]["class"] <= 5
    assert response.context["top"]
    assert "Andel av veckans risk" in response.content.decode()


@pytest.mark.parametrize("size", [100, 250, 500])
def test_the_cell_size_can_be_chosen(case_handler, burglaries, size):
    response = case_handler.get(URL, {"cell": size})
    assert response.status_code == 200
    assert response.context["size"] == size
    assert {cell.size for cell, _share, _place in response.context["top"]} == {size}
    assert f"({size} m)" in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"cell": "333"}, {"cell": "abc"}, {"cell": "-250"}, {"cell": "0"}, {"group": "mord"}]
)
def test_bad_parameters_fall_back_to_the_default(administrator, burglaries, query):
    response = administrator.get(URL, query)
    assert response.status_code == 200
    assert response.context["size"] == settings.RISK_CELL_M == 250
    # The selects show what is drawn, not the first choice in place of the refused value.
    page = response.content.decode()
    assert '<option value="250" selected>' in page
    assert '<option value="residential_burglary" selected>' in page


def test_a_bad_cell_size_leaves_the_group_asked_for(administrator, burglaries):
    response = administrator.get(URL, {"group": "theft", "cell": "333"})
    page = response.content.decode()
    assert (response.context["group_label"], response.context["size"]) == ("Stöld", 250)
    assert '<option value="theft" selected>' in page and '<option value="250" selected>' in page


def test_an_empty_history_says_so(police_officer, municipality):
    response = police_officer.get(URL)
    assert response.status_code == 200
    # The unfiltered page's select shows the cell size it really uses.
    assert '<option value="250" selected>' in response.content.decode()
    assert "Inga händelser att bygga en prognos på." in response.content.decode()


def test_presence_points_are_shown_on_the_staff_map(police_officer, burglaries, area_points):
    from tryggve.analytics.services import presence_log

    lat, lon = area_points["Centrum"]
    presence_log(
        officer=police_officer.user,
        started=timezone.now() - timedelta(days=1),
        minutes=30,
        kind="foot",
        lat=lat,
        lon=lon,
    )
    presence = police_officer.get(URL).context["layers"]["presence"]
    assert presence == [{"lat": lat, "lon": lon, "label": "Till fots, 30 min"}]


@pytest.mark.parametrize(("language", "category"), [("sv", "Belysning"), ("en", "Lighting")])
def test_the_reports_layer_names_each_category_in_the_readers_language(
    police_officer, burglaries, make_report, language, category
):
    report = make_report(category="belysning")
    police_officer.cookies["django_language"] = language
    reports = police_officer.get(URL).context["layers"]["reports"]
    assert [r["label"] for r in reports] == [f"{report.reference}: {category}"]


@pytest.mark.parametrize(
    ("group", "name"),
    [("fire", "brand"), ("violence", "våld"), ("disturbance", "ordningsstörningar")],
)
def test_the_method_note_fits_every_group(police_officer, municipality, group, name):
    page = police_officer.get(URL, {"group": group}).content.decode()
    assert f"Rutorna visar var risken för {name} är störst de kommande sju dagarna." in page
    # No capitalised group name mid-sentence, no burglary logic for other groups.
    assert "var Brand" not in page and "risken för Brand" not in page
    note = page[page.index('<p class="method-note">') :]
    note = note[: note.index("</p>")]
    assert "inbrott" not in note
    assert "upprepad utsatthet" not in note


def test_the_burglary_map_explains_repeat_victimisation(police_officer, municipality):
    page = police_officer.get(URL).content.decode()
    assert "Rutorna visar var risken för bostadsinbrott är störst" in page
    assert "Ett bostadsinbrott höjer risken för fler inbrott i närheten några veckor" in page


def test_the_darkest_share_is_named_with_its_number(police_officer, burglaries):
    page = police_officer.get(URL).content.decode()
    assert "Mörkast är den 1 procent av rutorna med högst risk." in page
    assert "den procent" not in page


def test_the_survey_places_have_a_swatch_in_the_key(police_officer, burglaries):
    """Every mark in the key has its colour beside its words: the survey's purple squares
    too, in the shades the map draws them in."""
    municipality = Municipality.objects.get(code="2505")
    last_year = survey_for_year(municipality=municipality, year=timezone.localdate().year - 1)
    question = last_year.questions.get(code=bank.MAP_CODE)
    lat, lon = 65.59, 19.18
    for _ in range(5):
        response_submit(
            survey=last_year,
            answers=[AnswerData(question=question, lat=lat, lon=lon, time_of_day="evening")],
            channel=Channel.PAPER,
        )
    page = police_officer.get(URL).content.decode()
    key = page[page.index("Lila rutor") - 400 : page.index("Lila rutor")]
    assert f'fill="{CLASS_COLOURS[2]}"' in key
    assert f'stroke="{CLASS_COLOURS[-1]}"' in key


def test_the_page_says_how_many_events_it_cannot_draw(police_officer, burglaries):
    """The police feed names the municipality alone: its burglaries are in the ranking's
    "Dessutom … händelser" and in the time profiles, never on the map. The map's page says
    so, or its count of events seems to disagree with the other pages."""
    now = timezone.now()
    feed = {
        "source": IncidentSource.POLICE_FEED,
        "municipality_code": "2505",
        "municipality_name": "Arvidsjaur",
        "offence_group": OffenceGroup.RESIDENTIAL_BURGLARY,
    }
    Incident.objects.create(external_id="701", occurred_at=now - timedelta(days=10), **feed)
    Incident.objects.create(external_id="702", occurred_at=now - timedelta(days=400), **feed)
    # Not in the five years the map stands on, nor of its group or municipality.
    Incident.objects.create(external_id="703", occurred_at=now - timedelta(days=6 * 365), **feed)
    Incident.objects.create(
        external_id="704", occurred_at=now, **(feed | {"offence_group": OffenceGroup.THEFT})
    )
    arjeplog = feed | {"municipality_code": "2506"}
    Incident.objects.create(external_id="705", occurred_at=now - timedelta(days=3), **arjeplog)
    page = " ".join(police_officer.get(URL).content.decode().split())
    assert (
        "Kartan visar bara händelser med känd plats. 2 händelser de senaste fem åren har "
        "ingen känd plats, bara kommunen (till exempel Polisens händelser), och finns inte "
        "på kartan."
    ) in page
    assert "bara 5 händelser med känd plats de senaste fem åren" in page
    fire = police_officer.get(URL, {"group": "fire"}).content.decode()
    assert 'id="riskmap-unplaced"' not in fire

"""The unsafe places on the public results page, the staff results page and the situation
picture: what each may show, who may open it, and how many queries it takes."""

from __future__ import annotations

import json
import re

import pytest

from tryggve.surveys.importers import survey_for_year
from tryggve.surveys.tests.test_maps import CENTRUM_250, in_cell, respond

EAST_250 = (CENTRUM_250[0] + 500, CENTRUM_250[1])  # a square two cells east of the centre's
SECRET = "Bakom det gula huset"


def layers(page: str) -> dict:
    found = re.search(r'<script id="map-layers" type="application/json">(.*?)</script>', page)
    assert found, "no map data on the page"
    return json.loads(found.group(1))


@pytest.fixture
def last_year(municipality, today):
    return survey_for_year(municipality=municipality, year=today.year - 1)


@pytest.fixture
def marked(last_year):
    """Four people with twelve places in one square, five people with one each in another."""
    for person in range(4):
        places = [in_cell(CENTRUM_250, 3 * person + k) for k in range(3)]
        respond(last_year, places, text=SECRET, place_text="Gula huset")
    for person in range(5):
        respond(last_year, [in_cell(EAST_250, person)], time="night", text="Mörk gångväg")
    return last_year


def test_public_page_shows_only_cells_of_five_respondents(citizen, marked):
    response = citizen.get("/trygghetsenkat/resultat/")
    page = response.content.decode()
    cells = layers(page)["cells"]["features"]
    assert len(cells) == 1
    (cell,) = cells
    assert cell["geometry"]["type"] == "Polygon"
    assert set(cell["properties"]) == {"class", "respondents", "label"}
    assert cell["properties"]["respondents"] == 5
    # Never a point, never a resident's words, never a marked position.
    assert '"Point"' not in page and SECRET not in page and "Gula huset" not in page
    assert "Mörk gångväg" not in page
    for answer in marked.responses.all():
        for place in answer.answers.all():
            assert f"{place.lat:.5f}" not in page and f"{place.lon:.5f}" not in page
    # The table (the page without JavaScript) has the same one square.
    table = page.split('id="places-caption"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 1
    assert "9 svarande markerade sammanlagt 17 platser på kartan." in page
    assert "Några platser ligger i rutor med färre än 5 svarande" in page
    assert "/api/reports.geojson" in page  # the e-service's reports as their own layer
    assert 'href="/karta/"' in page


def test_public_page_without_any_cell_of_five_draws_no_map(citizen, last_year):
    for person in range(4):
        respond(last_year, [in_cell(CENTRUM_250, 3 * person + k) for k in range(3)])
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert 'id="map-layers"' not in page and "leaflet.js" not in page
    assert "Ingen ruta har ännu minst 5 svarande" in page


def test_staff_results_show_small_cells_and_descriptions(case_handler, marked):
    page = case_handler.get(f"/personal/enkater/{marked.pk}/resultat/").content.decode()
    cells = layers(page)["cells"]["features"]
    assert sorted(f["properties"]["respondents"] for f in cells)[-1] == 5
    assert sum(f["properties"]["places"] for f in cells) == 17
    assert "Gula huset" in page and "Mörk gångväg" in page


def test_flagged_descriptions_stay_off_the_staff_map_pages(case_handler, last_year):
    respond(last_year, [in_cell(CENTRUM_250, 1)], text="Kalle Ek på nummer 070-123 45 67")
    page = case_handler.get(f"/personal/enkater/{last_year.pk}/resultat/").content.decode()
    assert "070-123" not in page
    assert "1 beskrivning kan innehålla personuppgifter" in page


def test_situation_picture_has_the_survey_layer(request, marked):
    """Those who read the survey's free text see the detail; police officers and council
    readers (who may not) see the public cells: 250 m, five respondents, no words."""
    from tryggve.audit.models import AccessLog

    for persona in ("case_handler", "administrator"):
        reader = request.getfixturevalue(persona)
        page = reader.get("/personal/lagesbild/").content.decode()
        assert "Otrygga platser enligt trygghetsenkäten" in page, persona
        assert len(layers(page)["survey"]["cells"]["features"]) >= 2
        assert "Mörk gångväg" in page and "Gula huset" in page
        # Residents' words were read: logged.
        assert AccessLog.objects.filter(
            actor=reader.user, purpose=AccessLog.Purpose.SURVEY
        ).exists(), persona
    assert AccessLog.objects.count() == 2
    for persona in ("police_officer", "council_reader"):
        page = request.getfixturevalue(persona).get("/personal/lagesbild/").content.decode()
        assert "Otrygga platser enligt trygghetsenkäten" in page, persona
        cells = layers(page)["survey"]["cells"]["features"]
        assert [f["properties"]["respondents"] for f in cells] == [5]
        assert set(cells[0]["properties"]) == {"class", "respondents", "label"}
        assert "Mörk gångväg" not in page and "Gula huset" not in page and SECRET not in page


def test_the_situation_picture_leaves_the_open_year_to_those_who_read_free_text(
    request, survey, today
):
    """This year's survey is still open: its places are not on the police's page."""
    for person in range(5):
        respond(survey, [in_cell(EAST_250, person)], text="Mörk gångväg")
    police = request.getfixturevalue("police_officer").get("/personal/lagesbild/")
    assert "Mörk gångväg" not in police.content.decode()
    assert "Ingen har ännu markerat någon plats" in police.content.decode()
    handler = request.getfixturevalue("case_handler").get("/personal/lagesbild/")
    assert "Mörk gångväg" in handler.content.decode()


def test_situation_picture_is_closed_to_outsiders(client, staff_without_role, marked):
    response = client.get("/personal/lagesbild/")
    assert response.status_code == 302 and "/personal/logga-in/" in response.url
    assert staff_without_role.get("/personal/lagesbild/").status_code == 403


def test_wrong_role_and_wrong_municipality(police_officer, case_handler, marked):
    from tryggve.areas.services import load_geojson_file, municipality_import
    from tryggve.conftest import DEMO_DIR

    assert police_officer.get(f"/personal/enkater/{marked.pk}/resultat/").status_code == 403
    other = municipality_import(
        data=load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson"),
        code="2580",
        name="Grannkommunen",
    )
    theirs = survey_for_year(municipality=other, year=marked.year)
    respond(theirs, [in_cell(CENTRUM_250, 1)], text="Grannkommunens hemlighet")
    assert case_handler.get(f"/personal/enkater/{theirs.pk}/resultat/").status_code == 404
    page = case_handler.get("/personal/lagesbild/").content.decode()
    assert "Grannkommunens hemlighet" not in page


def _spread(survey, cells: int) -> None:
    for c in range(cells):
        corner = (CENTRUM_250[0] + 250 * (c % 6), CENTRUM_250[1] + 250 * (c // 6))
        for person in range(5):
            respond(survey, [in_cell(corner, person)], text="Mörkt")


@pytest.mark.parametrize("cells", [1, 12])
def test_query_counts_do_not_grow_with_cells(
    cells, citizen, case_handler, last_year, django_assert_max_num_queries
):
    """The caps hold the pages' other figures too; twelve cells cost what one costs."""
    _spread(last_year, cells)
    # A first view counts and stores every figure, the map too (results.places).
    with django_assert_max_num_queries(90):
        page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert len(layers(page)["cells"]["features"]) == cells
    with django_assert_max_num_queries(88):
        assert case_handler.get(f"/personal/enkater/{last_year.pk}/resultat/").status_code == 200
    with django_assert_max_num_queries(22):
        assert case_handler.get("/personal/lagesbild/").status_code == 200


def test_staff_table_lists_the_densest_squares_and_counts_the_rest(
    case_handler, marked, monkeypatch
):
    """At 100,000 answers staff's map has some 10,000 squares: the table lists the densest
    (STAFF_TABLE_CELLS), the map all of them, and the page says how many more there are."""
    from tryggve.surveys import maps

    monkeypatch.setattr(maps, "STAFF_TABLE_CELLS", 1)
    page = case_handler.get(f"/personal/enkater/{marked.pk}/resultat/").content.decode()
    table = page.split('id="places-caption"')[1].split("</table>")[0]
    features = layers(page)["cells"]["features"]
    assert table.count('<th scope="row">') == 1 < len(features)
    assert f"Tabellen visar de 1 rutorna med flest svarande. {len(features) - 1} " in page


def test_council_readers_see_the_public_cells_on_the_results_page_too(
    council_reader, case_handler, marked
):
    """As on the situation picture: those who may not read the survey's free text (council
    readers) get the public map on the staff results page, 250 m squares of five and no
    resident's words; before, they got the staff detail (one respondent's square and what
    they wrote)."""
    from tryggve.audit.models import AccessLog

    url = f"/personal/enkater/{marked.pk}/resultat/"
    page = council_reader.get(url).content.decode()
    cells = layers(page)["cells"]["features"]
    assert [f["properties"]["respondents"] for f in cells] == [5]
    assert "Gula huset" not in page and SECRET not in page and "Mörk gångväg" not in page
    assert not AccessLog.objects.exists()
    # Those who read free text still get the detail, and the read is logged.
    page = case_handler.get(url).content.decode()
    assert "Gula huset" in page
    log = AccessLog.objects.get()
    assert log.actor == case_handler.user and log.purpose == AccessLog.Purpose.SURVEY

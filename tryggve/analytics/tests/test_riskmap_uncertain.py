"""The risk map says clearly when a small town's thin past gets the fallback model.

docs/forecast.md: with too little history for the grid ranking the kernel model answers,
"and the page keeps saying the forecast is uncertain there". The page said nothing: it
showed the kernel model's top ten cells as if they were as sure as a city's.
"""

from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from tryggve.analytics import riskmap
from tryggve.analytics.forecast import Params, Result
from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.riskmap import risk_map, risk_map_cached

NOTICE = "Osäker prognos."


@pytest.fixture
def a_few_burglaries(make_incident, area_points):
    now = timezone.now()
    for n in range(4):
        make_incident(at=area_points["Centrum"], when=now - timedelta(days=3 + 30 * n))


def test_a_thin_past_gets_the_kernel_model_and_says_so(a_few_burglaries):
    made = risk_map(group=OffenceGroup.RESIDENTIAL_BURGLARY, size=250)
    assert made.method == "kernel"
    assert made.events == 4
    assert made.uncertain


def test_the_cached_map_keeps_the_model(a_few_burglaries):
    first = risk_map_cached(group=OffenceGroup.RESIDENTIAL_BURGLARY, size=250)
    again = risk_map_cached(group=OffenceGroup.RESIDENTIAL_BURGLARY, size=250)
    assert (first.method, first.events) == (again.method, again.events) == ("kernel", 4)
    assert first.cells == again.cells


def test_the_page_says_a_small_towns_forecast_is_uncertain(a_few_burglaries, police_officer):
    response = police_officer.get(reverse("analytics:riskmap"))
    assert response.status_code == 200
    text = response.content.decode()
    assert NOTICE in text
    assert "bara 4 händelser med känd plats de senaste fem åren" in text
    # In plain words, not the model's jargon.
    assert "den vanliga prognosen, som behöver minst 300 händelser" in text
    assert "rutmodell" not in text and "pröva sig" not in text
    # Before the map and the table of the ten cells, so it is read first.
    assert text.index(NOTICE) < text.index('id="top-caption"')


def test_no_notice_without_any_incident(municipality, police_officer):
    response = police_officer.get(reverse("analytics:riskmap"))
    assert NOTICE not in response.content.decode()
    assert "Inga händelser att bygga en prognos på." in response.content.decode()


def test_no_notice_when_the_grid_ranking_answers(a_few_burglaries, police_officer, monkeypatch):
    def ranked(events, targets, start, end):
        scores = np.linspace(1.0, 0.0, len(targets))
        return Result(scores, Params(), calibrated=True, method="lattice")

    monkeypatch.setattr(riskmap, "forecast_details", ranked)
    response = police_officer.get(reverse("analytics:riskmap"))
    assert response.status_code == 200
    assert NOTICE not in response.content.decode()


def test_the_weeks_suggestions_say_so_too(a_few_burglaries, police_officer):
    """The suggestions come from the same forecast, so they carry the same notice."""
    response = police_officer.get(reverse("analytics:suggestions"))
    assert response.status_code == 200
    text = response.content.decode()
    assert NOTICE in text
    assert text.index(NOTICE) < text.index('class="suggestions"')


def test_the_suggestions_use_the_risk_maps_cached_cells(
    a_few_burglaries, police_officer, monkeypatch
):
    """The page reads the risk map's cache (a million incidents: 13 s uncached, under 1 s
    warm), so it lists the cells the risk map ranks highest."""
    police_officer.get(reverse("analytics:riskmap"))

    def not_again(**kwargs):
        raise AssertionError("the suggestions forecast the week again")

    monkeypatch.setattr(riskmap, "risk_map", not_again)
    response = police_officer.get(reverse("analytics:suggestions"))
    assert response.status_code == 200
    assert 'class="suggestions"' in response.content.decode()


# The notice in the browser: no wider than the page's paragraphs ---------------------------

MEASURE_JS = """() => {
    const notice = document.getElementById("forecast-uncertain");
    const text = [...document.querySelectorAll("main p")].find(p => !notice.contains(p));
    return {
        box: notice.getBoundingClientRect().width,
        measure: getComputedStyle(text).maxWidth,
        paragraph: text.getBoundingClientRect().width,
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", ["riskmap", "suggestions"])
def test_the_notice_keeps_to_the_text_measure(
    a_few_burglaries, staff_page, make_staff, shot, name
):
    """On a laptop the staff pages are wide (tables, maps) but text keeps its measure; the
    notice's box stretched to the whole width, a band with its lines ending far short."""
    police = make_staff("polis", "police_officer")
    page = staff_page(police, path=reverse(f"analytics:{name}"))
    notice = page.get_by_role("note").filter(has_text=NOTICE)
    notice.wait_for()
    shot(page, f"analytics-{name}-uncertain")
    sizes = page.evaluate(MEASURE_JS)
    assert sizes["measure"].endswith("px"), sizes
    measure = float(sizes["measure"][:-2])
    assert measure < page.viewport_size["width"] - 100  # the measure is narrower than the page
    assert sizes["box"] <= measure, sizes

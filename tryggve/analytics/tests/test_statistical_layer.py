"""SCB's statistical areas kept as a layer (areas `AreaKind.STATISTICAL`) take part in none
of the situation picture: placing incidents, the exposure ranking, the burglary rate."""

from datetime import date

import pytest
from django.utils import timezone

from tryggve.analytics.figures import burglary_figures
from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup
from tryggve.analytics.ranking import exposure_ranking
from tryggve.analytics.services import _Placer
from tryggve.areas.models import ResidentialArea
from tryggve.conftest import CENTRUM


@pytest.mark.django_db
def test_layer_takes_no_part_in_placing_ranking_or_rates(municipality, layer_over_centrum):
    year = timezone.localdate().year
    areas = ResidentialArea.objects.filter(municipality=municipality)
    households = sum(areas.values_list("households", flat=True))
    assert _Placer().area_for(*CENTRUM).name == "Centrum"
    Incident.objects.create(
        source=IncidentSource.CSV,
        external_id="1",
        occurred_at=timezone.now(),
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        precise=True,
        area=ResidentialArea.objects.get(name="Centrum"),
    )
    _smoothing, ranked, _outside = exposure_ranking(
        group=OffenceGroup.RESIDENTIAL_BURGLARY, year=year
    )
    names = [row.area.name for row in ranked]
    assert "Centrum" in names
    assert layer_over_centrum.name not in names
    figures = burglary_figures(
        municipality_code="2505", start=date(year, 1, 1), end=date(year + 1, 1, 1)
    )
    assert figures.households == households


OVERVIEW = "/personal/lagesbild/"


@pytest.mark.django_db
def test_the_overview_shows_the_layer_beside_the_ranking(police_officer, layer_over_centrum):
    layer_over_centrum.population = 11_200
    layer_over_centrum.save(update_fields=["population"])
    response = police_officer.get(OVERVIEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-layer-toggle="statistical"' in page
    assert "SCB:s statistiska områden med hushåll och invånare" in page
    assert "2505C0010" in page and "11200" in page
    features = response.context["layers"]["statistical"]["features"]
    assert [f["properties"]["name"] for f in features] == [layer_over_centrum.name]
    assert "5000 hushåll, 11200 invånare" in features[0]["properties"]["label"]
    assert layer_over_centrum.name not in [r.area.name for r in response.context["ranked"]]


@pytest.mark.django_db
def test_without_a_layer_there_is_no_toggle_or_table(police_officer, municipality):
    response = police_officer.get(OVERVIEW)
    page = response.content.decode()
    assert response.context["layers"]["statistical"] is None
    assert 'data-layer-toggle="statistical"' not in page
    assert "SCB:s statistiska områden" not in page


@pytest.mark.django_db
def test_another_municipalitys_layer_is_not_shown(police_officer, municipality):
    from tryggve.areas.models import AreaKind, Municipality

    other = Municipality.objects.get(code="2506")  # beside Arvidsjaur, not served
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    ResidentialArea.all_kinds.create(
        municipality=other,
        name="Arjeplog DeSO 2506A0010",
        slug="deso-2506a0010",
        scb_code="2506A0010",
        kind=AreaKind.STATISTICAL,
        households=10,
        geometry=centrum.geometry,
        min_lon=centrum.min_lon,
        min_lat=centrum.min_lat,
        max_lon=centrum.max_lon,
        max_lat=centrum.max_lat,
    )
    page = police_officer.get(OVERVIEW).content.decode()
    assert "2506A0010" not in page and 'data-layer-toggle="statistical"' not in page

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
    households = sum(ResidentialArea.objects.values_list("households", flat=True))
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

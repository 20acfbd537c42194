"""A synthetic incident history for the Arvidsjaur demo, true to the method.

Residential burglaries follow a self-exciting process: a steady background (a handful a
year, more in some areas) and, after each burglary, a raised chance of another within a few
hundred metres and a few weeks (near repeats). Vandalism gathers around the centre and the
station in the evenings. Everything is labelled synthetic wherever it is shown.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

from tryggve.analytics.importers import IncidentData
from tryggve.analytics.models import IncidentSource, OffenceGroup
from tryggve.lib.geo import to_sweref, to_wgs84

YEARS = 5
# Yearly background counts in the municipality's residential areas.
BACKGROUND = {
    OffenceGroup.RESIDENTIAL_BURGLARY: 8,
    OffenceGroup.OTHER_BURGLARY: 6,
    OffenceGroup.VANDALISM: 40,
    OffenceGroup.THEFT: 25,
    OffenceGroup.VIOLENCE: 10,
    OffenceGroup.DISTURBANCE: 15,
}
# Extra weight for some areas (by name), so the ranking has something true to find.
AREA_WEIGHT = {"Centrum": 2.5, "Stationsområdet": 2.0, "Norra Åbacken": 1.8}
REPEAT_PROBABILITY = 0.3  # chance that a burglary triggers another nearby
EVENING_HOURS = [17, 18, 19, 20, 21, 22, 23, 0, 1]
# Burglars come when people are at work or out for the evening.
BURGLARY_HOURS = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]


def _point_in(area, rng: random.Random) -> tuple[float, float]:
    minx, miny, maxx, maxy = area.shape.bounds
    while True:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if area.contains_point(lat, lon):
            return lat, lon


def _moment(rng: random.Random, start: datetime, days: float, hours: list[int]) -> datetime:
    day = start + timedelta(days=rng.uniform(0, days))
    hour = rng.choice(hours)
    return day.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)


def synthetic_incidents(areas, *, now: datetime | None = None, seed: int = 2505):
    """IncidentData for YEARS years up to now, deterministic for a seed."""
    rng = random.Random(seed)
    now = timezone.localtime(now or timezone.now())
    start = now - timedelta(days=365 * YEARS)
    weights = [a.households * AREA_WEIGHT.get(a.name, 1.0) for a in areas]
    made = []
    for group, per_year in BACKGROUND.items():
        if group in (OffenceGroup.VANDALISM, OffenceGroup.DISTURBANCE):
            hours = EVENING_HOURS
        elif group in (OffenceGroup.RESIDENTIAL_BURGLARY, OffenceGroup.OTHER_BURGLARY):
            hours = BURGLARY_HOURS
        else:
            hours = list(range(24))
        for _ in range(per_year * YEARS):
            area = rng.choices(areas, weights=weights)[0]
            lat, lon = _point_in(area, rng)
            made.append((group, _moment(rng, start, 365 * YEARS, hours), lat, lon))
    # Near repeats: each burglary may trigger one more within ~300 m and ~3 weeks.
    for group, moment, lat, lon in list(made):
        if group != OffenceGroup.RESIDENTIAL_BURGLARY or rng.random() > REPEAT_PROBABILITY:
            continue
        x, y = to_sweref(lon, lat)
        distance, angle = rng.expovariate(1 / 150), rng.uniform(0, 2 * math.pi)
        lon2, lat2 = to_wgs84(x + distance * math.cos(angle), y + distance * math.sin(angle))
        later = moment + timedelta(days=rng.expovariate(1 / 10), hours=rng.uniform(0, 6))
        if later < now:
            made.append((group, later, lat2, lon2))
    # Two recent burglaries, so the near-repeat alerts and the weekly list have a case.
    centre = next((a for a in areas if a.name == "Centrum"), areas[0])
    lat, lon = _point_in(centre, rng)
    for days_ago in (9, 3):
        made.append(
            (
                OffenceGroup.RESIDENTIAL_BURGLARY,
                (now - timedelta(days=days_ago)).replace(hour=19, minute=30),
                lat,
                lon,
            )
        )
        lat += 0.0015
    made.sort(key=lambda item: item[1])
    return [
        IncidentData(
            source=IncidentSource.CSV,
            external_id=f"demo-{n:05d}",
            occurred_at=moment,
            offence_group=group,
            type_label=OffenceGroup(group).label,
            lat=lat,
            lon=lon,
            precise=True,
            summary="Syntetisk demohändelse",
        )
        for n, (group, moment, lat, lon) in enumerate(made, start=1)
    ]

"""The risk map: a grid over the residential areas, scored by the forecast.

Cells are squares in SWEREF 99 TM (so 250 m means 250 m), aligned to a fixed origin so the
same cell keeps its identity from week to week. Only cells within a kilometre of a residential
area are scored: the rest of a 6,000 km² municipality is forest where nobody lives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from tryggve.analytics.forecast import forecast, to_days
from tryggve.analytics.models import Incident
from tryggve.areas.models import ResidentialArea
from tryggve.lib.geo import geometry_to_sweref, to_sweref, to_wgs84

BUFFER_M = 1000


@dataclass(frozen=True)
class Cell:
    x: float  # south-west corner, SWEREF 99 TM
    y: float
    size: float
    score: float  # share of the forecast risk in this cell (scores sum to one)
    past_count: int  # incidents of the group in the cell over the history used

    @property
    def polygon_wgs84(self) -> list[list[float]]:
        corners = [
            (self.x, self.y),
            (self.x + self.size, self.y),
            (self.x + self.size, self.y + self.size),
            (self.x, self.y + self.size),
        ]
        ring = [list(to_wgs84(cx, cy)) for cx, cy in corners]
        return [[round(lon, 5), round(lat, 5)] for lon, lat in ring + ring[:1]]

    @property
    def centre_wgs84(self) -> tuple[float, float]:
        lon, lat = to_wgs84(self.x + self.size / 2, self.y + self.size / 2)
        return lat, lon


def grid_cells(areas, size: float) -> np.ndarray:
    """South-west corners of the cells within BUFFER_M of any area, as an (n, 2) array."""
    corners: set[tuple[int, int]] = set()
    for area in areas:
        minx, miny, maxx, maxy = geometry_to_sweref(area.shape).buffer(BUFFER_M).bounds
        for i in range(math.floor(minx / size), math.ceil(maxx / size)):
            for j in range(math.floor(miny / size), math.ceil(maxy / size)):
                corners.add((i, j))
    if not corners:
        return np.empty((0, 2))
    return np.array(sorted(corners), dtype=float) * size


def incident_points(incidents) -> np.ndarray:
    """(x, y, days) rows for precise incidents, in local wall-clock time like the forecast."""
    rows = []
    for lat, lon, occurred in incidents.precise().values_list("lat", "lon", "occurred_at"):
        x, y = to_sweref(lon, lat)
        rows.append((x, y, to_days(timezone.localtime(occurred).replace(tzinfo=None))))
    return np.array(rows, dtype=float).reshape(-1, 3)


def risk_cells(
    *,
    group: str,
    start: datetime | None = None,
    days: int = 7,
    size: float | None = None,
    history_years: int = 5,
) -> list[Cell]:
    """Forecast risk per cell for [start, start + days), from the incidents before start."""
    size = size or settings.RISK_CELL_M
    start = start or timezone.now()
    end = start + timedelta(days=days)
    corners = grid_cells(ResidentialArea.objects.all(), size)
    if not len(corners):
        return []
    incidents = Incident.objects.of_group(group).filter(
        occurred_at__lt=start, occurred_at__gte=start - timedelta(days=365 * history_years)
    )
    events = incident_points(incidents)
    centres = corners + size / 2
    local_start = timezone.localtime(start).replace(tzinfo=None)
    local_end = timezone.localtime(end).replace(tzinfo=None)
    scores = forecast(events, centres, to_days(local_start), to_days(local_end))
    counts = _counts(events, corners, size)
    return [
        Cell(float(x), float(y), size, float(score), int(count))
        for (x, y), score, count in zip(corners, scores, counts, strict=True)
    ]


def _counts(events: np.ndarray, corners: np.ndarray, size: float) -> np.ndarray:
    if not len(events):
        return np.zeros(len(corners), dtype=int)
    index = {(int(round(x / size)), int(round(y / size))): k for k, (x, y) in enumerate(corners)}
    counts = np.zeros(len(corners), dtype=int)
    for x, y in np.floor(events[:, :2] / size).astype(int):
        k = index.get((int(x), int(y)))
        if k is not None:
            counts[k] += 1
    return counts


def cells_geojson(cells: list[Cell], *, public: bool) -> dict:
    """Cells in the top quarter as GeoJSON with a risk class 2-5 by rank.

    Public maps also hide cells with fewer than PUBLIC_MIN_COUNT past incidents, so no
    square points at one household.
    """
    minimum = settings.PUBLIC_MIN_COUNT
    ranked = sorted((c for c in cells if c.score > 0), key=lambda c: -c.score)
    classes = {}
    for rank, cell in enumerate(ranked):
        # Top 1 %, 5 %, 10 %, 25 %, rest: the shares the forecast is judged by.
        share = (rank + 1) / max(len(cells), 1)
        classes[(cell.x, cell.y)] = (
            5
            if share <= 0.01
            else 4
            if share <= 0.05
            else (3 if share <= 0.10 else 2 if share <= 0.25 else 1)
        )
    features = []
    for cell in cells:
        risk_class = classes.get((cell.x, cell.y), 0)
        # The lowest class is most of the map; leaving it out keeps the page light.
        if risk_class <= 1 or (public and cell.past_count < minimum):
            continue
        properties = {"class": risk_class}
        if not public:
            properties.update(score=round(cell.score, 6), count=cell.past_count)
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": [cell.polygon_wgs84]},
            }
        )
    return {"type": "FeatureCollection", "features": features}

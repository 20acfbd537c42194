"""The risk map: a grid over the residential areas, scored by the forecast.

Cells are squares in SWEREF 99 TM (so 250 m means 250 m), aligned to a fixed origin so the
same cell keeps its identity from week to week. Only cells within a kilometre of a residential
area are scored: the rest of a 6,000 km² municipality is forest where nobody lives.

`codes` names the municipalities a map is for (`tryggve.analytics.scope`): their residential
areas make the grid and their incidents (`Incident.municipality_code`) the forecast, so a
neighbour served by the same deployment (or kept beside the one served while routing is
off) never changes another's map. None takes every area and incident (tools and tests; the
pages always name their municipalities).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, FloatField, Func, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.analytics.forecast import forecast_details, to_days
from tryggve.analytics.models import Incident
from tryggve.areas.models import ResidentialArea
from tryggve.lib.geo import geometry_to_sweref, sweref_arrays, to_wgs84

BUFFER_M = 1000
# A cached risk map lives at most a day and a bit: the key holds the day, so yesterday's entry
# is never read again; the timeout only frees the memory.
CACHE_SECONDS = 26 * 3600


@dataclass(frozen=True)
class Cell:
    x: float  # south-west corner, SWEREF 99 TM
    y: float
    size: float
    score: float  # relative forecast risk; divide by the total over the cells for a share
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


@dataclass(frozen=True)
class RiskMap:
    """The scored cells and which of the forecast's models scored them."""

    cells: list[Cell]
    # "lattice": the cells ranked by their own counts; "kernel": the fallback a small town's
    # thin past always gets (docs/forecast.md), whose ranking a single incident can move.
    method: str
    # Past incidents of the group the forecast was made from.
    events: int

    @property
    def uncertain(self) -> bool:
        """The kernel model answered from some history: the page must say so."""
        return self.method != "lattice" and self.events > 0


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


class EpochSeconds(Func):
    """Seconds since 1970 (UTC) computed by the database: loading a million datetime objects
    into Python costs seconds, a million floats almost nothing."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores aware datetimes in SQLite as UTC text, which julianday() reads.
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )


def incident_points(incidents) -> np.ndarray:
    """(x, y, days) rows for precise incidents, in local wall-clock time like the forecast.

    One query and whole-array reprojection: a million incidents must not mean a million
    Python calls to pyproj or a million datetime objects.
    """
    query = (
        incidents.precise()
        .annotate(epoch=EpochSeconds("occurred_at"))
        .values_list("lat", "lon", "epoch")
        # The model's default order would make PostgreSQL sort a million rows (on disk) that
        # the forecast reads in any order: half the query's time.
        .order_by()
    )
    rows = float_rows(query, columns=3)
    if not len(rows):
        return np.empty((0, 3))
    x, y = sweref_arrays(rows[:, 1], rows[:, 0])
    return np.column_stack([x, y, local_days(rows[:, 2])])


def float_rows(query, *, columns: int) -> np.ndarray:
    """The rows of `query` (`columns` floats each, never null: a precise incident has its
    position by a constraint) as an (n, columns) array.

    Straight from the cursor: Django's per-value converters would cost a second per million
    rows for nothing. On PostgreSQL the rows come as one binary COPY that numpy reads whole,
    because building a Python float for each value was most of the rest (1.8-2.0 s against
    1.1-1.3 s for a million rows, docs/benchmarks.md).
    """
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY takes no parameters: psycopg's client-side binding quotes them, whichever
            # kind of cursor the settings choose.
            from psycopg import ClientCursor

            statement = ClientCursor(connection.connection).mogrify(sql, params)
            data = bytearray()
            with cursor.copy(f"COPY ({statement}) TO STDOUT (FORMAT BINARY)") as copy:
                for block in copy:
                    data += block
            return parse_binary_copy(bytes(data), columns=columns)
        cursor.execute(sql, params)
        return np.array(cursor.fetchall(), dtype=float).reshape(-1, columns)


COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def parse_binary_copy(data: bytes, *, columns: int) -> np.ndarray:
    """Rows of PostgreSQL's binary COPY format whose fields are all non-null float8.

    Each row is a 16-bit field count and, per field, a 32-bit length and eight bytes, all
    big-endian, so the rows are a fixed-width record array. Anything else (a null, another
    type, a damaged stream) raises ValueError instead of being read as numbers.
    """
    if not data.startswith(COPY_SIGNATURE) or len(data) < 21:
        raise ValueError("not a binary COPY stream")
    extension = int.from_bytes(data[15:19], "big")
    body = data[19 + extension : -2]
    if data[-2:] != b"\xff\xff":
        raise ValueError("binary COPY stream without its trailer")
    fields = [("count", ">i2")]
    for n in range(columns):
        fields += [(f"length{n}", ">i4"), (f"value{n}", ">f8")]
    record = np.dtype(fields)
    if len(body) % record.itemsize:
        raise ValueError("binary COPY rows are not all non-null float8")
    rows = np.frombuffer(body, dtype=record)
    if (rows["count"] != columns).any() or any(
        (rows[f"length{n}"] != 8).any() for n in range(columns)
    ):
        raise ValueError("binary COPY rows are not all non-null float8")
    return np.column_stack([rows[f"value{n}"].astype(float) for n in range(columns)]).reshape(
        -1, columns
    )


def local_days(utc_seconds: np.ndarray) -> np.ndarray:
    """Local wall-clock days since 1970 for UTC instants, the forecast's clock.

    The zone's offset is looked up once per hour of the span (offsets change on the hour),
    not once per incident.
    """
    if not len(utc_seconds):
        return np.empty(0)
    zone = timezone.get_current_timezone()
    first = math.floor(utc_seconds.min() / 3600)
    hours = np.arange(first, math.floor(utc_seconds.max() / 3600) + 1)
    offsets = np.array(
        [datetime.fromtimestamp(h * 3600, tz=zone).utcoffset().total_seconds() for h in hours]
    )
    index = (np.floor(utc_seconds / 3600) - first).astype(int)
    return (utc_seconds + offsets[index]) / 86400.0


def risk_map(
    *,
    group: str,
    start: datetime | None = None,
    days: int = 7,
    size: float | None = None,
    history_years: int = 5,
    codes: tuple[str, ...] | None = None,
) -> RiskMap:
    """Forecast risk per cell for [start, start + days), from the incidents before start, over
    the areas and incidents of the municipalities `codes` (None: all), with the model used."""
    size = size or settings.RISK_CELL_M
    start = start or timezone.now()
    end = start + timedelta(days=days)
    areas, incidents = scoped_rows(group, codes)
    corners = grid_cells(areas, size)
    if not len(corners):
        return RiskMap([], "kernel", 0)
    incidents = incidents.filter(
        occurred_at__lt=start, occurred_at__gte=start - timedelta(days=365 * history_years)
    )
    events = incident_points(incidents)
    centres = corners + size / 2
    local_start = timezone.localtime(start).replace(tzinfo=None)
    local_end = timezone.localtime(end).replace(tzinfo=None)
    result = forecast_details(events, centres, to_days(local_start), to_days(local_end))
    counts = _counts(events, corners, size)
    cells = [
        Cell(float(x), float(y), size, float(score), int(count))
        for (x, y), score, count in zip(corners, result.scores, counts, strict=True)
    ]
    return RiskMap(cells, result.method, len(events))


def unplaced_count(
    *,
    group: str,
    codes: tuple[str, ...] | None,
    start: datetime | None = None,
    history_years: int = 5,
) -> int:
    """The incidents of `group` in the history a risk map of the same arguments stands on
    that it cannot draw: those without a known place (the police feed's, which name the
    municipality alone). The map's page says how many, so that its count of events and the
    other pages' counts (the ranking's, the time profiles') are not read as disagreeing."""
    start = start or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    _areas, incidents = scoped_rows(group, codes)
    return (
        incidents.filter(precise=False)
        .filter(occurred_at__lt=start, occurred_at__gte=start - timedelta(days=365 * history_years))
        .count()
    )


def risk_cells(**kwargs) -> list[Cell]:
    """The cells of :func:`risk_map` (same arguments)."""
    return risk_map(**kwargs).cells


def scoped_rows(group: str, codes: tuple[str, ...] | None):
    """The residential areas and the incidents of `group` of the municipalities `codes`."""
    areas = ResidentialArea.objects.all()
    incidents = Incident.objects.counted().of_group(group)
    if codes is not None:
        areas = areas.filter(municipality__code__in=codes)
        incidents = incidents.filter(municipality_code__in=codes)
    return areas, incidents


def data_version(group: str, codes: tuple[str, ...] | None = None) -> str:
    """A fingerprint of what the risk map of ``group`` is computed from.

    An import adds incidents (a new largest id), a correction deletes some (the count drops),
    an edited residential area changes the grid: each gives a new fingerprint and so a new
    cache key, in every process, without anyone having to remember to clear a cache.
    """
    areas, incidents = scoped_rows(group, codes)
    # Only what the map draws: the police feed's events (never precise) come every quarter
    # of an hour and would make a new key, and a new computation, each time.
    incidents = incidents.precise().aggregate(last=Max("id"), n=Count("id"))
    areas = areas.aggregate(last=Max("id"), n=Count("id"))
    return f"{incidents['last']}.{incidents['n']}.{areas['last']}.{areas['n']}"


def risk_map_cached(
    *, group: str, size: float | None = None, codes: tuple[str, ...] | None = None
) -> RiskMap:
    """The risk map of the municipalities `codes` (None: all) for the seven days from the
    start of today (local time), cached per municipalities, group, cell size, day and data
    version (see :func:`data_version`).

    ``warm_riskmap`` (run after each import) computes the entries, so the page reads them
    instead of loading every incident of five years; a miss computes and stores one.
    """
    size = float(size or settings.RISK_CELL_M)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    which = "+".join(sorted(codes)) if codes is not None else "*"
    # "riskmap2": the entry holds the model used beside the cells (the first kind did not).
    key = (
        f"riskmap2:{which}:{group}:{size:g}:{today.date().isoformat()}:"
        f"{data_version(group, codes)}"
    )
    entry = cache.get(key)
    if entry is None:
        computed = risk_map(group=group, start=today, size=size, codes=codes)
        entry = (
            [(cell.x, cell.y, cell.score, cell.past_count) for cell in computed.cells],
            computed.method,
            computed.events,
        )
        cache.set(key, entry, CACHE_SECONDS)
        _supersede(f"riskmap2-latest:{which}:{group}:{size:g}", key)
    rows, method, events = entry
    return RiskMap(
        [Cell(x, y, size, score, count) for x, y, score, count in rows], method, events
    )


def _supersede(latest: str, key: str) -> None:
    """Note `key` as the newest entry of its map (`latest`) and delete the one it replaces
    (an earlier data version or day), which no page reads again: each import, undo and
    feed fetch makes a new version, and the worker computes every group and cell size
    after each (`warming`), so the old entries (hundreds of kB each at 100 m) would
    otherwise fill a shared cache for CACHE_SECONDS."""
    replaced = cache.get(latest)
    cache.set(latest, key, CACHE_SECONDS)
    if replaced and replaced != key:
        cache.delete(replaced)


def risk_cells_cached(
    *, group: str, size: float | None = None, codes: tuple[str, ...] | None = None
) -> list[Cell]:
    """The cells of :func:`risk_map_cached` (same arguments)."""
    return risk_map_cached(group=group, size=size, codes=codes).cells


def _counts(events: np.ndarray, corners: np.ndarray, size: float) -> np.ndarray:
    """Past events per cell, by matching integer cell indices in whole arrays."""
    if not len(events) or not len(corners):
        return np.zeros(len(corners), dtype=int)
    cell_ij = np.round(corners / size).astype(np.int64)
    event_ij = np.floor(events[:, :2] / size).astype(np.int64)
    # One int64 key per cell: SWEREF 99 TM indices at 100 m and up stay far below 2**31.
    cell_keys = cell_ij[:, 0] * (1 << 32) + cell_ij[:, 1]
    event_keys = event_ij[:, 0] * (1 << 32) + event_ij[:, 1]
    order = np.argsort(cell_keys)
    position = np.searchsorted(cell_keys[order], event_keys)
    position = np.minimum(position, len(order) - 1)
    hit = cell_keys[order][position] == event_keys
    return np.bincount(order[position[hit]], minlength=len(corners))


# The map's fill per class (0 none, 1 the rest, 2-5 the four levels drawn), light to dark;
# the map's script and the key under it take them from here.
RISK_COLOURS = ["#ffffff", "#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]


def risk_levels() -> list[dict]:
    """The four levels drawn, highest first, each with its colour and its words (the key
    under the map says them in text, not by colour alone)."""
    return [
        {"class": 5, "colour": RISK_COLOURS[5], "label": _("Högsta 1 % av rutorna")},
        {"class": 4, "colour": RISK_COLOURS[4], "label": _("Högsta 1–5 %")},
        {"class": 3, "colour": RISK_COLOURS[3], "label": _("Högsta 5–10 %")},
        {"class": 2, "colour": RISK_COLOURS[2], "label": _("Högsta 10–25 %")},
    ]


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

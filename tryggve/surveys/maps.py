"""Where people feel unsafe: the survey's map answers counted in square cells.

Cells are squares in SWEREF 99 TM (EPSG:3006, metres), aligned to whole multiples of their
size like the situation picture's risk grid, so a 250 m cell here is exactly a 250 m risk
cell there and keeps its identity from year to year.

Why 250 m for the public map: in a town the size of Arvidsjaur (about 4,500 inhabitants,
a centre some 2 km across) a 250 m square is a block or two, a school and its paths, a
stretch of the main street: small enough to say where, large enough that several
respondents' places fall in the same square. Staff see 125 m cells (four make one public
cell), with the respondents' own words.

A cell counts respondents, not places: one person may mark up to three places, and three
marks in one square must not make it look like three people. Public cells need at least
five respondents (`stats.MIN_COUNT`); nothing public ever carries a point or a free text.
Public cells leave out answers marked `repeat_from_address` (not the first from the same
network address within the guard's window), so one person cannot fill a square alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils.html import json_script
from django.utils.translation import gettext as _

from tryggve.areas.places import describe_places
from tryggve.lib.geo import sweref_arrays, to_wgs84, wgs84_arrays
from tryggve.surveys import stats
from tryggve.surveys.models import DISPOSED_TEXT, Answer, QuestionKind, Survey, TimeOfDay

PUBLIC_CELL_M = 250
STAFF_CELL_M = 125
# Respondents per cell at which each shade starts (class 1..5); public cells begin at 5.
CLASS_BREAKS = (1, 2, 5, 10, 20)
# Light to dark purple (ColorBrewer Purples): unlike the risk map's reds, and every cell has
# a dark outline, so even the lightest stands out from the map.
CLASS_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
# Staff read at most this many descriptions per cell on the page (the rest are counted).
TEXTS_PER_CELL = 10
# The staff page's table lists this many squares, the most respondents first; the map has
# every square (at 100,000 answers a year there are some 10,000 squares of 125 m).
STAFF_TABLE_CELLS = 200
NO_TIME = ""


def density_class(respondents: int) -> int:
    return sum(respondents >= b for b in CLASS_BREAKS)


@dataclass
class TimeCount:
    label: str
    count: int
    suppressed: bool = False  # 1..4, or hidden beside one: shown as "dold"
    secondary: bool = False  # hidden so that a small neighbour cannot be derived: "dold"


@dataclass
class PlaceCell:
    """One square: its south-west corner in SWEREF 99 TM and what was marked in it."""

    x: float
    y: float
    size: int
    respondents: int
    places: int
    times: list[TimeCount]
    # Staff only: (place in words, why it feels unsafe, how many wrote just that) of
    # answers not flagged as possibly personal, the most frequent first.
    texts: list[tuple[str, str, int]] = field(default_factory=list)
    more_texts: int = 0
    withheld_texts: int = 0
    name: str = ""
    coordinates: str = ""  # of the centre, "65.58620° N, 19.17900° E"

    @property
    def density_class(self) -> int:
        return density_class(self.respondents)

    @property
    def centre(self) -> tuple[float, float]:
        """(lat, lon) of the cell's centre."""
        lon, lat = to_wgs84(self.x + self.size / 2, self.y + self.size / 2)
        return lat, lon

    def ring(self) -> list[list[float]]:
        """The square's corners in WGS84 (lon, lat), closed: a polygon, never a point."""
        steps = ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))
        corners = (to_wgs84(self.x + dx * self.size, self.y + dy * self.size) for dx, dy in steps)
        return [[round(lon, 6), round(lat, 6)] for lon, lat in corners]


@dataclass
class PlaceMap:
    years: list[int]
    size: int
    public: bool
    cells: list[PlaceCell]
    respondents: int  # respondents who marked at least one place on the map
    places: int  # places marked on the map
    words_only: int  # places described in words only (no position, not on the map)
    is_demo: bool
    hidden_cells: int = 0  # public: squares left out for having fewer than five respondents
    # The cells as GeoJSON, computed once with the cells.
    layer_cells: dict | None = None
    # The pages' stored copy (`for_page`): the map's data as its finished <script> element
    # and only the cells the table lists, so reading it back is quick however many
    # squares the map has; `cell_count` is then the number of squares on the map.
    layer_script: str = ""
    cell_count: int | None = None

    @property
    def table_cells(self) -> list[PlaceCell]:
        """The squares the page's table lists (staff: the densest STAFF_TABLE_CELLS)."""
        return self.cells if self.public else self.cells[:STAFF_TABLE_CELLS]

    @property
    def cells_not_in_table(self) -> int:
        total = len(self.cells) if self.cell_count is None else self.cell_count
        return total - len(self.table_cells)

    def script(self) -> str:
        """The map's data for the page's scripts, as `json_script` writes it (escaped)."""
        return self.layer_script or json_script(self.map_layer(), "map-layers")

    def for_page(self) -> PlaceMap:
        """This map as a results page keeps it: the script finished, the table's cells."""
        self.layer_script = self.script()
        self.cell_count = len(self.cells)
        self.cells = self.table_cells
        self.layer_cells = None
        return self

    @property
    def legend(self) -> list[dict]:
        return legend(public=self.public)

    @property
    def time_labels(self) -> list[str]:
        return time_labels()

    def map_layer(self) -> dict:
        """What a map script needs: the cells and the shades, light to dark."""
        if self.layer_cells is None:
            self.layer_cells = self.geojson()
        return {"cells": self.layer_cells, "colours": CLASS_COLOURS}

    def geojson(self) -> dict:
        """The cells as GeoJSON polygons. Public: the shade and the respondents only."""
        features = []
        rings = _rings(self.cells)
        for cell, ring in zip(self.cells, rings, strict=True):
            properties = {
                "class": cell.density_class,
                "respondents": cell.respondents,
                "label": cell_label(cell),
            }
            if not self.public:
                properties["places"] = cell.places
            features.append(
                {
                    "type": "Feature",
                    "properties": properties,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
        return {"type": "FeatureCollection", "features": features}


def _rings(cells: list[PlaceCell]) -> list[list[list[float]]]:
    """Every cell's `ring()` in one projection call (thousands of squares on staff's map)."""
    if not cells:
        return []
    steps = np.array([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)], dtype=float)
    x = np.array([[c.x + dx * c.size for dx, _dy in steps] for c in cells])
    y = np.array([[c.y + dy * c.size for _dx, dy in steps] for c in cells])
    lon, lat = wgs84_arrays(x.ravel(), y.ravel())
    lon = np.round(np.asarray(lon), 6).reshape(x.shape).tolist()
    lat = np.round(np.asarray(lat), 6).reshape(x.shape).tolist()
    return [
        [[a, b] for a, b in zip(lons, lats, strict=True)]
        for lons, lats in zip(lon, lat, strict=True)
    ]


def cell_label(cell: PlaceCell) -> str:
    """The square's tooltip: "Centrum, kring Torggatan: 12 svarande"."""
    return _("%(name)s: %(count)s svarande") % {"name": cell.name, "count": cell.respondents}


def _surveys(municipality_id: int, years: list[int] | None) -> list[Survey]:
    surveys = Survey.objects.filter(municipality_id=municipality_id)
    if years is None:
        # The two newest years: one year alone has few places; older ones describe a town
        # that has since changed (lighting put up, bushes cleared).
        years = sorted(set(surveys.values_list("year", flat=True)), reverse=True)[:2]
    return list(surveys.filter(year__in=years).order_by("year", "version"))


def _time_counts(by_time: dict[str, set[int]], public: bool) -> list[TimeCount]:
    labels = [*TimeOfDay.choices, (NO_TIME, _("Ingen tid angiven"))]
    counts = [len(by_time.get(value, ())) for value, _label in labels]
    # One respondent may give several times in one cell, so the counts need not add up to
    # the cell's respondents; hide the next smallest anyway, as for any shown distribution.
    hidden = stats.complementary(counts) if public else set()
    return [
        TimeCount(
            label=str(label),
            count=0 if i in hidden else count,
            suppressed=i in hidden,
            secondary=i in hidden and not stats.suppressed(count),
        )
        for i, ((_value, label), count) in enumerate(zip(labels, counts, strict=True))
    ]


def time_labels() -> list[str]:
    return [str(label) for _value, label in TimeOfDay.choices] + [_("Ingen tid angiven")]


def legend(*, public: bool) -> list[dict]:
    """The shades with what each means, for the HTML legend and the map's script."""
    items = []
    for cls, (low, colour) in enumerate(zip(CLASS_BREAKS, CLASS_COLOURS, strict=True), 1):
        if public and low < stats.MIN_COUNT:
            continue
        high = CLASS_BREAKS[cls] - 1 if cls < len(CLASS_BREAKS) else None
        if high is None:
            label = _("%(low)s svarande eller fler") % {"low": low}
        elif high == low:
            label = _("%(low)s svarande") % {"low": low}
        else:
            label = _("%(low)s–%(high)s svarande") % {"low": low, "high": high}
        items.append({"class": cls, "colour": colour, "label": label})
    return items


def place_map(
    *, municipality_id: int, years: list[int] | None = None, public: bool = False
) -> PlaceMap:
    """The map answers of the given years (every version; the two newest years when None)
    in cells, most respondents first. Public: 250 m cells with at least five respondents,
    no text. Staff: 125 m cells from one respondent, with the descriptions not flagged as
    possibly personal. Three queries, plus two to name the cells."""
    surveys = _surveys(municipality_id, years)
    size = PUBLIC_CELL_M if public else STAFF_CELL_M
    fields = ["response_id", "lat", "lon", "time_of_day"]
    if not public:
        fields += ["place_text", "text", "flagged"]
    answers = Answer.objects.filter(
        response__survey__in=surveys,
        response__municipality_id=municipality_id,
        question__kind=QuestionKind.MAP,
    )
    if public:
        # A repeated answer from one address counts once: one person clearing cookies
        # must not make a square of five appear.
        answers = answers.filter(response__repeat_from_address=False)
    rows = list(answers.order_by("pk").values_list(*fields))
    located = [r for r in rows if r[1] is not None]
    result = PlaceMap(
        years=sorted({s.year for s in surveys}),
        size=size,
        public=public,
        cells=[],
        respondents=len({r[0] for r in located}),
        places=len(located),
        words_only=len(rows) - len(located),
        is_demo=any(s.is_demo for s in surveys),
    )
    if not located:
        return result
    lat = np.array([r[1] for r in located], dtype=float)
    lon = np.array([r[2] for r in located], dtype=float)
    east, north = sweref_arrays(lon, lat)
    columns = np.floor(np.asarray(east) / size).astype(np.int64)
    lines = np.floor(np.asarray(north) / size).astype(np.int64)
    grouped: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for row, i, j in zip(located, columns.tolist(), lines.tolist(), strict=True):
        grouped[(i, j)].append(row)
    for (i, j), members in grouped.items():
        respondents = {r[0] for r in members}
        if public and len(respondents) < stats.MIN_COUNT:
            result.hidden_cells += 1
            continue
        by_time: dict[str, set[int]] = defaultdict(set)
        for r in members:
            by_time[r[3]].add(r[0])
        cell = PlaceCell(
            x=float(i * size),
            y=float(j * size),
            size=size,
            respondents=len(respondents),
            places=len(members),
            times=_time_counts(by_time, public),
        )
        if not public:
            _add_texts(cell, members)
        result.cells.append(cell)
    result.cells.sort(key=lambda c: (-c.respondents, -c.places, c.y, c.x))
    _name_cells(result.cells)
    return result


def _add_texts(cell: PlaceCell, members: list[tuple]) -> None:
    texts: Counter = Counter()
    for _rid, _lat, _lon, _time, place_text, text, flagged in members:
        if text == DISPOSED_TEXT:
            text = ""
        if flagged:
            cell.withheld_texts += bool(place_text or text)
        elif place_text or text:
            texts[(place_text, text)] += 1
    common = texts.most_common()
    cell.texts = [(place, why, n) for (place, why), n in common[:TEXTS_PER_CELL]]
    cell.more_texts = sum(n for _text, n in common[TEXTS_PER_CELL:])


def _name_cells(cells: list[PlaceCell]) -> None:
    """Name each cell by the residential area around its centre and the nearest street."""
    places = describe_places(cell.centre for cell in cells)
    for cell, place in zip(cells, places, strict=True):
        cell.coordinates = place.coordinates
        area = place.area or _("utanför bostadsområdena")
        if place.street:
            cell.name = _("%(area)s, kring %(street)s") % {"area": area, "street": place.street}
        else:
            cell.name = area

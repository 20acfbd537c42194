"""The public map's data: published reports in a bounding box as GeoJSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

# A str as a JSON string literal (quotes and escapes), in C: the map builds its text directly.
from json.encoder import encode_basestring as _quote

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tryggve.reports.models import PUBLIC_POSITION_DECIMALS, Category, Report, Status
from tryggve.reports.selectors import categories_here


class BadQuery(ValueError):
    """A query parameter that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class MapQuery:
    bbox: tuple[float, float, float, float] | None = None
    category: str | None = None
    status: str | None = None
    since: date | None = None
    # Only this municipality's reports (pk), and those without one when it is the default
    # (`ReportQuerySet.for_municipality`); None: all (a deployment serving one).
    municipality: int | None = None
    with_unassigned: bool = False


def _bbox(raw: str) -> tuple[float, float, float, float]:
    parts = raw.split(",")
    if len(parts) != 4:
        raise BadQuery(_("bbox ska vara fyra tal: minlon,minlat,maxlon,maxlat."))
    try:
        # float() also reads "1_0" as 10; a coordinate is written without underscores.
        if any("_" in p for p in parts):
            raise ValueError
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise BadQuery(_("bbox ska vara fyra tal: minlon,minlat,maxlon,maxlat.")) from None
    if not all(math.isfinite(v) for v in values):
        raise BadQuery(_("bbox får bara innehålla ändliga tal."))
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise BadQuery(_("Longitud i bbox ska ligga mellan -180 och 180."))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BadQuery(_("Latitud i bbox ska ligga mellan -90 och 90."))
    if min_lon > max_lon or min_lat > max_lat:
        raise BadQuery(
            _("bbox: minsta värdet ska komma före största (minlon,minlat,maxlon,maxlat).")
        )
    return values


def parse_query(params) -> MapQuery:
    """Validate the query string; raises BadQuery with a message for the 400 answer."""
    bbox = _bbox(params["bbox"]) if params.get("bbox") else None
    category = params.get("category") or None
    # A NUL byte cannot be sent to PostgreSQL at all, and no slug contains one.
    if category is not None and (
        "\x00" in category or not categories_here().filter(slug=category).exists()
    ):
        raise BadQuery(_("Okänd kategori: %(value)s") % {"value": category[:50]})
    status = params.get("status") or None
    if status is not None and status not in Status.values:
        raise BadQuery(_("Okänd status: %(value)s") % {"value": status[:50]})
    since = None
    if params.get("since"):
        try:
            since = parse_date(params["since"])
        except ValueError:
            since = None
        if since is None:
            raise BadQuery(_("since ska vara ett datum som 2026-01-31."))
        # Midnight of 0001-01-01 in Stockholm is before year 1 in UTC and cannot be stored;
        # no report is that old, so an early date simply means "all".
        since = max(since, date(1900, 1, 1))
    return MapQuery(bbox=bbox, category=category, status=status, since=since)


# How many of the newest published reports the first step looks through (see _report_ids).
RECENT_WINDOW = 20_000


def _filters(query: MapQuery, category_id: int | None, ops) -> tuple[list[str], list]:
    """SQL conditions for the optional filters, shared by both steps of _report_ids."""
    where, params = [], []
    if query.municipality is not None:
        where.append(
            "(municipality_id = %s OR municipality_id IS NULL)"
            if query.with_unassigned
            else "municipality_id = %s"
        )
        params.append(query.municipality)
    if category_id is not None:
        where.append("category_id = %s")
        params.append(category_id)
    if query.status:
        where.append("status = %s")
        params.append(query.status)
    if query.since:
        start = timezone.make_aware(datetime.combine(query.since, time.min))
        where.append("created >= %s")
        params.append(ops.adapt_datetimefield_value(start))
    return where, params


def _report_ids(query: MapQuery, category_id: int | None, limit: int) -> list[int]:
    """Ids of the newest published reports with a position matching the query, at most limit.

    The map shows the newest reports first. With a million reports a single plain query
    cannot be fast for every bbox, because the best plan depends on how many reports the
    bbox holds, and the database cannot estimate that for two correlated columns (a bbox can
    lie in the town's longitude band and a village's latitude band yet hold almost nothing;
    PostgreSQL then walked all million reports by date, 250 ms). So, with bounded work:

    1. Walk the newest RECENT_WINDOW published reports (partial index on created) and keep
       those in the bbox. A busy bbox (the whole municipality, the town) fills the limit
       after a few hundred rows and the walk stops there.
    2. If that found at least a quarter of the limit, the bbox is busy but filtered (one
       category in a street view): walk a window four times longer, again stopping as
       soon as the limit is reached. (Step 3 would read every report in such a bbox
       before filtering.)
    3. Otherwise the bbox is quiet: take all its reports through the spatial index (GiST
       on point(lon, lat) on PostgreSQL, the (lon, lat) B-tree on SQLite) and sort them.

    Each step answers exactly "the newest matching reports", so the result does not depend
    on which one ran. Plain SQL because the ORM cannot select from a LIMITed subquery,
    which steps 1 and 2 need so that the database stops early.
    """
    table = connection.ops.quote_name(Report._meta.db_table)
    postgres = connection.vendor == "postgresql"
    where, params = _filters(query, category_id, connection.ops)
    spatial, spatial_params = [], []
    if query.bbox:
        min_lon, min_lat, max_lon, max_lat = query.bbox
        where = ["lon >= %s", "lon <= %s", "lat >= %s", "lat <= %s", *where]
        params = [min_lon, max_lon, min_lat, max_lat, *params]
        if postgres:
            # The GiST operator; inclusive at the edges like the comparisons, which stay
            # alongside it (redundant, but cheap).
            spatial = ["point(lon, lat) <@ box(point(%s, %s), point(%s, %s))"]
            spatial_params = [min_lon, min_lat, max_lon, max_lat]
    # Only fixed identifiers and fragments are formatted into the SQL; values are parameters.
    recent_sql = (
        "SELECT id FROM (SELECT id, category_id, status, created, lon, lat, "  # noqa: S608
        f"municipality_id FROM {table} "
        "WHERE published AND lat IS NOT NULL ORDER BY created DESC LIMIT %s) recent "
        f"WHERE {' AND '.join(['1 = 1', *where])} ORDER BY created DESC LIMIT %s"
    )
    # Is there any published report older than the window? If not, the window held them
    # all and its answer is final (a small database stays at a fixed number of queries).
    beyond_sql = (
        f"SELECT 1 FROM {table} WHERE published AND lat IS NOT NULL "  # noqa: S608
        "ORDER BY created DESC LIMIT 1 OFFSET %s"
    )
    # On SQLite "+created" keeps the planner on the (lon, lat) index instead of walking
    # the created index through reports outside the bbox.
    order = "+created" if query.bbox and not postgres else "created"
    quiet_sql = (
        f"SELECT id FROM {table} "  # noqa: S608
        f"WHERE {' AND '.join(['published', 'lat IS NOT NULL', *spatial, *where])} "
        f"ORDER BY {order} DESC LIMIT %s"
    )
    with connection.cursor() as cursor:

        def recent(window: int) -> list[int]:
            cursor.execute(recent_sql, [window, *params, limit])
            return [row[0] for row in cursor.fetchall()]

        ids = recent(RECENT_WINDOW)
        if len(ids) < limit:
            cursor.execute(beyond_sql, [RECENT_WINDOW])
            if cursor.fetchone() is not None:
                if 4 * len(ids) >= limit:
                    ids = recent(4 * RECENT_WINDOW)
                if len(ids) < limit:
                    cursor.execute(quiet_sql, [*spatial_params, *params, limit])
                    ids = [row[0] for row in cursor.fetchall()]
    return ids


# The map grid on PostgreSQL (migration 0013_map_grid_indexes): cells of 1/K degree of
# longitude by 1/(2K) of latitude (about square at 65° N), one partial index per K. Powers
# of two, so that lon * K is exact and Python and PostgreSQL agree on every cell.
GRID_LEVELS = (128, 32, 8, 2)  # finest first
# At most this many cells per query (one index scan each); a bbox needing more at the
# coarsest level (no bbox, or a continent) takes the bounded steps of _report_ids.
GRID_MAX_CELLS = 8


def _grid_cells(bbox) -> tuple[int, list[tuple[int, int]]] | None:
    """The finest level whose cells cover bbox in at most GRID_MAX_CELLS cells, and those."""
    min_lon, min_lat, max_lon, max_lat = bbox
    for k in GRID_LEVELS:
        xs = range(math.floor(min_lon * k), math.floor(max_lon * k) + 1)
        ys = range(math.floor(min_lat * 2 * k), math.floor(max_lat * 2 * k) + 1)
        if len(xs) * len(ys) <= GRID_MAX_CELLS:
            return k, [(x, y) for x in xs for y in ys]
    return None


def _grid_rows(query: MapQuery, category_id: int | None, limit: int) -> list[tuple] | None:
    """PostgreSQL: the rows of the newest published reports in the bbox, at most limit, in
    one statement; None when the bbox needs too many cells (the caller uses _report_ids).

    Each cell is one index scan of its level's partial index (cell, created DESC), which
    carries position, category, status and municipality, so reports are filtered in the
    index without visiting the table. The cells are a UNION ALL in a subquery, which
    PostgreSQL merges in date order (Merge Append) and stops after limit matches: the work
    is about limit divided by the share of the cells' reports that lie in the bbox and
    match, however many reports the bbox holds (90,000 in a street view at 1 M reports,
    900,000 at 10 M; the bounded steps read all of those when few are recent).
    """
    cells = _grid_cells(query.bbox)
    if cells is None:
        return None
    k, pairs = cells
    table = connection.ops.quote_name(Report._meta.db_table)
    where, params = _filters(query, category_id, connection.ops)
    min_lon, min_lat, max_lon, max_lat = query.bbox
    # Exactly the index expressions (see the migration), or the index is not used.
    cell_sql = (
        f"SELECT id, created FROM {table} "  # noqa: S608
        f"WHERE published AND lat IS NOT NULL AND floor(lon * {int(k)}) = %s "
        f"AND floor(lat * {2 * int(k)}) = %s AND lon >= %s AND lon <= %s AND lat >= %s "
        f"AND lat <= %s{''.join(' AND ' + w for w in where)} ORDER BY created DESC LIMIT %s"
    )
    # Each cell in parentheses with its own ORDER BY and LIMIT: without them PostgreSQL
    # estimated a few dozen rows per cell and sorted everything the cells held (4 million
    # rows, 3.4 s, for a town view at 10 M reports) instead of walking each index in order.
    union = " UNION ALL ".join([f"({cell_sql})"] * len(pairs))
    union_params = []
    for x, y in pairs:
        union_params += [x, y, min_lon, max_lon, min_lat, max_lat, *params, limit]
    # The time as the map's text (_created_text), formatted by the database: Django's loader
    # for timestamptz parses text in Python and took longer than the rest of the answer.
    sql = (
        "SELECT r.reference, r.category_id, r.status, "  # noqa: S608
        "to_char(r.created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), r.lon, r.lat "
        f"FROM (SELECT id, created FROM ({union}) cells ORDER BY created DESC "
        f"LIMIT %s) newest JOIN {table} r ON r.id = newest.id ORDER BY newest.created DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*union_params, limit])
        return cursor.fetchall()


def _status_on_map(status: str) -> bool:
    """PostgreSQL: does any published report with a position have this status? One probe of
    the partial status index (migration 0011). Without it a status no published report has
    ("received": staff publish after handling) makes the map read every report in the bbox
    to find none."""
    table = connection.ops.quote_name(Report._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE published AND lat IS NOT NULL "  # noqa: S608
            "AND status = %s LIMIT 1",
            [status],
        )
        return cursor.fetchone() is not None


def _created_text(created: datetime) -> str:
    """A report's time on the map, to the second in UTC (as the grid statement's to_char)."""
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def map_answer(query: MapQuery) -> str:
    """The map's GeoJSON text: published reports with a position, newest first, at most
    GEOJSON_MAX_FEATURES, and `truncated` when there are more.

    Each feature carries only what differs between features (reference, position, category
    slug, status, time); the names of categories and statuses in the visitor's language and
    the public page's address (`{id}` for the reference) are given once, in `names` and
    `url`. The text is built directly rather than from 500 dicts through `json.dumps`: at
    ten million reports with four clients the answer's CPU, not the database, set the
    latency (docs/benchmarks.md, "The map at national scale").

    On PostgreSQL a bbox of at most GRID_MAX_CELLS grid cells (every view from a town to a
    street) is answered by _grid_rows in one statement; larger bboxes, no bbox and SQLite
    take the bounded steps of _report_ids. Both give the same answer."""
    limit = settings.GEOJSON_MAX_FEATURES
    categories = {c.pk: c for c in categories_here()}
    category_id = next((pk for pk, c in categories.items() if c.slug == query.category), None)
    rows = []
    truncated = False
    found = None
    if query.category and category_id is None:
        found = []
    elif connection.vendor == "postgresql":
        if query.status and not _status_on_map(query.status):
            found = []
        elif query.bbox:
            found = _grid_rows(query, category_id, limit + 1)
    # One more than the limit tells whether the answer is truncated.
    if found is not None:
        truncated, rows = len(found) > limit, found[:limit]
    else:
        ids = _report_ids(query, category_id, limit + 1)
        truncated = len(ids) > limit
        rows = [
            (reference, category, status, _created_text(created), lon, lat)
            for reference, category, status, created, lon, lat in Report.objects.filter(
                pk__in=ids[:limit]
            )
            .order_by("-created")
            .values_list("reference", "category_id", "status", "created", "lon", "lat")
        ]
    slugs = {pk: c.slug for pk, c in categories.items()}
    category_names = {c.slug: c.name for c in categories.values()}
    # A report keeps the category it was filed under (a routed one, older data), which may
    # be another municipality's: it is still drawn with its name (one more query, rarely).
    others = {row[1] for row in rows} - slugs.keys()
    if others:
        for c in Category.objects.filter(pk__in=others):
            slugs[c.pk] = c.slug
            category_names.setdefault(c.slug, c.name)
    # Reversed once: the reference is a slug, so only its place in the path changes.
    url = reverse("reports:public_report", args=["REFERENCE"]).removesuffix("REFERENCE/")
    head = json.dumps(
        {
            "type": "FeatureCollection",
            "truncated": truncated,
            "names": {
                "category": {slug: str(name) for slug, name in category_names.items()},
                "status": {value: str(label) for value, label in Status.choices},
            },
            "url": url + "{id}/",
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    quoted = {pk: _quote(slug) for pk, slug in slugs.items()}
    features = ",".join(
        f'{{"type":"Feature","id":{_quote(reference)},"geometry":{{"type":"Point",'
        f'"coordinates":[{round(lon, PUBLIC_POSITION_DECIMALS)!r},'
        f'{round(lat, PUBLIC_POSITION_DECIMALS)!r}]}},"properties":{{"category":'
        f'{quoted[category]},"status":{_quote(status)},"created":"{created}"}}}}'
        for reference, category, status, created, lon, lat in rows
    )
    return f'{head[:-1]},"features":[{features}]}}'

"""The public map's data: published reports in a bounding box as GeoJSON."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tryggve.reports.models import PUBLIC_POSITION_DECIMALS, Report, Status
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


def feature_collection(query: MapQuery) -> dict:
    """Published reports with a position, newest first, at most GEOJSON_MAX_FEATURES."""
    limit = settings.GEOJSON_MAX_FEATURES
    categories = {c.pk: c for c in categories_here()}
    category_id = next((pk for pk, c in categories.items() if c.slug == query.category), None)
    if query.category and category_id is None:
        return {"type": "FeatureCollection", "features": [], "truncated": False}
    # One more than the limit tells whether the answer is truncated.
    ids = _report_ids(query, category_id, limit + 1)
    rows = (
        Report.objects.filter(pk__in=ids[:limit])
        .order_by("-created")
        .values_list("reference", "category_id", "status", "created", "public_text", "lon", "lat")
    )
    # Translate names once per answer, not once per feature (that was most of the time).
    names = {pk: (c.slug, c.name) for pk, c in categories.items()}
    labels = {value: str(label) for value, label in Status.choices}
    # Reversed once: the reference is a slug, so only its place in the path changes.
    url_prefix = reverse("reports:public_report", args=["REFERENCE"]).removesuffix("REFERENCE/")
    features = []
    for reference, category_id, status, created, text, lon, lat in rows:
        slug, name = names[category_id]
        features.append(
            {
                "type": "Feature",
                "id": reference,
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(lon, PUBLIC_POSITION_DECIMALS),
                        round(lat, PUBLIC_POSITION_DECIMALS),
                    ],
                },
                "properties": {
                    "id": reference,
                    "category": slug,
                    "category_name": name,
                    "status": status,
                    "status_name": labels[status],
                    "created": created.isoformat(),
                    "text": text,
                    "url": f"{url_prefix}{reference}/",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "truncated": len(ids) > limit}

"""The public map's data: published reports in a bounding box as GeoJSON."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tryggve.reports.models import Category, Report, Status


class BadQuery(ValueError):
    """A query parameter that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class MapQuery:
    bbox: tuple[float, float, float, float] | None = None
    category: str | None = None
    status: str | None = None
    since: date | None = None


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
    if category is not None and not Category.objects.filter(slug=category).exists():
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
    return MapQuery(bbox=bbox, category=category, status=status, since=since)


def feature_collection(query: MapQuery) -> dict:
    limit = settings.GEOJSON_MAX_FEATURES
    reports = Report.objects.published().filter(lat__isnull=False)
    if query.bbox:
        reports = reports.in_bbox(*query.bbox)
    if query.category:
        reports = reports.filter(category__slug=query.category)
    if query.status:
        reports = reports.filter(status=query.status)
    if query.since:
        start = timezone.make_aware(datetime.combine(query.since, time.min))
        reports = reports.filter(created__gte=start)
    rows = list(
        reports.order_by("-created").values_list(
            "reference", "category_id", "status", "created", "public_text", "lon", "lat"
        )[: limit + 1]
    )
    categories = {c.pk: c for c in Category.objects.all()}
    labels = dict(Status.choices)
    features = [
        {
            "type": "Feature",
            "id": reference,
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {
                "id": reference,
                "category": categories[category_id].slug,
                "category_name": categories[category_id].name,
                "status": status,
                "status_name": str(labels[status]),
                "created": created.isoformat(),
                "text": text,
                "url": f"/karta/{reference}/",
            },
        }
        for reference, category_id, status, created, text, lon, lat in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > limit}

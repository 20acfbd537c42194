"""Reading the query string of `requests`: every bad value is a 400 naming the parameter."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tryggve.open311.errors import Open311Error
from tryggve.open311.selectors import RequestQuery

MAX_DAYS = 90
MAX_RESULTS = 1000
MAX_IDS = 200
MAX_PAGE = 10_000
DEFAULT_RADIUS_M = 500
MAX_RADIUS_M = 50_000


def _bad(name: str) -> Open311Error:
    return Open311Error(400, _("Ogiltigt värde för %(name)s.") % {"name": name})


def _list(params, name: str, max_items: int = 50) -> list[str] | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if not items or len(items) > max_items or any(len(i) > 50 or "\x00" in i for i in items):
        raise _bad(name)
    return items


def _datetime(params, name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        value = None
    if value is None or not 1900 <= value.year <= 2200:
        raise Open311Error(
            400,
            _("%(name)s ska vara en tid i W3C-format, till exempel 2026-05-04T21:30:00+02:00.")
            % {"name": name},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _number(params, name: str, low: float, high: float) -> float | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _bad(name) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise _bad(name)
    return value


def _integer(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or not low <= int(raw) <= high:
        raise _bad(name)
    return int(raw)


def flag(params, name: str) -> bool:
    return (params.get(name) or "").strip().lower() in ("true", "1")


def request_query(params) -> RequestQuery:
    """The filters of GET requests, with the spec's defaults (the last 90 days)."""
    ids = _list(params, "service_request_id", MAX_IDS)
    statuses = _list(params, "status")
    if statuses is not None and not set(statuses) <= {"open", "closed"}:
        raise Open311Error(400, _("status kan vara open eller closed."))
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
        start = end - timedelta(days=MAX_DAYS)
    elif start is None:
        start = end - timedelta(days=MAX_DAYS)
    elif end is None:
        end = start + timedelta(days=MAX_DAYS)
    if end < start:
        raise Open311Error(400, _("end_date ligger före start_date."))
    if end - start > timedelta(days=MAX_DAYS):
        raise Open311Error(400, _("Tiden får vara högst 90 dagar."))
    lat = _number(params, "lat", -90, 90)
    lon = _number(params, "long", -180, 180)
    radius = _number(params, "radius", 1, MAX_RADIUS_M)
    if (lat is None) != (lon is None):
        raise Open311Error(400, _("Ange både lat och long."))
    near = (lat, lon, radius or DEFAULT_RADIUS_M) if lat is not None else None
    return RequestQuery(
        ids=ids,
        service_codes=_list(params, "service_code"),
        statuses=statuses,
        start=start,
        end=end,
        updated_after=_datetime(params, "updated_after"),
        updated_before=_datetime(params, "updated_before"),
        near=near,
        page=_integer(params, "page", 1, 1, MAX_PAGE),
        page_size=_integer(params, "page_size", MAX_RESULTS, 1, MAX_RESULTS),
    )

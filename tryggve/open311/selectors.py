"""What the API reads: the municipality named by jurisdiction_id, and the reports it may show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from tryggve.areas.models import Municipality
from tryggve.areas.selectors import home_municipality, in_municipality
from tryggve.areas.serving import served_codes, serves_several
from tryggve.open311.models import ApiKey
from tryggve.reports.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Report,
    ReportEvent,
    ReportPhoto,
)


def served_municipalities() -> list[Municipality]:
    """The municipalities a jurisdiction_id may name: those this deployment serves
    (`tryggve.areas.serving`), only the default one while routing is off. A neighbour's
    row kept beside them is no jurisdiction (nor makes jurisdiction_id required)."""
    codes = served_codes() or [settings.MUNICIPALITY_CODE]
    return list(
        Municipality.objects.filter(code__in=codes)
        .only("id", "code", "name", "domain")
        .order_by("code")
    )


def municipality_named(name: str) -> Municipality | None:
    """The municipality whose code (2505) or domain (arvidsjaur.se) this is."""
    name = name.strip().lower()
    for municipality in served_municipalities():
        if name in (municipality.code, municipality.domain.lower()):
            return municipality
    return None


@dataclass(frozen=True)
class RequestQuery:
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    statuses: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    near: tuple[float, float, float] | None = None  # lat, lon, radius in metres
    page: int = 1
    page_size: int = 1000


def visible_reports(
    *, api_key: ApiKey | None, municipality: Municipality | None, only_one: bool, extensions: bool
) -> QuerySet[Report]:
    """Published reports, and those the asking key filed itself (so a client can follow
    what it sent before staff publish it); with the relations the answer reads."""
    visible = Q(published=True)
    if api_key is not None:
        visible |= Q(open311_submission__api_key=api_key)
    base = Report.objects.all()
    if serves_several():
        # Several municipalities served by this deployment (tryggve.areas.serving): the one
        # named by jurisdiction_id, else the one whose host or path the client called.
        base = Report.objects.for_municipality(municipality or home_municipality())
    reports = base.filter(visible).select_related("category", "unit", "area")
    if municipality is not None and not only_one:
        # Reports outside every residential area belong to the deployment's own municipality
        # only (`in_municipality`), not to whichever jurisdiction_id a client names.
        reports = reports.filter(in_municipality(code=municipality.code, via="area"))
    reports = reports.prefetch_related(
        Prefetch(
            "photos", queryset=ReportPhoto.objects.filter(approved=True), to_attr="public_photos"
        )
    )
    if extensions:
        reports = reports.prefetch_related(
            Prefetch("events", queryset=ReportEvent.objects.for_public(), to_attr="public_events")
        )
    return reports


def filter_reports(reports: QuerySet[Report], query: RequestQuery) -> list[Report]:
    """Apply the list's filters; `ids` overrides all others, as the spec says."""
    if query.ids is not None:
        return list(reports.filter(reference__in=query.ids))
    if query.service_codes is not None:
        reports = reports.filter(category__slug__in=query.service_codes)
    if query.statuses is not None:
        wanted = set(query.statuses)
        if wanted == {"open"}:
            reports = reports.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            reports = reports.filter(status__in=CLOSED_STATUSES)
    if query.start is not None:
        reports = reports.filter(created__gte=query.start)
    if query.end is not None:
        reports = reports.filter(created__lte=query.end)
    if query.updated_after is not None:
        reports = reports.filter(updated__gte=query.updated_after)
    if query.updated_before is not None:
        reports = reports.filter(updated__lte=query.updated_before)
    offset = (query.page - 1) * query.page_size
    if query.near is not None:
        lat, lon, radius = query.near
        return reports.near(lat, lon, radius)[offset : offset + query.page_size]
    return list(reports.order_by("-created", "-id")[offset : offset + query.page_size])

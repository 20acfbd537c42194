"""What the API reads: the municipality named by jurisdiction_id, and the reports it may show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from tryggve.areas.models import Municipality
from tryggve.areas.serving import served_codes, serves_several
from tryggve.lib import tenancy
from tryggve.open311.models import ApiKey
from tryggve.reports.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Report,
    ReportEvent,
    ReportPhoto,
)
from tryggve.reports.selectors import reports_here


def jurisdictions() -> list[Municipality]:
    """The municipalities a client may name with jurisdiction_id at the address it called.

    On a municipality's own site (its host name or path prefix, tryggve.areas.serving) only
    that one; on the deployment's main address every municipality it serves; the default
    one while it serves one. A municipality row it does not serve (a neighbour's boundary
    kept for reference) is never one, nor another municipality's site's."""
    serving_now = tenancy.current()
    if not serves_several():
        codes = [settings.MUNICIPALITY_CODE]
    elif serving_now is not None and (serving_now.host or serving_now.prefix):
        codes = [serving_now.code]
    else:
        codes = served_codes()
    return list(
        Municipality.objects.filter(code__in=codes)
        .only("id", "code", "name", "domain")
        .order_by("code")
    )


def municipality_named(name: str) -> Municipality | None:
    """The municipality, among `jurisdictions()`, whose code (2505) or domain
    (arvidsjaur.se) this is."""
    name = name.strip().lower()
    for municipality in jurisdictions():
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


def reports_of_site(*, municipality: Municipality | None) -> QuerySet[Report]:
    """Every report, published or not, that the address called answers for: while the
    deployment serves several municipalities (tryggve.areas.serving) the one named by
    jurisdiction_id, else the one whose host or path the client called. A report routed
    to another served municipality (its position lies there) is that site's, not the one
    it was filed at. requests/{id}, the list and tokens/{token} all read through this."""
    # By the report's own municipality, which its position decided: also a report outside
    # every residential area is found at its municipality's address, with or without
    # jurisdiction_id (rows from before reports had one are the default municipality's).
    if municipality is None or not serves_several():
        return reports_here()
    return Report.objects.for_municipality(municipality)


def visible_reports(
    *, api_key: ApiKey | None, municipality: Municipality | None, extensions: bool
) -> QuerySet[Report]:
    """Published reports of the site (`reports_of_site`), and those the asking key filed
    itself (so a client can follow what it sent before staff publish it); with the
    relations the answer reads."""
    visible = Q(published=True)
    if api_key is not None:
        visible |= Q(open311_submission__api_key=api_key)
    reports = (
        reports_of_site(municipality=municipality)
        .filter(visible)
        .select_related("category", "unit", "area")
    )
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

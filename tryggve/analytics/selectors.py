"""Read-only questions about the situation picture that other apps ask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tryggve.analytics.models import (
    FeedFetch,
    Incident,
    IncidentImport,
    NearRepeatAlert,
    PolicePresence,
)
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import areas_here, home_municipality_code, rows_here
from tryggve.areas.serving import served_codes_or_default, serves_several

# A near-repeat alert is worth sending while the raised risk lasts (a few weeks at most).
ALERT_FRESH_DAYS = 14


def incidents_here():
    """The incidents of the municipality served now, by the source's municipality code
    (an incident has one with or without a residential area). Scoped also while one
    municipality is served (a neighbour's incidents may be kept beside it); then those
    without a code are the default municipality's, as before (`Incident.objects.for_code`)."""
    if not serves_several():
        return Incident.objects.counted().for_code(home_municipality_code())
    return Incident.objects.counted().in_municipality(home_municipality_code())


def synthetic_here() -> bool:
    """Whether the municipality served has made-up demo incidents: every page of the
    situation picture then says so."""
    return incidents_here().filter(synthetic=True).exists()


def public_area_counts(
    *, groups: list[str], since: datetime, minimum: int
) -> list[tuple[ResidentialArea, list[int | None]]]:
    """Each residential area of the municipality served with its count of incidents of
    each of `groups` since `since`, for the public summary: a count under `minimum` is None
    (shown as "fewer than"), since a thin figure could point out a household."""
    areas = areas_here()
    counts = Counter(
        Incident.objects.counted()
        .filter(occurred_at__gte=since, offence_group__in=groups, area__in=areas)
        .values_list("area_id", "offence_group")
    )
    return [
        (area, [n if (n := counts[(area.pk, g)]) >= minimum else None for g in groups])
        for area in areas
    ]


def public_unplaced_counts(*, groups: list[str], since: datetime, minimum: int) -> list[int | None]:
    """The incidents of each of `groups` since `since` in the municipality served that no
    residential area holds (the police feed's, which name the municipality alone, and those
    outside every area), for the public summary beside its areas: a count under `minimum`
    is None, as there. The same incidents as the ranking's "outside any area"."""
    counts = Counter(
        Incident.objects.counted()
        .in_municipality(home_municipality_code())
        .filter(occurred_at__gte=since, offence_group__in=groups, area__isnull=True)
        .values_list("offence_group", flat=True)
    )
    return [n if (n := counts[g]) >= minimum else None for g in groups]


def presence_here():
    """The police presence logged for the municipality served now."""
    return rows_here(PolicePresence.objects.all())


def presence_of(codes: tuple[str, ...]):
    """The police presence logged for the municipalities `codes` (a page's
    `analytics.scope.Scope.codes`)."""
    return PolicePresence.objects.for_codes(codes)


def alerts_here():
    """The near-repeat alerts for residential areas of the municipality served now, also
    while it is the only one served (a neighbour's areas may be kept beside it)."""
    return NearRepeatAlert.objects.for_code(home_municipality_code())


def imports_here():
    """The file imports of the municipality served now (uploads and files imported on the
    server): its staff's history, and the only imports they may open or undo."""
    return IncidentImport.objects.filter(municipality__code=home_municipality_code())


def imports_running(*, municipality_id: int, exclude: int | None = None):
    """The municipality's uploads that are queued or at work (but `exclude`): not one that
    has stood still for RUN_PATIENCE, which will write nothing (`in_the_way`)."""
    return (
        IncidentImport.objects.in_the_way(timezone.now())
        .filter(municipality_id=municipality_id)
        .exclude(pk=exclude)
    )


def last_successful_fetch() -> FeedFetch | None:
    """The police feed's latest successful fetch (for `/readyz` and the staff pages)."""
    return FeedFetch.objects.filter(outcome=FeedFetch.Outcome.OK).order_by("-started").first()


def police_feed_health() -> dict:
    """`/readyz`'s line on the police feed: when it was last fetched successfully and how
    long ago (None for never; a deployment need not fetch the feed at all)."""
    fetch = last_successful_fetch()
    if fetch is None:
        return {"last_success": None, "age_seconds": None}
    age = max(0, int((timezone.now() - fetch.started).total_seconds()))
    return {"last_success": fetch.started.isoformat(), "age_seconds": age}


@dataclass(frozen=True)
class FetchHere:
    """A call of the police feed as one municipality's staff see it: their own counts only,
    for the call is shared by every municipality served. None is a count not known (a call
    logged before the counts were kept per municipality, or before it was served)."""

    fetch: FeedFetch
    imported: int | None
    duplicates: int | None
    # Events the police place only in the municipality's county, imported.
    county: int | None
    # What happened, in words for these staff (`FeedFetch.explanation`).
    explanation: str | None


def county_events_concern(code: str) -> bool:
    """Whether a call's events placed in "the county", counted before they were kept per
    county (`FeedFetch.counts` key ""), concern the municipality `code`: when every
    municipality served lies in its county, else that count may be another county's."""
    counties = {c[:2] for c in served_codes_or_default()}
    return counties == {code[:2]}


def fetches_for(fetches: Iterable[FeedFetch], code: str) -> list[FetchHere]:
    """`fetches` with the counts of the municipality `code` (`FeedFetch.counts`): never
    the deployment's totals, which mix in the other municipalities served, nor another
    county's events."""
    old_county_concerns = None  # asked once, and only if an older call needs it
    rows = []
    for fetch in fetches:
        explanation = fetch.explanation(code)
        if fetch.outcome != FeedFetch.Outcome.OK:
            rows.append(FetchHere(fetch, 0, 0, 0, explanation))  # nothing imported, for anyone
            continue
        if (own := fetch.share(code)) is None:
            rows.append(FetchHere(fetch, None, None, None, explanation))
            continue
        if (county := fetch.county_share(code)) is None:  # a call from before county shares
            if old_county_concerns is None:
                old_county_concerns = county_events_concern(code)
            county = fetch.counts.get("", {}) if old_county_concerns else None
        imported = None if county is None else county.get("imported", 0)
        rows.append(FetchHere(fetch, own["imported"], own["duplicates"], imported, explanation))
    return rows

"""Read-only questions about the situation picture that other apps ask."""

from __future__ import annotations

from django.utils import timezone

from tryggve.analytics.models import FeedFetch, Incident, NearRepeatAlert, PolicePresence
from tryggve.areas.selectors import home_municipality_code, rows_here
from tryggve.areas.serving import serves_several

# A near-repeat alert is worth sending while the raised risk lasts (a few weeks at most).
ALERT_FRESH_DAYS = 14


def incidents_here():
    """The incidents of the municipality served now, by the source's municipality code
    (an incident has one with or without a residential area). Scoped also while one
    municipality is served (a neighbour's incidents may be kept beside it); then those
    without a code are the default municipality's, as before (`Incident.objects.for_code`)."""
    if not serves_several():
        return Incident.objects.for_code(home_municipality_code())
    return Incident.objects.in_municipality(home_municipality_code())


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

"""Read-only questions about neighbourhood watch that other parts of the service ask."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from tryggve.analytics.models import NearRepeatAlert
from tryggve.analytics.selectors import ALERT_FRESH_DAYS, alerts_here
from tryggve.areas.selectors import rows_here
from tryggve.watch.models import Household, WatchArea, WatchMessage, WatchState


def watch_areas_here():
    """The watch areas of the municipality served now; every page starts from these."""
    return rows_here(WatchArea.objects.all())


def households_here():
    """Households signed up in a watch area of the municipality served now (a link's token
    opens its household only on that municipality's pages)."""
    return Household.objects.filter(area__in=watch_areas_here())


def messages_here():
    """Messages sent to contact persons in the municipality served now."""
    here = watch_areas_here()
    return WatchMessage.objects.filter(
        Q(area__in=here) | Q(deliveries__area__in=here)
    ).distinct()


def ready_area_count() -> int:
    """Areas that reached the threshold and wait for their start-up meeting and start."""
    return watch_areas_here().filter(state=WatchState.READY).count()


def alerts_to_send_count(*, days: int = ALERT_FRESH_DAYS) -> int:
    """Fresh near-repeat alerts that can still be sent: their residential area has an active
    group with contact persons, and no message has gone out for them yet."""
    reachable = (
        watch_areas_here().active().with_progress().filter(n_contacts__gt=0)
        .values("residential_area")
    )
    return (
        alerts_here().filter(
            created__gte=timezone.now() - timedelta(days=days), area__in=reachable
        )
        .exclude(pk__in=WatchMessage.objects.filter(alert__isnull=False).values("alert"))
        .count()
    )


@dataclass(frozen=True)
class AlertGroups:
    """What watch knows of one near-repeat alert: its active groups and when it was sent."""

    areas: list[WatchArea]
    contacts: int
    sent: datetime | None


def alert_groups(alerts: list[NearRepeatAlert]) -> dict[int, AlertGroups]:
    """For each alert, the active watch areas in its residential area with their number of
    contact persons, and when a message last went out for it. Two queries for any list."""
    touched = {alert.area_id for alert in alerts}
    active: dict[int, list[WatchArea]] = defaultdict(list)
    for area in (
        WatchArea.objects.active()
        .filter(residential_area__in=touched)
        .with_progress()
        .order_by("name")
    ):
        active[area.residential_area_id].append(area)
    sent = dict(
        WatchMessage.objects.filter(alert__in=[alert.pk for alert in alerts])
        .values_list("alert")
        .annotate(last=Max("created"))
    )
    return {
        alert.pk: AlertGroups(
            areas=active[alert.area_id],
            contacts=sum(area.n_contacts for area in active[alert.area_id]),
            sent=sent.get(alert.pk),
        )
        for alert in alerts
    }

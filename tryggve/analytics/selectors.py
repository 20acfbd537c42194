"""Read-only questions about the situation picture that other apps ask."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tryggve.analytics.models import NearRepeatAlert

# A near-repeat alert is worth sending while the raised risk lasts (a few weeks at most).
ALERT_FRESH_DAYS = 14


def fresh_alert_count(*, days: int = ALERT_FRESH_DAYS) -> int:
    """Near-repeat alerts prepared in the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    return NearRepeatAlert.objects.filter(created__gte=since).count()

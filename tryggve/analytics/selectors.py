"""Read-only questions about the situation picture that other apps ask."""

from __future__ import annotations

from tryggve.analytics.models import FeedFetch

# A near-repeat alert is worth sending while the raised risk lasts (a few weeks at most).
ALERT_FRESH_DAYS = 14


def last_successful_fetch() -> FeedFetch | None:
    """The police feed's latest successful fetch (for `/readyz` and the staff pages)."""
    return FeedFetch.objects.filter(outcome=FeedFetch.Outcome.OK).order_by("-started").first()

"""Read-only questions about the situation picture that other apps ask."""

from __future__ import annotations

# A near-repeat alert is worth sending while the raised risk lasts (a few weeks at most).
ALERT_FRESH_DAYS = 14


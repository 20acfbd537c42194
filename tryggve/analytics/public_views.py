"""The situation picture's public page, `/lagesbild/`: counts per area, no positions. The
staff pages under /personal/lagesbild/ are in `views.py`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.selectors import public_area_counts, synthetic_here

PUBLIC_GROUPS = [OffenceGroup.RESIDENTIAL_BURGLARY, OffenceGroup.VANDALISM]


@require_safe
def public_summary(request: HttpRequest) -> HttpResponse:
    """Counts per area for the last twelve months; thin figures are hidden."""
    minimum = settings.PUBLIC_MIN_COUNT
    rows = public_area_counts(
        groups=PUBLIC_GROUPS, since=timezone.now() - timedelta(days=365), minimum=minimum
    )
    return render(
        request,
        "analytics/public_summary.html",
        {
            "rows": rows,
            "groups": [OffenceGroup(g).label for g in PUBLIC_GROUPS],
            "minimum": minimum,
            "synthetic": synthetic_here(),
        },
    )

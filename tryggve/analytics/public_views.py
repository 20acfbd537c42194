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
from tryggve.analytics.selectors import (
    public_area_counts,
    public_unplaced_counts,
    synthetic_here,
)
from tryggve.lib.periods import local_bounds, shift_year

PUBLIC_GROUPS = [OffenceGroup.RESIDENTIAL_BURGLARY, OffenceGroup.VANDALISM]


@require_safe
def public_summary(request: HttpRequest) -> HttpResponse:
    """Counts per area for the last twelve months, whole days up to today, the dates said;
    thin figures are hidden. Beside the areas, the municipality's incidents no area holds
    (the police's events name the municipality alone), so that a reader does not take
    "färre än 3" in every area for all there was."""
    minimum = settings.PUBLIC_MIN_COUNT
    today = timezone.localdate()
    first = shift_year(today, -1) + timedelta(days=1)
    since, _end = local_bounds(first, today + timedelta(days=1))
    rows = public_area_counts(groups=PUBLIC_GROUPS, since=since, minimum=minimum)
    unplaced = public_unplaced_counts(groups=PUBLIC_GROUPS, since=since, minimum=minimum)
    return render(
        request,
        "analytics/public_summary.html",
        {
            "rows": rows,
            "unplaced": unplaced,
            "first": first,
            "today": today,
            "groups": [OffenceGroup(g).label for g in PUBLIC_GROUPS],
            "minimum": minimum,
            "synthetic": synthetic_here(),
        },
    )

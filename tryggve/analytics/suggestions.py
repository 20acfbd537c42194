"""Where and when police should be seen this week, each with its reason in plain Swedish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.analytics.models import GROUP_COUNTED, OffenceGroup
from tryggve.analytics.profiles import pattern_window
from tryggve.analytics.riskmap import Cell, risk_cells, scoped_rows
from tryggve.areas.selectors import area_for_point
from tryggve.lib.geo import to_sweref

NEAR_M = 400
RECENT_DAYS = 14
# The history the risk map's forecast stands on (`riskmap.risk_map`'s `history_years`): a
# place with nothing near it in the last year is named by what it had in these years.
HISTORY_DAYS = 365 * 5
SPACING_M = 600  # two suggestions closer than this would send the same patrol twice


@dataclass(frozen=True)
class Suggestion:
    lat: float
    lon: float
    area_name: str
    window: tuple[int, int] | None
    recent: int
    year: int
    reason: str
    # Events within NEAR_M in the forecast's five years (the year's included).
    history: int = 0


def weekly_suggestions(
    *,
    group: str = OffenceGroup.RESIDENTIAL_BURGLARY,
    now: datetime | None = None,
    limit: int = 5,
    codes: tuple[str, ...] | None = None,
    cells: list[Cell] | None = None,
) -> list[Suggestion]:
    """The highest-risk places for the coming week, spaced apart, with their reasons, from
    the risk map, incidents and residential areas of the municipalities `codes` (None: all;
    `tryggve.analytics.riskmap`). `cells`: the risk map's cells if the caller has them
    (the page's cached map), else they are forecast from `now`."""
    now = now or timezone.now()
    if cells is None:
        cells = risk_cells(group=group, start=now, codes=codes)
    cells = sorted((c for c in cells if c.score > 0), key=lambda c: -c.score)
    _areas, incidents = scoped_rows(group, codes)
    past = list(
        incidents.precise()
        .filter(occurred_at__lt=now, occurred_at__gte=now - timedelta(days=HISTORY_DAYS))
        .with_clock()
        .values_list("lat", "lon", "occurred_at", "clock_at", "clock_known")
    )
    all_xy = np.array([to_sweref(lon, lat) for lat, lon, *_rest in past]).reshape(-1, 2)
    in_year = np.array([at >= now - timedelta(days=365) for _lat, _lon, at, _t, _k in past])
    xy = all_xy[in_year] if len(past) else all_xy
    year_rows = [row for row, hit in zip(past, in_year, strict=True) if hit]
    times = [t for _lat, _lon, _at, t, _k in year_rows]
    # Counted by their day, but an incident whose clock time is unknown has no hour to
    # make a window busy: stored at noon, it would otherwise point patrols at midday.
    known = [k for _lat, _lon, _at, _t, k in year_rows]
    chosen: list[Suggestion] = []
    taken: list[tuple[float, float]] = []
    for cell in cells:
        cx, cy = cell.x + cell.size / 2, cell.y + cell.size / 2
        if any((cx - x) ** 2 + (cy - y) ** 2 < SPACING_M**2 for x, y in taken):
            continue
        near = np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) <= NEAR_M if len(xy) else np.array([])
        near_times = [t for t, hit in zip(times, near, strict=True) if hit]
        timed = [t for t, k, hit in zip(times, known, near, strict=True) if hit and k]
        recent = sum(t >= now - timedelta(days=RECENT_DAYS) for t in near_times)
        # No time of day from fewer events than the time-profile page shows a pattern from,
        # and only from those whose clock time is known.
        window = pattern_window(timed)
        history = int(
            (np.hypot(all_xy[:, 0] - cx, all_xy[:, 1] - cy) <= NEAR_M).sum() if len(all_xy) else 0
        )
        lat, lon = cell.centre_wgs84
        area = area_for_point(lat=lat, lon=lon, codes=codes)
        chosen.append(
            Suggestion(
                lat,
                lon,
                area.name if area else "",
                window,
                recent,
                len(near_times),
                _reason(group, recent, len(near_times), window, history),
                history,
            )
        )
        taken.append((cx, cy))
        if len(chosen) == limit:
            break
    return chosen


def _reason(
    group: str, recent: int, year: int, window: tuple[int, int] | None, history: int = 0
) -> str:
    """Why a place is suggested; `window` is the busiest hours, None when there are too few
    events near it to tell (`profiles.pattern_window`). With nothing near it in the last
    year, what it had in the forecast's five years (`history`), or that it had nothing:
    never a bare "elevated risk" that names no figure."""
    counted = GROUP_COUNTED[OffenceGroup(group)]
    if recent:
        text = _("%(events)s inom 400 m på 2 veckor") % {"events": counted % {"n": recent}}
    elif year:
        text = _("%(events)s inom 400 m senaste året") % {"events": counted % {"n": year}}
    elif history:
        text = _("%(events)s inom 400 m de senaste fem åren, ingen av dem senaste året") % {
            "events": counted % {"n": history}
        }
    else:
        text = _("Förhöjd risk enligt prognosen, fast ingen händelse inom 400 m på fem år")
    if window:
        text += _(", flest %(start)02d–%(end)02d") % {"start": window[0], "end": window[1]}
    else:
        text += _(" – för få händelser för att säga när på dygnet")
    return text

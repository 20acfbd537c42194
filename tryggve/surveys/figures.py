"""Figures other apps read (the follow-up app calls these; it never reads the models)."""

from __future__ import annotations

from dataclasses import dataclass

from tryggve.areas.models import Municipality
from tryggve.surveys import bank
from tryggve.surveys.maps import PlaceMap, place_map
from tryggve.surveys.results import indicator_series


@dataclass(frozen=True)
class UnsafeShare:
    """The share feeling unsafe out alone late in the evening in one's own area (NTU's
    indicator: very or fairly unsafe, or staying in for fear of crime), for a year.

    `share`, `low` and `high` (95 % Wilson interval) are None when suppressed: fewer than
    five answers behind the figure. `is_demo` marks the demo's invented answers."""

    year: int
    area_slug: str | None
    respondents: int
    share: float | None
    low: float | None
    high: float | None
    suppressed: bool
    is_demo: bool


def unsafe_share(*, municipality_code: str, area_slug: str | None = None) -> list[UnsafeShare]:
    """The unsafe share per year, oldest first, for the whole municipality or one area.

    Per area only single answers count: imported aggregated years carry no area."""
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None:
        return []
    series = indicator_series(
        municipality_id=municipality.pk, code=bank.UNSAFE_CODE, area_slug=area_slug
    )
    return [
        UnsafeShare(
            year=item.year,
            area_slug=area_slug,
            respondents=item.n,
            share=None if item.cell.suppressed else item.cell.share,
            low=None if item.cell.suppressed else item.cell.low,
            high=None if item.cell.suppressed else item.cell.high,
            suppressed=item.cell.suppressed,
            is_demo=item.is_demo,
        )
        for item in series
    ]


def unsafe_places(
    *, municipality_code: str, years: list[int] | None = None, public: bool = False
) -> PlaceMap | None:
    """Where respondents feel unsafe, from the map question, in cells (see `maps`): the
    situation picture draws it as a layer. None when the municipality is unknown."""
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None:
        return None
    return place_map(municipality_id=municipality.pk, years=years, public=public)

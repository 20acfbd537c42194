"""Figures other apps read (the follow-up app calls these; it never reads the models).

Only finished years: while a year's survey is open (or about to open) its figures move
with every answer, and another app's page may be public, where comparing it before and
after one answer would tell that answer (its share and its free text's themes). The
survey's own results pages say the same: the open year is for staff only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from tryggve.areas.models import Municipality
from tryggve.lib.themes import THEME_CODES
from tryggve.surveys import bank, stats
from tryggve.surveys.maps import PlaceMap, place_map
from tryggve.surveys.models import Survey, SurveyState
from tryggve.surveys.results import indicator_series, respondent_counts, theme_counts_by_year


@dataclass(frozen=True)
class UnsafeShare:
    """A headline share of the survey for a year: the share feeling unsafe out alone late
    in the evening in one's own area (NTU's indicator: very or fairly unsafe, or staying in
    for fear of crime), or the share worried about residential burglary.

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


@dataclass(frozen=True)
class YearRespondents:
    """How many answered the survey a year: single answers and imported counts, every
    version of the year together, repeats from one address left out as in the shares
    (`Response.repeat_from_address`). `is_demo` marks the demo's invented answers."""

    year: int
    respondents: int
    is_demo: bool


def unsafe_share(*, municipality_code: str, area_slug: str | None = None) -> list[UnsafeShare]:
    """The unsafe share per finished year, oldest first, for the municipality or one area.

    Per area only single answers count: imported aggregated years carry no area."""
    return _share_series(municipality_code, bank.UNSAFE_CODE, area_slug)


def burglary_worry_share(
    *, municipality_code: str, area_slug: str | None = None
) -> list[UnsafeShare]:
    """The share worried about residential burglary (the bank's headline share of its
    burglary question) per year, oldest first; suppressed and shaped as `unsafe_share`."""
    return _share_series(municipality_code, bank.BURGLARY_CODE, area_slug)


def _unfinished(surveys) -> set[int]:
    """Years with a version open now or opening later (imported years have no dates)."""
    today = timezone.localdate()
    return {s.year for s in surveys if s.state(today) in {SurveyState.OPEN, SurveyState.FUTURE}}


def _unfinished_years(municipality_id: int) -> set[int]:
    return _unfinished(Survey.objects.filter(municipality_id=municipality_id))


def unfinished_years(*, municipality_code: str) -> set[int]:
    """The years whose survey is open now or opens later: their figures are not given yet
    (the follow-up says so instead of "no figures")."""
    return _unfinished(Survey.objects.filter(municipality__code=municipality_code))


def respondents_per_year(*, municipality_code: str) -> list[YearRespondents]:
    """Respondents per finished survey year, oldest first (50, 188, ...); two queries."""
    surveys = list(Survey.objects.filter(municipality__code=municipality_code))
    unfinished = _unfinished(surveys)
    surveys = [s for s in surveys if s.year not in unfinished]
    # Other apps may publish the count: one person's repeats must not raise it.
    counts = respondent_counts(surveys, public=True)
    years: dict[int, list[Survey]] = {}
    for survey in surveys:
        years.setdefault(survey.year, []).append(survey)
    return [
        YearRespondents(
            year=year,
            respondents=sum(counts[s.pk] for s in versions),
            is_demo=any(s.is_demo for s in versions),
        )
        for year, versions in sorted(years.items())
    ]


def _share_series(municipality_code: str, code: str, area_slug: str | None) -> list[UnsafeShare]:
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None:
        return []
    # Other apps may publish these figures: repeats from one address are left out.
    series = indicator_series(
        municipality_id=municipality.pk, code=code, area_slug=area_slug, public=True
    )
    unfinished = _unfinished_years(municipality.pk)
    series = [item for item in series if item.year not in unfinished]
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


@dataclass(frozen=True)
class ThemeYear:
    """The free-text answers of a year grouped into the themes of `lib.themes`.

    `counts` maps every theme code (in the lexicon's order) to the answers with that theme,
    or None when suppressed (1 to 4 answers); one answer may have several themes, so the
    counts add up to more than `texts`. Names: `lib.themes.THEME_NAMES` (translate them)."""

    year: int
    texts: int
    counts: dict[str, int | None]
    is_demo: bool


def _shown(count: int, texts: int) -> int | None:
    return None if stats.suppressed(count) or stats.suppressed(texts) else count


def theme_counts(*, municipality_code: str) -> list[ThemeYear]:
    """Free-text answers per theme and finished year, oldest first (years with free text).
    Flagged texts count too; no text is ever returned. Repeats from one address are left
    out (`Response.repeat_from_address`): other apps may publish these counts."""
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None:
        return []
    unfinished = _unfinished_years(municipality.pk)
    return [
        ThemeYear(
            year=year,
            texts=texts,
            counts={code: _shown(counts.get(code, 0), texts) for code in THEME_CODES},
            is_demo=is_demo,
        )
        for year, (texts, counts, is_demo) in sorted(theme_counts_by_year(municipality.pk).items())
        if year not in unfinished
    ]


def unsafe_places(
    *, municipality_code: str, years: list[int] | None = None, public: bool = False
) -> PlaceMap | None:
    """Where respondents feel unsafe, from the map question, in cells (see `maps`): the
    situation picture draws it as a layer. None when the municipality is unknown.

    `public`: 250 m cells of at least 5 respondents, no descriptions, and (when `years`
    is not given) the newest finished year only, for readers who may not read free text:
    exactly the map the public results page shows for that year. Two years together would
    be a second grid over the same cells, and the public one-year maps subtracted from it
    give back a small cell (a probe did so: 19 - 17 = 2 respondents)."""
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None:
        return None
    if public and years is None:
        surveys = list(Survey.objects.filter(municipality_id=municipality.pk))
        unfinished = _unfinished(surveys)
        years = sorted({s.year for s in surveys} - unfinished)[-1:]
    return place_map(municipality_id=municipality.pk, years=years, public=public)

"""The year's problem picture that next year's promise is drafted from.

Gathered from each app's own functions (nothing is typed twice): the survey's free-text themes
and the unsafe share over the years, the e-service's most reported categories and areas of the
promise's period, the situation picture's most exposed areas for residential burglary (the
exposure ranking), and the staff and citizen dialogues held in the period. The draft itself is
made by `services.promise_draft_next`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _

from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.ranking import RankedArea, exposure_ranking
from tryggve.areas.models import Municipality
from tryggve.followup.models import Dialogue, Promise
from tryggve.lib.themes import OTHER, THEME_NAMES
from tryggve.reports import figures as report_figures
from tryggve.surveys import figures as survey_figures

EXPOSED_SHOWN = 5


@dataclass(frozen=True)
class ProblemPicture:
    year: int
    themes: list[tuple[str, int]]  # (theme name, answers), most first, suppressed left out
    theme_year: int | None
    unsafe: list[survey_figures.UnsafeShare]
    reports: report_figures.ReportFigures
    exposed: list[RankedArea]
    dialogues: list[Dialogue]


def problem_picture(*, promise: Promise, municipality: Municipality) -> ProblemPicture:
    """Everything staff read before drafting next year's promise, for `promise`'s period."""
    year = promise.period_start.year
    code = municipality.code
    years = [
        y
        for y in survey_figures.theme_counts(municipality_code=code)
        if y.year <= promise.period_end.year
    ]
    latest = years[-1] if years else None
    themes = []
    if latest is not None:
        themes = sorted(
            (
                (_(THEME_NAMES[c]), n)
                for c, n in latest.counts.items()
                if c != OTHER and n  # None when suppressed
            ),
            key=lambda item: -item[1],
        )
    _smoothing, ranked, _outside = exposure_ranking(
        group=OffenceGroup.RESIDENTIAL_BURGLARY, year=year
    )
    exposed = [r for r in ranked if r.area.municipality_id == municipality.pk and r.rate.exposed][
        :EXPOSED_SHOWN
    ]
    return ProblemPicture(
        year=year,
        themes=themes,
        theme_year=latest.year if latest else None,
        unsafe=survey_figures.unsafe_share(municipality_code=code),
        reports=report_figures.report_figures(
            municipality_code=code,
            start=promise.period_start,
            end=promise.period_end + timedelta(days=1),  # excluded there
        ),
        exposed=exposed,
        dialogues=list(
            Dialogue.objects.for_municipality(municipality).filter(
                date__gte=promise.period_start, date__lte=promise.period_end
            )
        ),
    )

"""Feedback to residents on the public page: "Du sa, vi gjorde" and a few headline indicators.

What residents asked for comes from the apps' own figures: the survey's free-text themes
(`surveys.figures.theme_counts`) and the e-service's most reported categories
(`reports.figures.report_figures`). What was done is the published promise's activities whose
`theme` staff set on the activity form, so the pairing is data, never typed twice. Only a
published promise reaches here (the view reads nothing else), only published progress updates
are attached, and any count below five is left out, as everywhere residents read figures.
Only what is done or under way is presented as done ("Vi gjorde"); planned and postponed
activities are listed apart as planned, and cancelled ones not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tryggve.followup import indicators
from tryggve.followup.models import Activity, ActivityStatus, ActivityUpdate, Promise
from tryggve.lib.periods import shift_year
from tryggve.lib.themes import OTHER, THEME_NAMES
from tryggve.reports import figures as report_figures
from tryggve.surveys import figures as survey_figures
from tryggve.surveys.stats import suppressed

# "Vi gjorde" shows only what was done or is under way; a cancelled activity is left out.
DONE_STATUSES = (ActivityStatus.DONE, ActivityStatus.ONGOING)
PLANNED_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.POSTPONED)

# Public-safe headline indicators: counts and shares residents can read without a caution
# table (the survey share carries its interval).
HEADLINE_CODES = (
    "reports_received",
    "reports_resolved",
    "survey_unsafe_evening",
    "watch_started",
)


@dataclass(frozen=True)
class Said:
    """One theme residents raised, and the activities that answer it."""

    code: str
    name: str
    answers: int  # free-text survey answers with the theme (never below five)
    done: list[Activity]  # done or ongoing: "Vi gjorde"
    planned: list[Activity]  # planned or postponed: "Det här planerar vi"


@dataclass(frozen=True)
class YouSaid:
    survey_year: int | None
    survey_texts: int
    pairs: list[Said]
    report_categories: list[report_figures.Ranked]  # each at least five reports
    is_demo: bool


def you_said_we_did(*, promise: Promise, municipality_code: str) -> YouSaid:
    """Pair the latest survey's themes with the promise's activities of the same theme.

    `promise` must be a published one (the caller's queryset says so). Themes with fewer
    than five answers and report categories with fewer than five reports are left out."""
    years = survey_figures.theme_counts(municipality_code=municipality_code)
    # The survey the promise answers: the latest up to the promise's own year.
    usable = [y for y in years if y.year <= promise.period_end.year]
    latest = usable[-1] if usable else None
    updates = ActivityUpdate.objects.published().order_by("-date", "-id")
    activities = list(
        Activity.objects.filter(commitment__promise=promise)
        .exclude(theme="")
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("commitment")
        .prefetch_related(Prefetch("updates", updates, to_attr="public_updates"))
        .order_by("planned_start", "id")
    )
    by_theme: dict[str, list[Activity]] = {}
    for activity in activities:
        by_theme.setdefault(activity.theme, []).append(activity)
    pairs = []
    if latest is not None:
        counted = [
            (code, count)
            for code, count in latest.counts.items()
            if code != OTHER and count and not suppressed(count)
        ]
        counted.sort(key=lambda item: -item[1])  # stable: the lexicon's order on ties
        pairs = [
            Said(
                code,
                _(THEME_NAMES[code]),
                count,
                done=[a for a in by_theme.get(code, []) if a.status in DONE_STATUSES],
                planned=[a for a in by_theme.get(code, []) if a.status in PLANNED_STATUSES],
            )
            for code, count in counted
        ]
    reports = report_figures.report_figures(
        municipality_code=municipality_code,
        start=promise.period_start,
        end=promise.period_end + timedelta(days=1),  # `end` is excluded there
    )
    return YouSaid(
        survey_year=latest.year if latest else None,
        survey_texts=latest.texts if latest else 0,
        pairs=pairs,
        report_categories=[r for r in reports.top_categories if not suppressed(r.count)],
        is_demo=bool(latest and latest.is_demo),
    )


@dataclass(frozen=True)
class Headline:
    name: str
    value: str
    interval: str  # in words ("troligen mellan 19 och 31 %"), "" without one
    previous: str  # with its interval in words, if any
    previous_label: str
    definition: str
    note: str = ""  # why there is no value yet (the year's survey is still open)


def headline_indicators(*, municipality_code: str, today: date) -> list[Headline]:
    """The public page's few indicators for the year so far, with the same period last
    year (a survey figure: last year's survey); a share hidden below five answers reads
    "dold", as on the survey's pages, and a missing value "inga uppgifter"."""
    # Only the headline indicators' sources are read (not every indicator's).
    start, end = indicators.period_for(today.year, today)
    now = indicators.Figures(
        municipality_code=municipality_code, start=start, end=end, year=today.year, today=today
    )
    before = indicators.Figures(
        municipality_code=municipality_code,
        start=shift_year(start, -1),
        end=shift_year(end, -1),
        year=today.year - 1,
        today=today,
        surveys_of=now,
    )
    headlines = []
    for code in HEADLINE_CODES:
        indicator = indicators.BY_CODE[code]
        reading = indicator.read(now)
        previous = indicator.read(before)
        unit = indicator.unit
        value = indicators.describe(None, unit, suppressed=reading.suppressed)
        if not reading.suppressed:
            value = indicators.format_value(reading.value, unit)
        headlines.append(
            Headline(
                name=str(indicator.name),
                value=value,
                interval=""
                if reading.suppressed
                else indicators.format_interval(reading.low, reading.high, unit),
                previous=indicators.describe(
                    previous.value,
                    unit,
                    low=previous.low,
                    high=previous.high,
                    suppressed=previous.suppressed,
                ),
                previous_label=_("Förra årets enkät")
                if indicator.yearly
                else _("Samma period förra året"),
                definition=str(indicator.definition),
                note=reading.caution if indicator.yearly and reading.value is None else "",
            )
        )
    return headlines

"""The annual written summary's content: everything the system knows, gathered once.

`build_summary` collects the promise, its commitments with their activities and outcome,
the live indicators with their charts, the survey's trend, what residents told us and the
staff's own sections (`SummaryText`); `documents.py` lays the same content out as PDF and
DOCX. The figures are read anew on every call; only the staff's text is stored.

No personal data goes in: activities name the responsible party, never the person, and
the residents' voice is counted by theme, never quoted from a report.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tryggve.followup.indicators import (
    SHARE,
    IndicatorValue,
    format_value,
    indicator_values,
    trend_chart,
)
from tryggve.followup.models import (
    Activity,
    ActivityStatus,
    ActivityUpdate,
    CouncilMeeting,
    Dialogue,
    DialogueKind,
    Party,
    Promise,
    PublishedSummary,
    SummarySection,
    SummaryText,
)
from tryggve.lib import charts
from tryggve.lib.chart_png import bar_chart_png
from tryggve.lib.periods import year_period
from tryggve.lib.themes import OTHER, THEME_NAMES
from tryggve.surveys import figures as survey_figures
from tryggve.surveys.stats import suppressed

# The council's last meeting of the year when no meeting is recorded for it (month, day).
DEFAULT_DUE = (12, 10)
REMIND_DAYS = 30


def summary_due_date(promise: Promise, year: int | None = None) -> datetime.date:
    """The day the year's summary must be ready: the council's last meeting of the year.

    The one place the due date is decided: the last `CouncilMeeting` of the year; with no
    meeting planned that year, `FOLLOWUP_SUMMARY_DUE` (month, day), default 10 December."""
    year = year or promise.period_end.year
    # The same question as `council.last_meeting_of_year`, asked here because council
    # imports this module (an import back would be a cycle).
    meeting = (
        CouncilMeeting.objects.for_municipality(promise.municipality)
        .filter(date__year=year)
        .order_by("-date", "-id")
        .first()
    )
    if meeting is not None:
        return meeting.date
    month, day = getattr(settings, "FOLLOWUP_SUMMARY_DUE", DEFAULT_DUE)
    return datetime.date(year, month, day)


def summary_reminder(promise: Promise | None, today: datetime.date) -> datetime.date | None:
    """The due date when it lies within a month from `today` (the reminder), else None."""
    if promise is None:
        return None
    due = summary_due_date(promise, today.year)
    if promise.period_start <= due <= promise.period_end and 0 <= (due - today).days <= (
        REMIND_DAYS
    ):
        return due
    return None


def survey_themes(*, municipality_code: str, year: int) -> list[tuple[str, int]]:
    """The year's survey free-text answers per theme (`surveys.figures.theme_counts`), most
    frequent first; suppressed counts (1-4) and "övrigt" are left out."""
    for theme_year in survey_figures.theme_counts(municipality_code=municipality_code):
        if theme_year.year == year:
            counted = [
                (str(THEME_NAMES[code]), count)
                for code, count in theme_year.counts.items()
                if count and code != OTHER
            ]
            return sorted(counted, key=lambda pair: -pair[1])
    return []


@dataclass(frozen=True)
class Chart:
    """A chart drawn once: its points feed the SVG (PDF) and the PNG (DOCX)."""

    key: str
    title: str
    desc: str  # the text alternative: every value in words
    points: list[tuple[str, float | None]]
    svg: str
    table: str  # the same numbers as an HTML table

    @property
    def data_uri(self) -> str:
        """The SVG as an image source, so the PDF's <img> carries the alt text."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()

    def png(self) -> bytes:
        return bar_chart_png(self.points)


@dataclass(frozen=True)
class ActivityOutcome:
    title: str
    party: str
    planned: str
    status: str
    reason: str
    latest: str  # the latest progress update, "" when none
    percent: int | None


@dataclass(frozen=True)
class CommitmentPart:
    title: str
    description: str
    activities: list[ActivityOutcome]


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    definition: str
    value: str
    previous: str
    caution: str
    chart: Chart | None


@dataclass(frozen=True)
class Summary:
    promise: Promise
    year: int
    municipality: str
    generated: datetime.date
    due: datetime.date
    texts: dict[str, str]
    commitments: list[CommitmentPart]
    indicators: list[IndicatorRow]
    survey_rows: list[tuple[str, str, str, str]]  # year, answers, unsafe, worried
    survey_chart: Chart | None
    report_themes: list[tuple[str, int]]
    survey_themes: list[tuple[str, int]]
    dialogue_concerns: list[tuple[datetime.date, str, str]]
    headings: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return _("Årssammanfattning %(year)s: %(title)s") % {
            "year": self.year,
            "title": self.promise.title,
        }


def promise_for_year(municipality, year: int) -> Promise | None:
    """The municipality's promise whose period holds the year's end (or starts in it);
    None for a year no date can hold (0, 99999: any number fits the address)."""
    if not datetime.MINYEAR <= year < datetime.MAXYEAR:
        return None
    start, end = year_period(year)
    return (
        Promise.objects.for_municipality(municipality)
        .filter(period_start__lt=end, period_end__gte=start)
        .order_by("-period_start")
        .first()
    )


def current_texts(promise: Promise, year: int) -> dict[str, str]:
    """The newest saved text of each editable section ("" when never written)."""
    texts = {section.value: "" for section in SummarySection}
    for row in SummaryText.objects.filter(promise=promise, year=year).order_by("created", "id"):
        texts[row.section] = row.text
    return texts


def _chart(value: IndicatorValue) -> Chart | None:
    drawn = trend_chart(value, id_prefix=f"sum-{value.indicator.code}")
    if drawn is None:
        return None
    scale = 100 if value.indicator.unit == SHARE else 1
    points = [(label, None if v is None else v * scale) for label, v in value.trend]
    title = str(value.indicator.name)
    return Chart(
        key=value.indicator.code,
        title=title,
        desc=_desc(title, points),
        points=points,
        svg=drawn.svg,
        table=drawn.table,
    )


def _desc(title: str, points) -> str:
    values = ", ".join(
        f"{label}: {_('inga uppgifter') if v is None else charts.format_number(v)}"
        for label, v in points
    )
    return f"{title}. {values}."


def _commitments(promise: Promise) -> list[CommitmentPart]:
    # Only progress staff published: the summary goes to the public archive as it is.
    updates = ActivityUpdate.objects.published().order_by("-date", "-id")
    activities = Activity.objects.prefetch_related(Prefetch("updates", updates))
    parts = []
    for commitment in promise.commitments.prefetch_related(Prefetch("activities", activities)):
        outcomes = []
        for activity in commitment.activities.all():
            latest = next(iter(activity.updates.all()), None)
            outcomes.append(
                ActivityOutcome(
                    title=activity.title,
                    party=str(Party(activity.responsible_party).label),
                    planned=" – ".join(
                        d.isoformat() if d else "–"
                        for d in (activity.planned_start, activity.planned_end)
                    ),
                    status=str(ActivityStatus(activity.status).label),
                    reason=activity.status_reason,
                    latest=f"{latest.date.isoformat()}: {latest.text}" if latest else "",
                    percent=latest.percent if latest else None,
                )
            )
        parts.append(
            CommitmentPart(
                title=f"{commitment.position}. {commitment.title}",
                description=commitment.description,
                activities=outcomes,
            )
        )
    return parts


def _survey(code: str) -> tuple[list[tuple[str, str, str, str]], Chart | None]:
    answers = {
        row.year: row.respondents
        for row in survey_figures.respondents_per_year(municipality_code=code)
    }
    unsafe = {row.year: row.share for row in survey_figures.unsafe_share(municipality_code=code)}
    worry = {
        row.year: row.share for row in survey_figures.burglary_worry_share(municipality_code=code)
    }
    years = sorted(set(answers) | set(unsafe) | set(worry))
    rows = [
        (
            str(year),
            format_value(answers.get(year), "count"),
            format_value(unsafe.get(year), SHARE),
            format_value(worry.get(year), SHARE),
        )
        for year in years
    ]
    if not years:
        return rows, None
    points = [
        (str(year), None if unsafe.get(year) is None else 100 * unsafe[year]) for year in years
    ]
    title = _("Andel otrygga ute ensam sent på kvällen, procent per år")
    desc = _desc(title, points)
    svg = charts.bar_chart(points, title=title, desc=desc, id_prefix="sum-survey")
    table = charts.data_table(
        points,
        caption=title,
        label_header=_("År"),
        value_header=_("Procent"),
        missing=_("inga uppgifter"),
    )
    return rows, Chart(key="survey", title=title, desc=desc, points=points, svg=svg, table=table)


def _top_categories(values: list[IndicatorValue]) -> list[tuple[str, int]]:
    """The e-service's top categories, from the received-reports indicator's breakdown (the
    same figures, not counted twice); fewer than five are left out, as on the public page,
    since the summary is published as it is."""
    for value in values:
        if value.indicator.code == "reports_received" and value.breakdowns:
            counted = [(label, int(count)) for label, count in value.breakdowns[0][1]]
            return [(label, count) for label, count in counted if not suppressed(count)]
    return []


def build_summary(*, promise: Promise, year: int, today: datetime.date) -> Summary:
    """The year's summary of `promise`, figures computed now (up to `today` in a running
    year)."""
    code = promise.municipality.code
    values = indicator_values(municipality_code=code, year=year, today=today)
    indicators = [
        IndicatorRow(
            name=str(v.indicator.name),
            definition=str(v.indicator.definition),
            value=format_value(v.value, v.indicator.unit),
            previous=format_value(v.previous, v.indicator.unit),
            caution=str(v.caution),
            chart=_chart(v),
        )
        for v in values
    ]
    start, end = year_period(year)
    survey_rows, survey_chart = _survey(code)
    dialogues = Dialogue.objects.for_municipality(promise.municipality).filter(
        kind=DialogueKind.CITIZEN, date__gte=start, date__lt=end
    )
    return Summary(
        promise=promise,
        year=year,
        municipality=promise.municipality.name,
        generated=today,
        due=summary_due_date(promise, year),
        texts=current_texts(promise, year),
        commitments=_commitments(promise),
        indicators=indicators,
        survey_rows=survey_rows,
        survey_chart=survey_chart,
        report_themes=_top_categories(values),
        survey_themes=survey_themes(municipality_code=code, year=year),
        dialogue_concerns=[(d.date, d.title, d.concerns) for d in dialogues.order_by("date")],
        headings={s.value: str(s.label) for s in SummarySection},
    )


def published_summaries(municipality) -> list[PublishedSummary]:
    """The newest published summary of each year, newest year first (the public archive)."""
    newest: dict[int, PublishedSummary] = {}
    rows = PublishedSummary.objects.for_municipality(municipality).filter(promise__published=True)
    for row in rows.select_related("promise").order_by("-year", "-published"):
        newest.setdefault(row.year, row)
    return list(newest.values())

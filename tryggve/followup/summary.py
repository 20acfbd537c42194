"""The annual written summary's content: everything the system knows, gathered once.

`build_summary` collects the promise, its commitments with their activities and outcome,
the live indicators with their charts, the survey's trend, what residents told us and the
staff's own sections (`SummaryText`); `documents.py` lays the same content out as PDF and
DOCX. The figures are read anew on every call; only the staff's text is stored.

Activities name the responsible party, never the person, and the residents' voice is
counted by theme, never quoted from a report. Two versions: the staff's (downloads, the
command) keeps what staff wrote for each other, the reasons an activity was postponed or
cancelled and what was raised at each citizen dialogue; the public one (`public=True`, what
`summary_publish` keeps for the archive) leaves those out and names each dialogue only by
date, kind and number of participants, since nothing staff or residents write is public
until staff publish it.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tryggve.followup.indicators import (
    SHARE,
    Figures,
    IndicatorValue,
    describe,
    format_value,
    indicator_values,
    period_figures,
    period_for,
    trend_chart,
    trend_missing,
)
from tryggve.followup.models import (
    Activity,
    ActivityStatus,
    ActivityUpdate,
    CouncilMeeting,
    Dialogue,
    DialogueKind,
    ManualIndicator,
    ManualIndicatorEntry,
    Party,
    Promise,
    PublishedSummary,
    SummarySection,
    SummaryText,
)
from tryggve.lib import charts
from tryggve.lib.chart_png import bar_chart_png
from tryggve.lib.periods import shift_year, year_period
from tryggve.lib.themes import OTHER, THEME_NAMES
from tryggve.surveys import figures as survey_figures
from tryggve.surveys.stats import suppressed, trend_sentence

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
            return _themes(theme_year)
    return []


def _themes(theme_year) -> list[tuple[str, int]]:
    counted = [
        (str(THEME_NAMES[code]), count)
        for code, count in theme_year.counts.items()
        if count and code != OTHER
    ]
    return sorted(counted, key=lambda pair: -pair[1])


def latest_survey_themes(
    *, municipality_code: str, year: int
) -> tuple[int | None, list[tuple[str, int]]]:
    """The themes of the latest finished survey up to the year, and that survey's year:
    the year's own survey may still be open when the summary is due (December), and the
    public page's "Du sa, vi gjorde" reads the same latest survey."""
    finished = [
        theme_year
        for theme_year in survey_figures.theme_counts(municipality_code=municipality_code)
        if theme_year.year <= year
    ]
    if not finished:
        return None, []
    return finished[-1].year, _themes(finished[-1])


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
class DialogueLine:
    """A citizen dialogue of the year; `title` and `concerns` are "" in the public version."""

    date: datetime.date
    kind: str
    participants: int
    title: str
    concerns: str


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
    # The change between the last two years in words, with whether chance could explain it.
    survey_trends: list[str]
    report_themes: list[tuple[str, int]]
    survey_themes: list[tuple[str, int]]
    survey_themes_year: int | None
    dialogues: list[DialogueLine]
    public: bool = False
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
        desc=_desc(title, points, missing=trend_missing(value.indicator)),
        points=points,
        svg=drawn.svg,
        table=drawn.table,
    )


def _desc(title: str, points, missing: str | None = None) -> str:
    missing = missing or _("inga uppgifter")
    values = ", ".join(
        f"{label}: {missing if v is None else charts.format_number(v)}" for label, v in points
    )
    return f"{title}. {values}."


def _commitments(promise: Promise, *, public: bool) -> list[CommitmentPart]:
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
                    # The reason is staff's note to each other: not in the public version.
                    reason="" if public else activity.status_reason,
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


def _share_text(item) -> str:
    if item is None:
        return format_value(None, SHARE)
    return describe(item.share, SHARE, low=item.low, high=item.high, suppressed=item.suppressed)


def _trend_sentence(series, name: str) -> str:
    """The last two shown years of a survey share in words, as the survey's trend tables
    say it (`surveys.stats.trend_sentence`); "" with fewer than two."""
    shown = [item for item in series if not item.suppressed and item.share is not None]
    if len(shown) < 2:
        return ""
    a, b = shown[-2], shown[-1]
    # `share` is k / n of whole answers, so k comes back exactly.
    return f"{a.year}–{b.year}: " + trend_sentence(
        name, round(a.share * a.respondents), a.respondents, round(b.share * b.respondents),
        b.respondents,
    )


def _survey(
    figures: Figures,
) -> tuple[list[tuple[str, str, str, str]], Chart | None, list[str]]:
    """The survey's main results per year, from the series the indicators read (every
    year of `surveys.figures`, fetched once for both), with the intervals in words, a
    hidden share as "dold" (as on the survey's pages) and each share's latest change."""
    answers = {row.year: row.respondents for row in figures.respondents}
    unsafe = {row.year: row for row in figures.unsafe}
    worry = {row.year: row for row in figures.burglary_worry}
    years = sorted(set(answers) | set(unsafe) | set(worry))
    rows = [
        (
            str(year),
            format_value(answers.get(year), "count"),
            _share_text(unsafe.get(year)),
            _share_text(worry.get(year)),
        )
        for year in years
    ]
    trends = [
        sentence
        for sentence in (
            _trend_sentence(figures.unsafe, _("otrygga")),
            _trend_sentence(figures.burglary_worry, _("oroliga för bostadsinbrott")),
        )
        if sentence
    ]
    if not years:
        return rows, None, trends
    points = [
        (str(year), None if unsafe.get(year) is None else _percent(unsafe[year]))
        for year in years
    ]
    title = _("Andel otrygga ute ensam sent på kvällen, procent per år")
    desc = _desc(title, points, missing=_("dold"))
    svg = charts.bar_chart(points, title=title, desc=desc, id_prefix="sum-survey")
    table = charts.data_table(
        points,
        caption=title,
        label_header=_("År"),
        value_header=_("Procent"),
        missing=_("dold"),
    )
    chart = Chart(key="survey", title=title, desc=desc, points=points, svg=svg, table=table)
    return rows, chart, trends


def _percent(item) -> float | None:
    return None if item.share is None else 100 * item.share


def _top_categories(values: list[IndicatorValue]) -> list[tuple[str, int]]:
    """The e-service's top categories, from the received-reports indicator's breakdown (the
    same figures, not counted twice); fewer than five are left out, as on the public page,
    since the summary is published as it is."""
    for value in values:
        if value.indicator.code == "reports_received" and value.breakdowns:
            counted = [(label, int(count)) for label, count in value.breakdowns[0][1]]
            return [(label, count) for label, count in counted if not suppressed(count)]
    return []


def _number(value: Decimal) -> str:
    """A manual entry's value as the active language writes it (Django's `number_format`:
    "12,5" in Swedish, "12.5" in English): no exponent, no trailing zeros."""
    return number_format(value.normalize())


def _latest_entry(indicator: ManualIndicator, start, end) -> ManualIndicatorEntry | None:
    entries = [e for e in indicator.entries.all() if start <= e.date < end]
    return max(entries, key=lambda e: (e.date, e.pk), default=None)


def _manual_value(indicator: ManualIndicator, entry: ManualIndicatorEntry | None) -> str:
    if entry is None:
        return str(_("inga uppgifter"))
    return _("%(value)s %(unit)s (%(date)s, källa: %(source)s)") % {
        "value": _number(entry.value),
        "unit": indicator.unit,
        "date": entry.date.isoformat(),
        "source": entry.source,
    }


def manual_indicator_rows(municipality, year: int, today: datetime.date) -> list[IndicatorRow]:
    """The manual indicators (what lies outside the system) as rows of the indicator table:
    the latest entry of the year (up to `today` while it runs) with its date and source,
    against the latest entry of the same period last year. The entries are figures with a
    source, published with the summary; an entry's comment is not."""
    start, end = period_for(year, today)
    before = (shift_year(start, -1), shift_year(end, -1))
    rows = []
    for indicator in ManualIndicator.objects.for_municipality(municipality).prefetch_related(
        "entries"
    ):
        rows.append(
            IndicatorRow(
                name=indicator.name,
                definition=indicator.definition,
                value=_manual_value(indicator, _latest_entry(indicator, start, end)),
                previous=_manual_value(indicator, _latest_entry(indicator, *before)),
                caution="",
                chart=None,
            )
        )
    return rows


def _dialogues(promise: Promise, year: int, *, public: bool) -> list[DialogueLine]:
    start, end = year_period(year)
    dialogues = Dialogue.objects.for_municipality(promise.municipality).filter(
        kind=DialogueKind.CITIZEN, date__gte=start, date__lt=end
    )
    return [
        DialogueLine(
            date=d.date,
            kind=str(DialogueKind(d.kind).label),
            participants=d.participant_count,
            title="" if public else d.title,
            concerns="" if public else d.concerns,
        )
        for d in dialogues.order_by("date", "id")
    ]


def build_summary(
    *, promise: Promise, year: int, today: datetime.date, public: bool = False
) -> Summary:
    """The year's summary of `promise`, figures computed now (up to `today` in a running
    year). `public` gives the version that is published: without the reasons for postponed
    or cancelled activities and without the dialogues' titles and notes."""
    code = promise.municipality.code
    # The year's figures once: the indicators and the survey table read the same series.
    now = period_figures(municipality_code=code, year=year, today=today)
    values = indicator_values(municipality_code=code, year=year, today=today, now=now)
    indicators = [
        IndicatorRow(
            name=str(v.indicator.name),
            definition=str(v.indicator.definition),
            value=v.shown_value,
            previous=v.shown_previous,
            caution=str(v.caution),
            chart=_chart(v),
        )
        for v in values
    ] + manual_indicator_rows(promise.municipality, year, today)
    survey_rows, survey_chart, survey_trends = _survey(now)
    themes_year, themes = latest_survey_themes(municipality_code=code, year=year)
    return Summary(
        promise=promise,
        year=year,
        municipality=promise.municipality.name,
        generated=today,
        due=summary_due_date(promise, year),
        texts=current_texts(promise, year),
        commitments=_commitments(promise, public=public),
        indicators=indicators,
        survey_rows=survey_rows,
        survey_chart=survey_chart,
        survey_trends=survey_trends,
        report_themes=_top_categories(values),
        survey_themes=themes,
        survey_themes_year=themes_year,
        dialogues=_dialogues(promise, year, public=public),
        public=public,
        headings={s.value: str(s.label) for s in SummarySection},
    )


def published_summaries(municipality) -> list[PublishedSummary]:
    """The public archive: of each published promise and year, the newest published summary
    that was not withdrawn (an earlier one replaced by it is not public); newest year first."""
    newest: dict[tuple[int, int], PublishedSummary] = {}
    rows = PublishedSummary.objects.for_municipality(municipality).filter(
        promise__published=True, withdrawn__isnull=True
    )
    for row in rows.select_related("promise").order_by("-year", "-published", "-id"):
        newest.setdefault((row.promise_id, row.year), row)
    return list(newest.values())


def current_published(promise: Promise, year: int) -> PublishedSummary | None:
    """The one published summary of the promise's year the public may read (the newest not
    withdrawn), or None; whether the promise itself is published is the caller's check."""
    return (
        PublishedSummary.objects.filter(promise=promise, year=year, withdrawn__isnull=True)
        .order_by("-published", "-id")
        .first()
    )

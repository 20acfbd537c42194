"""The follow-up's indicators, computed live from every app's own figure functions.

An indicator is a definition (code, Swedish name, a plain-Swedish definition, its source and
unit) and a way to read one number from the figures of a period. Nothing here reads a model:
the numbers come from `reports.figures`, `watch.figures`, `analytics.figures` and
`surveys.figures`, so each app stays the one place that knows what its rows mean.

The period is the calendar year; the current year runs up to and including `today` and is
compared with the same dates a year earlier, so a half year is never set against a whole.
Survey indicators are yearly by nature: the survey of the year, against last year's survey.
Baselines (a given year's value, computed the same way) and targets are passed in by the
caller, who keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.utils.dates import MONTHS_3
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tryggve.analytics import figures as analytics_figures
from tryggve.lib import charts
from tryggve.lib.periods import shift_year, year_period
from tryggve.reports import figures as report_figures
from tryggve.surveys import figures as survey_figures
from tryggve.watch import figures as watch_figures

# Below this many cases, answers or hours a share moves a lot with a single one.
SMALL_N = 10

COUNT = "count"
SHARE = "share"  # a fraction 0-1; shown as a percentage
DAYS = "days"
HOURS = "hours"
RATE = "rate"  # per 1,000 households

UNIT_LABELS = {
    COUNT: gettext_lazy("antal"),
    SHARE: gettext_lazy("procent"),
    DAYS: gettext_lazy("dagar"),
    HOURS: gettext_lazy("timmar"),
    RATE: gettext_lazy("per 1 000 hushåll"),
}

Trend = list[tuple[str, float | None]]
Breakdown = tuple[str, list[tuple[str, float]]]


@dataclass(frozen=True)
class Reading:
    """One period's number and what goes with it."""

    value: float | None
    n: int | None = None  # what a share or rate stands on, for the small-numbers caution
    low: float | None = None  # 95 % interval, where the source gives one
    high: float | None = None
    trend: Trend = field(default_factory=list)
    # Tables under the figure: (heading, [(label, value), ...]), e.g. the top categories.
    breakdowns: list[Breakdown] = field(default_factory=list)
    caution: str = ""
    # A survey share of fewer than five answers: there is a figure, but it is hidden
    # ("dold", as on the survey's own pages), which is not the same as no figure at all.
    suppressed: bool = False


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    definition: Promise
    source: str  # the figure function it reads, for the page's "Källa"
    unit: str
    read: Callable[[Figures], Reading]
    yearly: bool = False  # a survey figure: one value per year, trend over the years

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS[self.unit])

    @property
    def page(self) -> SourcePage:
        """The staff page that shows the same figure, to compare with."""
        return SOURCE_PAGES.get(self.source) or SOURCE_PAGES[self.source.split(".")[0]]


@dataclass(frozen=True)
class SourcePage:
    """Where a staff member opens the figures an indicator is read from: the URL name, the
    page key that opens it (None: a public page) and the page's name."""

    url_name: str
    page_key: str | None
    name: Promise
    # Whether the page counts the same period as the indicator; if not, the live page says
    # what the page counts instead.
    note: Promise | str = ""


SOURCE_PAGES = {
    "reports": SourcePage(
        "reports:staff_figures",
        "reports.figures",
        gettext_lazy("Siffror: rapporter om otrygga platser"),
        gettext_lazy(
            "Sidan räknar alla ärenden sedan starten, inte bara periodens, och visar dem per "
            "kategori."
        ),
    ),
    "watch": SourcePage(
        "watch:staff_figures", "watch.read", gettext_lazy("Grannsamverkan i siffror")
    ),
    "analytics": SourcePage(
        "analytics:overview", "analytics.read", gettext_lazy("Lägesbild: utsatta bostadsområden")
    ),
    "analytics.figures.presence_figures": SourcePage(
        "analytics:presence", "analytics.operational", gettext_lazy("Synlighet och närvaro")
    ),
    "surveys": SourcePage(
        "surveys:public_results", None, gettext_lazy("Trygghetsenkätens resultat")
    ),
}


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for the period, against last year, its baseline and target."""

    indicator: Indicator
    start: date
    end: date  # excluded
    value: float | None
    low: float | None
    high: float | None
    previous: float | None  # the same period a year earlier
    baseline_year: int | None
    baseline: float | None
    target: float | None
    trend: Trend
    breakdowns: list[Breakdown]
    caution: str
    suppressed: bool = False
    previous_low: float | None = None
    previous_high: float | None = None
    previous_suppressed: bool = False

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def last_day(self) -> date:
        """The period's last day, included (`end` is the day after)."""
        return max(self.start, self.end - timedelta(days=1))

    @property
    def shown_value(self) -> str:
        """The value as every page and document writes it, with its interval in words."""
        return describe(
            self.value,
            self.indicator.unit,
            low=self.low,
            high=self.high,
            suppressed=self.suppressed,
        )

    @property
    def shown_previous(self) -> str:
        return describe(
            self.previous,
            self.indicator.unit,
            low=self.previous_low,
            high=self.previous_high,
            suppressed=self.previous_suppressed,
        )

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


class Figures:
    """Every app's figures for one municipality and period, each fetched once when first
    read (an indicator page reads each source for two or three periods)."""

    def __init__(
        self,
        *,
        municipality_code: str,
        start: date,
        end: date,
        year: int,
        today: date,
        surveys_of: Figures | None = None,
    ):
        self.code, self.start, self.end, self.year, self.today = (
            municipality_code,
            start,
            end,
            year,
            today,
        )
        # Survey figures span every year in one call: other periods reuse the first's.
        self.surveys_of = surveys_of

    def _period(self) -> dict:
        return {"municipality_code": self.code, "start": self.start, "end": self.end}

    @cached_property
    def reports(self) -> report_figures.ReportFigures:
        return report_figures.report_figures(**self._period(), today=self.today)

    @cached_property
    def feedback(self) -> report_figures.FeedbackFigures:
        return report_figures.feedback_figures(**self._period())

    @cached_property
    def watch(self) -> watch_figures.WatchFigures:
        return watch_figures.watch_figures(**self._period())

    @cached_property
    def presence(self) -> analytics_figures.PresenceFigures:
        return analytics_figures.presence_figures(**self._period())

    @cached_property
    def burglary(self) -> analytics_figures.BurglaryFigures:
        return analytics_figures.burglary_figures(**self._period())

    @cached_property
    def respondents(self) -> list[survey_figures.YearRespondents]:
        if self.surveys_of is not None:
            return self.surveys_of.respondents
        return survey_figures.respondents_per_year(municipality_code=self.code)

    @cached_property
    def unsafe(self) -> list[survey_figures.UnsafeShare]:
        if self.surveys_of is not None:
            return self.surveys_of.unsafe
        return survey_figures.unsafe_share(municipality_code=self.code)

    @cached_property
    def survey_unfinished(self) -> set[int]:
        if self.surveys_of is not None:
            return self.surveys_of.survey_unfinished
        return survey_figures.unfinished_years(municipality_code=self.code)

    @cached_property
    def burglary_worry(self) -> list[survey_figures.UnsafeShare]:
        if self.surveys_of is not None:
            return self.surveys_of.burglary_worry
        return survey_figures.burglary_worry_share(municipality_code=self.code)


def period_for(year: int, today: date) -> tuple[date, date]:
    """The calendar year, cut at the end of `today` while it is running."""
    start, end = year_period(year)
    return start, max(start, min(end, today + timedelta(days=1)))


def _months(series: list[tuple[tuple[int, int], float]]) -> Trend:
    return [(f"{MONTHS_3[month]}", value) for (_year, month), value in series]


def _share_caution(n: int, *, what: Promise) -> str:
    if 0 < n < SMALL_N:
        return _(
            "Litet underlag (%(n)s %(what)s): några fler eller färre ändrar andelen mycket."
        ) % {
            "n": n,
            "what": what,
        }
    return ""


# Readers: one small function per indicator -----------------------------------------------


def _received(f: Figures) -> Reading:
    r = f.reports
    return Reading(
        value=r.received,
        trend=_months(r.per_month),
        breakdowns=[
            (_("Vanligaste kategorierna"), [(c.label, c.count) for c in r.top_categories]),
            (_("Vanligaste områdena"), [(a.label, a.count) for a in r.top_areas]),
        ],
    )


def _within_target(f: Figures) -> Reading:
    r = f.reports
    return Reading(
        value=r.within_target_share,
        n=r.decided,
        caution=_share_caution(r.decided, what=gettext_lazy("ärenden")),
    )


def _resolved(f: Figures) -> Reading:
    r = f.reports
    return Reading(
        value=r.resolved_share,
        n=r.handled,
        caution=_share_caution(r.handled, what=gettext_lazy("ärenden")),
    )


def _median_days(f: Figures) -> Reading:
    r = f.reports
    return Reading(
        value=r.median_days,
        n=r.resolved,
        caution=_share_caution(r.resolved, what=gettext_lazy("åtgärdade ärenden")),
    )


def _feedback_yes(f: Figures) -> Reading:
    fb = f.feedback
    return Reading(
        value=fb.yes_share,
        n=fb.answered,
        caution=_share_caution(fb.answered, what=gettext_lazy("svar")),
    )


def _watch_count(attribute: str) -> Callable[[Figures], Reading]:
    def read(f: Figures) -> Reading:
        return Reading(value=getattr(f.watch, attribute))

    return read


def _watch_households(f: Figures) -> Reading:
    w = f.watch
    return Reading(value=w.households, trend=_months(w.joined_per_month))


def _watch_coverage(f: Figures) -> Reading:
    w = f.watch
    return Reading(value=w.covered_share, n=w.municipality_households)


def _presence_hours(f: Figures) -> Reading:
    p = f.presence
    return Reading(
        value=p.hours,
        trend=_months(p.per_month),
        breakdowns=[
            (
                _("Per område"),
                [(name or _("Utanför bostadsområden"), total) for name, _m, total in p.by_area],
            )
        ],
    )


def _presence_pointed(f: Figures) -> Reading:
    p = f.presence
    caution = ""
    if 0 < p.hours < SMALL_N:
        caution = _("Litet underlag: bara %(hours)s timmar närvaro.") % {
            "hours": format_decimal(p.hours)
        }
    return Reading(value=p.pointed_share, caution=caution)


def _burglaries(f: Figures) -> Reading:
    b = f.burglary
    return Reading(value=b.count, trend=_months(b.per_month))


def _burglary_rate(f: Figures) -> Reading:
    b = f.burglary
    caution = ""
    if b.too_few and b.rate is not None:
        caution = _(
            "För få inbrott för att dra slutsatser: ett enda inbrott mer eller mindre ändrar "
            "takten mycket. Se intervallet."
        )
    return Reading(value=b.rate, n=b.count, low=b.low, high=b.high, caution=caution)


def _survey_year(items, year: int):
    return next((item for item in items if item.year == year), None)


def _survey_missing(f: Figures) -> str:
    """Why a survey year has no figure: its survey is still open (figures only from a
    finished survey), or there was none."""
    if f.year in f.survey_unfinished:
        return _("Årets enkät är inte avslutad: siffran räknas när enkäten har stängt.")
    return _("Ingen enkät med svar det här året.")


def _respondents(f: Figures) -> Reading:
    item = _survey_year(f.respondents, f.year)
    return Reading(
        value=item.respondents if item else None,
        trend=[(str(i.year), i.respondents) for i in f.respondents if i.year <= f.year],
        caution="" if item else _survey_missing(f),
    )


def _survey_share(attribute: str) -> Callable[[Figures], Reading]:
    def read(f: Figures) -> Reading:
        series = getattr(f, attribute)
        item = _survey_year(series, f.year)
        caution = "" if item is not None else _survey_missing(f)
        if item is not None and item.suppressed:
            caution = _("Färre än fem svar: andelen visas inte.")
        return Reading(
            value=item.share if item else None,
            n=item.respondents if item else None,
            low=item.low if item else None,
            high=item.high if item else None,
            trend=[(str(i.year), i.share) for i in series if i.year <= f.year],
            caution=caution,
            suppressed=bool(item is not None and item.suppressed),
        )

    return read


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "reports_received",
        gettext_lazy("Inkomna synpunkter"),
        gettext_lazy(
            "Antal synpunkter om otrygga platser som kom in via e-tjänsten under perioden, "
            "dubbletter medräknade. Visar också de vanligaste kategorierna och områdena."
        ),
        "reports.figures.report_figures",
        COUNT,
        _received,
    ),
    Indicator(
        "reports_within_target",
        gettext_lazy("Hanterade inom måltiden"),
        gettext_lazy(
            "Andel av periodens ärenden som avslutades senast på måldagen (inkomstdag plus "
            "kategorins måldagar). Ärenden som är öppna men ännu inte passerat måldagen och "
            "dubbletter räknas inte."
        ),
        "reports.figures.report_figures",
        SHARE,
        _within_target,
    ),
    Indicator(
        "reports_resolved",
        gettext_lazy("Åtgärdade ärenden"),
        gettext_lazy("Andel av periodens ärenden (utom dubbletter) som har status Åtgärdad."),
        "reports.figures.report_figures",
        SHARE,
        _resolved,
    ),
    Indicator(
        "reports_median_days",
        gettext_lazy("Dagar till åtgärd (median)"),
        gettext_lazy(
            "Hälften av de åtgärdade ärendena från perioden tog högst så här många dagar "
            "från att synpunkten kom in till att ärendet avslutades."
        ),
        "reports.figures.report_figures",
        DAYS,
        _median_days,
    ),
    Indicator(
        "reports_feels_safer",
        gettext_lazy("Platsen känns tryggare"),
        gettext_lazy(
            "Andel som svarade ja på frågan ”Känns platsen tryggare nu?”, som ställs två "
            "veckor efter att ett ärende åtgärdats. Delvis räknas inte som ja."
        ),
        "reports.figures.feedback_figures",
        SHARE,
        _feedback_yes,
    ),
    Indicator(
        "watch_offered",
        gettext_lazy("Erbjudna grannsamverkansområden"),
        gettext_lazy("Antal områden som erbjudits grannsamverkan, fram till periodens slut."),
        "watch.figures.watch_figures",
        COUNT,
        _watch_count("offered"),
    ),
    Indicator(
        "watch_gathering",
        gettext_lazy("Erbjudna områden som inte startat"),
        gettext_lazy(
            "Antal erbjudna områden som ännu inte startat vid periodens slut och inte avslutats."
        ),
        "watch.figures.watch_figures",
        COUNT,
        _watch_count("gathering"),
    ),
    Indicator(
        "watch_started",
        gettext_lazy("Startade grannsamverkansområden"),
        gettext_lazy("Antal områden där grannsamverkan startat och pågår vid periodens slut."),
        "watch.figures.watch_figures",
        COUNT,
        _watch_count("started"),
    ),
    Indicator(
        "watch_households",
        gettext_lazy("Anslutna hushåll"),
        gettext_lazy(
            "Antal hushåll som bekräftat sin anmälan till grannsamverkan, fram till periodens slut."
        ),
        "watch.figures.watch_figures",
        COUNT,
        _watch_households,
    ),
    Indicator(
        "watch_coverage",
        gettext_lazy("Andel hushåll i grannsamverkan"),
        gettext_lazy(
            "Hushållen i startade grannsamverkansområden som andel av alla hushåll i "
            "kommunens bostadsområden."
        ),
        "watch.figures.watch_figures",
        SHARE,
        _watch_coverage,
    ),
    Indicator(
        "watch_contact_persons",
        gettext_lazy("Kontaktombud"),
        gettext_lazy("Antal godkända kontaktombud och huvudkontaktombud."),
        "watch.figures.watch_figures",
        COUNT,
        _watch_count("contact_persons"),
    ),
    Indicator(
        "presence_hours",
        gettext_lazy("Polisens synliga närvaro"),
        gettext_lazy("Timmar synlig polisnärvaro som loggats under perioden, per område."),
        "analytics.figures.presence_figures",
        HOURS,
        _presence_hours,
    ),
    Indicator(
        "presence_pointed",
        gettext_lazy("Närvaro där lägesbilden pekade"),
        gettext_lazy(
            "Andel av närvarotimmarna som låg inom 400 meter från ett bostadsinbrott det "
            "senaste året (närvaro som bara loggats per område: i ett område med ett sådant "
            "inbrott) och, där det fanns flera inbrott, under de fyra timmar på dygnet då de "
            "flesta skett."
        ),
        "analytics.figures.presence_figures",
        SHARE,
        _presence_pointed,
    ),
    Indicator(
        "burglaries",
        gettext_lazy("Bostadsinbrott"),
        gettext_lazy(
            "Antal bostadsinbrott i kommunen under perioden, enligt polisens händelser, "
            "importerade filer och kommunens observationer."
        ),
        "analytics.figures.burglary_figures",
        COUNT,
        _burglaries,
    ),
    Indicator(
        "burglary_rate",
        gettext_lazy("Bostadsinbrott per 1 000 hushåll"),
        gettext_lazy(
            "Antal bostadsinbrott per 1 000 hushåll i kommunens bostadsområden, med ett "
            "95-procentigt osäkerhetsintervall. Med få inbrott är intervallet brett."
        ),
        "analytics.figures.burglary_figures",
        RATE,
        _burglary_rate,
    ),
    Indicator(
        "survey_respondents",
        gettext_lazy("Svar på trygghetsenkäten"),
        gettext_lazy("Antal som besvarade årets trygghetsenkät, alla versioner och kanaler."),
        "surveys.figures.respondents_per_year",
        COUNT,
        _respondents,
        yearly=True,
    ),
    Indicator(
        "survey_unsafe_evening",
        gettext_lazy("Otrygga ute sent på kvällen"),
        gettext_lazy(
            "Andel av de svarande som känner sig mycket eller ganska otrygga ute ensamma sent "
            "på kvällen i sitt område, eller avstår från att gå ut av oro för brott."
        ),
        "surveys.figures.unsafe_share",
        SHARE,
        _survey_share("unsafe"),
        yearly=True,
    ),
    Indicator(
        "survey_burglary_worry",
        gettext_lazy("Oroliga för bostadsinbrott"),
        gettext_lazy(
            "Andel av de svarande som det senaste året mycket eller ganska ofta känt sig "
            "oroliga för inbrott i sin bostad."
        ),
        "surveys.figures.burglary_worry_share",
        SHARE,
        _survey_share("burglary_worry"),
        yearly=True,
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def period_figures(*, municipality_code: str, year: int, today: date) -> Figures:
    """The figures of the year (up to `today` while it runs), each fetched when first read:
    a caller that also reads them itself (the annual summary's survey table) passes them to
    `indicator_values`, so nothing is counted twice."""
    start, end = period_for(year, today)
    return Figures(
        municipality_code=municipality_code, start=start, end=end, year=year, today=today
    )


def indicator_values(
    *,
    municipality_code: str,
    year: int,
    today: date,
    baseline_years: Mapping[str, int] | None = None,
    targets: Mapping[str, float] | None = None,
    now: Figures | None = None,
) -> list[IndicatorValue]:
    """Every indicator for the year (up to `today` while it runs), in registry order.

    `baseline_years` maps an indicator's code to the year whose value is its baseline
    (computed here the same way, for the whole calendar year); `targets` maps a code to
    its target value. A value is None when there is nothing to count ("inga uppgifter").
    `now` is the year's `period_figures` when the caller has them already.
    """
    baseline_years = baseline_years or {}
    targets = targets or {}
    start, end = period_for(year, today)
    if now is None:
        now = period_figures(municipality_code=municipality_code, year=year, today=today)
    elif (now.code, now.start, now.end, now.today) != (municipality_code, start, end, today):
        raise ValueError("the figures are of another municipality or period")
    before = Figures(
        municipality_code=municipality_code,
        start=shift_year(start, -1),
        end=shift_year(end, -1),
        year=year - 1,
        today=today,
        surveys_of=now,
    )
    baselines: dict[int, Figures] = {}
    values = []
    for indicator in INDICATORS:
        reading = indicator.read(now)
        previous = indicator.read(before)
        baseline_year = baseline_years.get(indicator.code)
        baseline = None
        if baseline_year is not None:
            if baseline_year not in baselines:
                b_start, b_end = year_period(baseline_year)
                baselines[baseline_year] = Figures(
                    municipality_code=municipality_code,
                    start=b_start,
                    end=b_end,
                    year=baseline_year,
                    today=today,
                    surveys_of=now,
                )
            baseline = indicator.read(baselines[baseline_year]).value
        values.append(
            IndicatorValue(
                indicator=indicator,
                start=start,
                end=end,
                value=reading.value,
                low=reading.low,
                high=reading.high,
                previous=previous.value,
                baseline_year=baseline_year,
                baseline=baseline,
                target=targets.get(indicator.code),
                trend=reading.trend,
                breakdowns=reading.breakdowns,
                caution=reading.caution or _compare_caution(indicator, now, before),
                suppressed=reading.suppressed,
                previous_low=previous.low,
                previous_high=previous.high,
                previous_suppressed=previous.suppressed,
            )
        )
    return values


def _compare_caution(indicator: Indicator, now: Figures, before: Figures) -> str:
    """For the burglary rate: say so when last year's interval overlaps this year's."""
    if indicator.code != "burglary_rate":
        return ""
    a, b = now.burglary, before.burglary
    if None in (a.low, a.high, b.low, b.high):
        return ""
    if a.low <= b.high and b.low <= a.high:
        return _(
            "Skillnaden mot samma period förra året ryms inom slumpen: intervallen överlappar."
        )
    return ""


def format_decimal(value: float, places: int = 1) -> str:
    """`value` rounded to `places` decimals and written as the active language writes it
    (Django's `number_format`): Swedish "3,5", English "3.5". Rounded first, since
    `number_format` cuts the decimals it does not show."""
    return number_format(round(value, places), places)


def format_value(value: float | None, unit: str) -> str:
    """A value as the pages write it, in the active language's number style (a decimal
    comma in Swedish, a point in English; counts grouped by thousands, "1 234" and
    "1,234"); "inga uppgifter" for None."""
    if value is None:
        return _("inga uppgifter")
    if unit == SHARE:
        return f"{round(100 * value)} %"
    if unit == COUNT:
        return number_format(round(value), 0, force_grouping=True)
    return format_decimal(value) + " " + str(UNIT_LABELS[unit])


def format_interval(low: float | None, high: float | None, unit: str) -> str:
    """A 95 % interval in words ("troligen mellan 19 och 31 %"), "" without one: the
    survey's pages and the follow-up's say the same thing the same way."""
    if low is None or high is None:
        return ""
    if unit == SHARE:
        low_text, high_text, unit_text = str(round(100 * low)), str(round(100 * high)), "%"
    elif unit == COUNT:
        low_text = number_format(round(low), 0, force_grouping=True)
        high_text = number_format(round(high), 0, force_grouping=True)
        unit_text = ""
    else:
        low_text, high_text = format_decimal(low), format_decimal(high)
        unit_text = str(UNIT_LABELS[unit])
    return (
        _("troligen mellan %(low)s och %(high)s %(unit)s")
        % {"low": low_text, "high": high_text, "unit": unit_text}
    ).strip()


def describe(
    value: float | None,
    unit: str,
    *,
    low: float | None = None,
    high: float | None = None,
    suppressed: bool = False,
) -> str:
    """A value with its interval in words, or "dold" when a survey share rests on fewer
    than five answers (as the survey's own pages and exports write it); "inga uppgifter"
    only when there is nothing to count."""
    if suppressed:
        return _("dold (färre än 5 svar)")
    shown = format_value(value, unit)
    interval = format_interval(low, high, unit) if value is not None else ""
    return f"{shown} ({interval})" if interval else shown


@dataclass(frozen=True)
class TrendChart:
    """An indicator's trend drawn once for the pages and the annual summary: the SVG and
    the same numbers as a table (both HTML text, escaped by `lib.charts`)."""

    svg: str
    table: str


def trend_chart(value: IndicatorValue, *, id_prefix: str | None = None) -> TrendChart | None:
    """The small chart of an indicator's trend, or None when it has none. Shares are drawn
    as percentages; a missing value is a gap, and "inga uppgifter" in the table."""
    if not value.trend:
        return None
    indicator = value.indicator
    scale = 100 if indicator.unit == SHARE else 1
    points = [(label, None if v is None else v * scale) for label, v in value.trend]
    unit = _("procent") if indicator.unit == SHARE else indicator.unit_label
    by = _("per år") if indicator.yearly else _("per månad")
    missing = trend_missing(indicator)
    described = ", ".join(
        f"{label} {missing if v is None else charts.format_number(v)}" for label, v in points
    )
    title = f"{indicator.name}, {by}"
    svg = charts.bar_chart(
        points,
        title=title,
        desc=_("%(unit)s: %(values)s") % {"unit": unit.capitalize(), "values": described},
        id_prefix=id_prefix or f"chart-{indicator.code}",
    )
    table = charts.data_table(
        points,
        caption=title,
        label_header=_("År") if indicator.yearly else _("Månad"),
        value_header=unit.capitalize(),
        missing=missing,
    )
    return TrendChart(svg=svg, table=table)


def trend_missing(indicator: Indicator) -> str:
    """What a gap in a trend means: a survey year is in a share's series only when it has
    answers, so its gap is a share hidden below five answers ("dold"); a month's gap is
    nothing to count."""
    if indicator.yearly and indicator.unit == SHARE:
        return _("dold")
    return _("inga uppgifter")

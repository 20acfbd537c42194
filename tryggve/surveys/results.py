"""A survey's results: counts, shares with Wilson intervals, breakdowns and trends, with every
figure resting on fewer than five answers suppressed ("färre än 5") wherever it is shown.

A year's results join all versions of that year's survey on the questions' codes; the page
says which versions they come from. Imported counts of earlier years join the totals but
cannot be broken down (they carry no respondent).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tryggve.lib import themes
from tryggve.surveys import bank, stats
from tryggve.surveys.forms import OTHER_AREA
from tryggve.surveys.models import (
    TEXT_KINDS,
    THEME_CHOICES,
    Answer,
    AnswerTheme,
    Channel,
    ImportedCount,
    Question,
    QuestionKind,
    Response,
    Survey,
)

NO_ANSWER = "__none__"
GROUPINGS = {"area": bank.AREA_CODE, "age": bank.AGE_CODE, "gender": bank.GENDER_CODE}


@dataclass
class Cell:
    count: int
    n: int
    suppressed: bool
    share: float = 0.0
    low: float = 0.0
    high: float = 0.0
    # Hidden only so that a small neighbour cannot be derived by subtraction.
    secondary: bool = False

    def hide(self) -> None:
        """Hide this figure as well (secondary suppression); small ones stay "färre än 5"."""
        if not self.suppressed:
            self.suppressed, self.secondary = True, True
            self.share = self.low = self.high = 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def low_percent(self) -> int:
        return round(self.low * 100)

    @property
    def high_percent(self) -> int:
        return round(self.high * 100)


def hide_complementary(cells: list[Cell]) -> None:
    """Secondary suppression within one distribution whose total is shown."""
    for i in stats.complementary([c.count for c in cells]):
        cells[i].hide()


def make_cell(count: int, n: int) -> Cell:
    """A share with its interval, or a suppressed cell when the count or its base is 1..4."""
    if stats.suppressed(count) or stats.suppressed(n) or n == 0:
        return Cell(count=count, n=n, suppressed=n > 0)
    low, high = stats.wilson(count, n)
    return Cell(count=count, n=n, suppressed=False, share=count / n, low=low, high=high)


@dataclass
class YearData:
    """All answers of one year's survey versions, held per response for tallying."""

    surveys: list[Survey]
    answers: dict[int, dict[str, set[str]]] = field(default_factory=dict)
    numbers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    imported: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    imported_respondents: int = 0

    @property
    def respondents(self) -> int:
        return len(self.answers) + self.imported_respondents


def _key(question_code: str, row_code: str | None = None) -> str:
    return f"{question_code}.{row_code}" if row_code else question_code


def load_year(surveys: list[Survey], *, individual_only: bool = False) -> YearData:
    """Read the answers of the given survey versions (two queries)."""
    data = YearData(surveys=surveys)
    ids = [s.pk for s in surveys]
    rows = Answer.objects.filter(response__survey_id__in=ids).values_list(
        "response_id", "question__code", "question__kind", "option__code", "row__code",
        "area__slug", "number",
    )
    for response_id, code, kind, option, row, area, number in rows.iterator(chunk_size=5000):
        mine = data.answers.setdefault(response_id, {})
        if kind == QuestionKind.AREA:
            mine.setdefault(code, set()).add(area or OTHER_AREA)
        elif kind == QuestionKind.MATRIX:
            mine.setdefault(_key(code, row), set()).add(option)
        elif option:
            mine.setdefault(code, set()).add(option)
        else:
            if number is not None:
                data.numbers[code].append(number)
            mine.setdefault(code, set()).add("*")
    if not individual_only:
        data.imported_respondents = sum(s.imported_respondents for s in surveys)
        imported = ImportedCount.objects.filter(survey_id__in=ids).values_list(
            "question__code", "row__code", "option__code", "count"
        )
        for code, row, option, count in imported:
            data.imported[_key(code, row)][option] += count
    return data


def tally(data: YearData, key: str, kind: str, members: set[int] | None = None):
    """(respondents who answered, Counter of options) for a question or matrix row."""
    counts: Counter = Counter()
    n = 0
    for response_id, answers in data.answers.items():
        if members is not None and response_id not in members:
            continue
        values = answers.get(key)
        if values:
            n += 1
            counts.update(values)
    if members is None and key in data.imported:
        counts.update(data.imported[key])
        if kind == QuestionKind.MULTIPLE:
            n += data.imported_respondents
        else:
            n += sum(data.imported[key].values())
    return n, counts


def indicator_codes(question: Question) -> set[str]:
    return {o.code for o in question.options.all() if o.indicator}


def indicator_tally(data: YearData, key: str, codes: set[str], members: set[int] | None = None):
    """(respondents who answered, respondents choosing any indicator option)."""
    n = k = 0
    for response_id, answers in data.answers.items():
        if members is not None and response_id not in members:
            continue
        values = answers.get(key)
        if values:
            n += 1
            k += bool(values & codes)
    if members is None and key in data.imported:
        # Imported counts per option: for a single choice the options exclude each other.
        n += sum(data.imported[key].values())
        k += sum(c for code, c in data.imported[key].items() if code in codes)
    return n, k


def _parts(question: Question) -> list[tuple[str, str]]:
    """(key, label) of what is tallied separately: the question, or each matrix row."""
    if question.kind == QuestionKind.MATRIX:
        return [(_key(question.code, r.code), r.shown_label) for r in question.rows.all()]
    return [(question.code, "")]


def _columns(question: Question, areas: dict[str, str]) -> list[tuple[str, str]]:
    if question.kind == QuestionKind.AREA:
        return [*areas.items(), (OTHER_AREA, _("Annat område eller vet inte"))]
    return [(o.code, o.shown_label) for o in question.options.all()]


def _area_names(survey: Survey) -> dict[str, str]:
    return dict(survey.municipality.areas.values_list("slug", "name"))


def year_surveys(survey: Survey) -> list[Survey]:
    """Every version of the survey's year, oldest first."""
    return list(
        Survey.objects.filter(municipality=survey.municipality, year=survey.year)
        .select_related("municipality")
        .order_by("version")
    )


def question_tables(survey: Survey, *, public: bool = False) -> dict:
    """Per question: every option's count and share with interval (suppressed below 5)."""
    versions = year_surveys(survey)
    data = load_year(versions)
    areas = _area_names(survey)
    questions = list(survey.questions.prefetch_related("options", "rows"))
    items = []
    for q in questions:
        if q.kind in {QuestionKind.TEXT, QuestionKind.MAP}:
            if public:
                continue  # free text and places are never public, not even as counts
            n, _counts = tally(data, q.code, q.kind)
            items.append({"question": q, "answered": n, "parts": []})
            continue
        if q.kind == QuestionKind.NUMBER:
            values = data.numbers.get(q.code, [])
            summary = None
            if len(values) >= stats.MIN_COUNT:
                summary = {
                    "mean": round(statistics.fmean(values), 1),
                    "median": statistics.median(values),
                }
            items.append(
                {
                    "question": q,
                    "answered": len(values),
                    "suppressed": stats.suppressed(len(values)),
                    "summary": summary,
                    "parts": [],
                }
            )
            continue
        parts = []
        for key, label in _parts(q):
            n, counts = tally(data, key, q.kind)
            codes = indicator_codes(q)
            indicator = None
            if codes and q.kind != QuestionKind.MULTIPLE:
                indicator = make_cell(*reversed(indicator_tally(data, key, codes)))
            options = [
                {"label": text, "cell": make_cell(counts.get(code, 0), n)}
                for code, text in _columns(q, areas)
            ]
            if q.kind != QuestionKind.MULTIPLE:
                # Single choice: the options add up to the shown total.
                hide_complementary([o["cell"] for o in options])
            parts.append(
                {"label": label, "n": n, "options": options, "indicator": indicator}
            )
        items.append({"question": q, "parts": parts})
    return {
        "versions": versions,
        "respondents": data.respondents,
        "imported_respondents": data.imported_respondents,
        "is_demo": any(s.is_demo for s in versions),
        "questions": items,
    }


def breakdown(survey: Survey, by: str) -> dict:
    """Each choice question's shares per residential area, age band or gender."""
    versions = year_surveys(survey)
    data = load_year(versions, individual_only=True)
    group_code = GROUPINGS[by]
    areas = _area_names(survey)
    questions = list(survey.questions.prefetch_related("options", "rows"))
    grouping = next((q for q in questions if q.code == group_code), None)
    if grouping is None:
        return {"versions": versions, "groups": [], "tables": []}
    members: dict[str, set[int]] = defaultdict(set)
    for response_id, answers in data.answers.items():
        values = answers.get(group_code) or {NO_ANSWER}
        for value in values:
            members[value].add(response_id)
    groups = [*_columns(grouping, areas), (NO_ANSWER, _("Inget svar"))]
    tables = []
    for q in questions:
        if q.code == group_code or not q.has_options and q.kind != QuestionKind.AREA:
            continue
        columns = _columns(q, areas)
        codes = indicator_codes(q)
        for key, label in _parts(q):
            rows = []
            for value, group_label in groups:
                n, counts = tally(data, key, q.kind, members.get(value, set()))
                indicator = None
                if codes and q.kind != QuestionKind.MULTIPLE:
                    n_i, k_i = indicator_tally(data, key, codes, members.get(value, set()))
                    indicator = make_cell(k_i, n_i)
                rows.append(
                    {
                        "label": group_label,
                        "n": n,
                        "suppressed": stats.suppressed(n),
                        "cells": [make_cell(counts.get(code, 0), n) for code, _t in columns],
                        "indicator": indicator,
                    }
                )
            _hide_breakdown(rows)
            tables.append(
                {
                    "question": q,
                    "row_label": label,
                    "columns": [text for _c, text in columns],
                    "indicator_label": q.indicator_name if codes else "",
                    "rows": rows,
                }
            )
    return {"versions": versions, "groups": groups, "tables": tables}


def _hide_breakdown(rows: list[dict]) -> None:
    """Secondary suppression in a breakdown: the groups' sizes add up to the respondents
    and each row's cells and each column's cells add up to shown totals, so a lone hidden
    figure in any of them is joined by the next smallest one."""
    small_rows = stats.complementary([row["n"] for row in rows])
    for r in small_rows:
        rows[r]["secondary"] = not rows[r]["suppressed"]
        rows[r]["suppressed"] = True
    table = [[cell.count for cell in row["cells"]] for row in rows]
    already = {(r, c) for r in small_rows for c in range(len(table[r]))}
    for r, c in stats.complementary_table(table, hidden=already):
        rows[r]["cells"][c].hide()
    for r in small_rows:
        if rows[r]["indicator"] is not None:
            rows[r]["indicator"].hide()


@dataclass
class YearShare:
    year: int
    n: int
    k: int
    cell: Cell
    is_demo: bool
    versions: list[int]


def _years(municipality_id: int) -> dict[int, list[Survey]]:
    years: dict[int, list[Survey]] = defaultdict(list)
    surveys = Survey.objects.filter(municipality_id=municipality_id).select_related(
        "municipality"
    )
    for s in surveys.order_by("year", "version"):
        years[s.year].append(s)
    return years


def indicator_series(
    *, municipality_id: int, code: str, row: str | None = None, area_slug: str | None = None
) -> list[YearShare]:
    """The headline share of a question (or matrix row) per year, oldest first."""
    result = []
    for year, surveys in sorted(_years(municipality_id).items()):
        newest = surveys[-1]
        question = (
            newest.questions.filter(code=code).prefetch_related("options").first()
        )
        if question is None:
            continue
        codes = indicator_codes(question)
        if not codes:
            continue
        data = load_year(surveys, individual_only=area_slug is not None)
        members = None
        if area_slug is not None:
            members = {
                rid for rid, a in data.answers.items() if area_slug in a.get(bank.AREA_CODE, ())
            }
        n, k = indicator_tally(data, _key(code, row), codes, members)
        if n == 0:
            continue
        result.append(
            YearShare(
                year=year,
                n=n,
                k=k,
                cell=make_cell(k, n),
                is_demo=any(s.is_demo for s in surveys),
                versions=[s.version for s in surveys],
            )
        )
    return result


def trends(survey: Survey) -> list[dict]:
    """For every question with a headline share: the share per year up to the survey's own
    year and, for the last two of them, the change in plain Swedish with whether chance
    could explain it."""
    items = []
    for q in survey.questions.prefetch_related("options", "rows"):
        if not q.indicator_label or q.kind == QuestionKind.MULTIPLE:
            continue
        for key, label in _parts(q):
            row = key.split(".", 1)[1] if "." in key else None
            series = [
                point
                for point in indicator_series(
                    municipality_id=survey.municipality_id, code=q.code, row=row
                )
                if point.year <= survey.year
            ]
            sentence = ""
            shown = [s for s in series if not s.cell.suppressed]
            if len(shown) >= 2:
                a, b = shown[-2], shown[-1]
                sentence = f"{a.year}–{b.year}: " + stats.trend_sentence(
                    q.indicator_name, a.k, a.n, b.k, b.n
                )
            items.append(
                {"question": q, "row_label": label, "series": series, "sentence": sentence}
            )
    return items


def respondent_counts(surveys: list[Survey]) -> dict[int, int]:
    """Respondents per survey (single answers plus imported ones), in one query."""
    counts = dict(
        Response.objects.filter(survey__in=surveys)
        .values("survey")
        .annotate(n=Count("id"))
        .values_list("survey", "n")
    )
    return {s.pk: counts.get(s.pk, 0) + s.imported_respondents for s in surveys}


def live_count(survey: Survey) -> dict:
    """This year's answers so far against last year's total, by channel and by area."""
    versions = year_surveys(survey)
    this_year = sum(respondent_counts(versions).values())
    last = list(
        Survey.objects.filter(municipality=survey.municipality, year=survey.year - 1)
    )
    last_year = sum(respondent_counts(last).values()) if last else None
    by_channel = dict(
        Response.objects.filter(survey__in=versions)
        .values("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    per_area = dict(
        Answer.objects.filter(response__survey__in=versions, question__kind=QuestionKind.AREA)
        .exclude(area=None)
        .values("area")
        .annotate(n=Count("id"))
        .values_list("area", "n")
    )
    areas = [
        {
            "area": area,
            "count": per_area.get(area.pk, 0),
            "per_thousand": (
                round(1000 * per_area.get(area.pk, 0) / area.population, 1)
                if area.population
                else None
            ),
        }
        for area in survey.municipality.areas.all()
    ]
    return {
        "this_year": this_year,
        "last_year": last_year,
        "by_channel": [(label, by_channel.get(value, 0)) for value, label in Channel.choices],
        "areas": areas,
    }


def theme_table(survey: Survey) -> dict:
    """The free-text answers of the survey's year per theme: count and share of the answers
    with free text (one answer may have several themes), "färre än 5" below five; the most
    common first, "övrigt" last. Counts only: the texts themselves are never part of it, so
    the public page may show it, and flagged texts count like any other (two queries)."""
    versions = year_surveys(survey)
    texts = Answer.objects.filter(
        response__survey__in=versions, question__kind__in=TEXT_KINDS
    ).exclude(text="")
    n = texts.count()
    counts = dict(
        AnswerTheme.objects.filter(answer__in=texts)
        .values("code")
        .annotate(k=Count("id"))
        .values_list("code", "k")
    )
    rows = [
        {"code": code, "name": label, "cell": make_cell(counts.get(code, 0), n)}
        for code, label in THEME_CHOICES
    ]
    # Shown counts first, largest first; then "färre än 5" and then none, each in the
    # lexicon's order (sorting hidden counts by size would tell them); "övrigt" last.
    rows.sort(
        key=lambda row: (
            row["code"] == themes.OTHER,
            2 if row["cell"].count == 0 else int(row["cell"].suppressed),
            0 if row["cell"].suppressed else -row["cell"].count,
        )
    )
    return {"n": n, "suppressed": stats.suppressed(n), "rows": rows}


def theme_counts_by_year(municipality_id: int) -> dict[int, tuple[int, dict[str, int], bool]]:
    """Per year: (answers with free text, answers per theme code, demo data?) in two
    queries; years without free text are left out."""
    texts = Answer.objects.filter(
        response__municipality_id=municipality_id, question__kind__in=TEXT_KINDS
    ).exclude(text="")
    totals = texts.values("response__survey__year").annotate(
        n=Count("id"), demo=Count("id", filter=Q(response__is_demo=True))
    )
    result = {row["response__survey__year"]: (row["n"], {}, bool(row["demo"])) for row in totals}
    per_theme = (
        AnswerTheme.objects.filter(answer__in=texts)
        .values("answer__response__survey__year", "code")
        .annotate(k=Count("id"))
    )
    for row in per_theme:
        result[row["answer__response__survey__year"]][1][row["code"]] = row["k"]
    return result

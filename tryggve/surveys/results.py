"""A survey's results: counts, shares with Wilson intervals, breakdowns and trends, with every
figure resting on fewer than five answers suppressed ("dold") wherever it is shown, and
others hidden beside them until none can be worked out from the shown sums.

A year's results join all versions of that year's survey on the questions' codes; the page
says which versions they come from. Imported counts of earlier years join the totals but
cannot be broken down (they carry no respondent).
"""

from __future__ import annotations

import contextvars
import datetime
import hashlib
import pickle
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from tryggve.areas.models import ResidentialArea
from tryggve.lib import themes as lexicon
from tryggve.surveys import bank, maps, stats
from tryggve.surveys.forms import OTHER_AREA
from tryggve.surveys.models import (
    CHOICE_KINDS,
    GROUP_FIELDS,
    TEXT_KINDS,
    THEME_CHOICES,
    Answer,
    AnswerTheme,
    Channel,
    ImportedCount,
    MatrixRow,
    Option,
    Question,
    QuestionKind,
    Response,
    Survey,
    TallySnapshot,
)

NO_ANSWER = "__none__"
GROUPINGS = {"area": bank.AREA_CODE, "age": bank.AGE_CODE, "gender": bank.GENDER_CODE}
# A year's counts stay cached this long (they are keyed by the state of its answers, so a
# new answer is never hidden; the limit only frees memory of years nobody looks at).
TALLY_CACHE_SECONDS = 24 * 3600


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
        """Hide this figure as well (secondary suppression); every hidden figure reads
        "dold", so a small one cannot be told from its hidden neighbour."""
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


def _exclusive_column(question: Question, columns) -> int | None:
    """The column of the option that excludes the others ("Nej, inget av detta")."""
    codes = {o.code for o in question.options.all() if o.exclusive}
    return next((i for i, (code, _t) in enumerate(columns) if code in codes), None)


def protect_distribution(
    cells: list[Cell],
    *,
    adds_up: bool,
    indicator: Cell | None,
    indicator_columns: list[int],
    exclusive_column: int | None = None,
) -> None:
    """Secondary suppression of one distribution: its total (when the options add up to it)
    and its indicator's count (the share feeling unsafe, a sum of some options) are shown,
    so a hidden option must not follow from either or from both together; for multiple
    choice, nor from the respondents' number (each ticked at least one option)."""
    table = [[cell.count for cell in cells]]
    hidden = {(0, c) for c, cell in enumerate(cells) if cell.suppressed}
    lines = [[(0, c) for c in range(len(cells))]] if adds_up else []
    optional = {}
    if indicator is not None and not indicator.suppressed:
        optional[0] = [(0, c) for c in indicator_columns]
    choice_rows = []
    if not adds_up and cells and not stats.suppressed(cells[0].n):
        exclusive = (0, exclusive_column) if exclusive_column is not None else None
        choice_rows.append(([(0, c) for c in range(len(cells))], exclusive, cells[0].n))
    hidden, withheld = stats.protect(
        table, hidden=hidden, lines=lines, optional=optional, choice_rows=choice_rows
    )
    for _r, c in hidden:
        cells[c].hide()
    if withheld and indicator is not None:
        indicator.hide()


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


@dataclass
class Freshness:
    """What a results page served within `serving()`: when the oldest counts it showed
    that no longer match the answers were computed (None: everything is up to date), and
    the survey versions whose years are being counted again."""

    counted_at: datetime.datetime | None = None
    outdated_surveys: set[int] = field(default_factory=set)

    def outdated(self, computed_at: datetime.datetime, survey_ids: list[int]) -> None:
        if self.counted_at is None or computed_at < self.counted_at:
            self.counted_at = computed_at
        self.outdated_surveys.update(survey_ids)


_serving: contextvars.ContextVar[Freshness | None] = contextvars.ContextVar(
    "surveys_results_serving", default=None
)


@contextmanager
def serving() -> Iterator[Freshness]:
    """Within it the results functions serve a year's last computed counts when newer
    answers have come in, instead of counting them again during the request; the yielded
    `Freshness` says whether they did. Outside it every figure is counted up to date."""
    freshness = Freshness()
    token = _serving.set(freshness)
    try:
        yield freshness
    finally:
        _serving.reset(token)


# What modules above this one store for the results pages, counted again by
# `results_refresh` too (`representativeness` adds its comparison and the raking; it reads
# this module, so it registers itself: see SurveysConfig.ready).
REFRESH_ALSO: list = []


def refresh_also(function):
    """Register `function(survey)` to run in every `results_refresh` (once)."""
    if function not in REFRESH_ALSO:
        REFRESH_ALSO.append(function)
    return function


def results_refresh(*, survey: Survey) -> None:
    """Count a year's results again and store them (`TallySnapshot`), as the results pages
    and exports ask for them: the tables, the three breakdowns, the theme table and the
    representativeness (each for staff and, without repeats from one address, for the
    public page), the weighted results (raking), the map of unsafe places (staff's and
    the public one, in every language) and the trends of this year and of the later years
    (their trends include this year). Run by a background
    task after answers arrive, so that no page view waits for the counting."""
    newest = year_surveys(survey)[-1]
    for public in (False, True):
        question_tables(newest, public=public)
        for by in GROUPINGS:
            breakdown(newest, by, public=public)
        theme_table(newest, public=public)
    for refresh in REFRESH_ALSO:
        refresh(newest)
    for language, _name in settings.LANGUAGES:
        with override(language):
            for public in (False, True):
                places(newest, public=public)
    later = Survey.objects.filter(
        municipality_id=survey.municipality_id, year__gte=survey.year
    ).current_versions()
    for each in later.select_related("municipality"):
        trends(each)
        trends(each, public=True)


def _key(question_code: str, row_code: str | None = None) -> str:
    return f"{question_code}.{row_code}" if row_code else question_code


def load_year(surveys: list[Survey], *, individual_only: bool = False) -> YearData:
    """Read the answers of the given survey versions (two queries)."""
    data = YearData(surveys=surveys)
    ids = [s.pk for s in surveys]
    rows = Answer.objects.filter(response__survey_id__in=ids).values_list(
        "response_id",
        "question__code",
        "question__kind",
        "option__code",
        "row__code",
        "area__slug",
        "number",
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


# Tallies computed by the database ---------------------------------------------------------
#
# The pages' figures are counts of respondents per question (or matrix row) and answer,
# so the database counts them (GROUP BY) instead of Python reading every answer row: with
# 100,000 respondents a year holds about two million rows. Every writer (the answer form,
# paper entry, the importers) saves at most one row per respondent and single-choice
# question, matrix row or area question, so there COUNT(*) counts respondents; multiple
# choice, free text, numbers and places may have several rows and are counted DISTINCT.
# `load_year` and `tally` above give the same figures from the rows and stay for callers
# that need single respondents.

_ONE_ROW_KINDS = {*CHOICE_KINDS, QuestionKind.MATRIX, QuestionKind.AREA}


@dataclass
class _Tallies:
    """Respondents per key (question code or code.row) and per answer value, for one year
    (or one group of its respondents). Values are as in `load_year`: option codes, area
    slugs (or OTHER_AREA), and "*" for answers without an option."""

    n: Counter = field(default_factory=Counter)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    numbers: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, key: str, value, count: int, *, answered: bool = True) -> None:
        self.counts[key][value] += count
        if answered:
            self.n[key] += count

    def minus(self, other: _Tallies) -> _Tallies:
        """These counts without those of `other`, a subset of the same respondents (the
        repeats from one address): respondents are disjoint, so subtraction is exact."""
        result = _Tallies(n=self.n - other.n)
        for key, counts in self.counts.items():
            result.counts[key] = counts - other.counts.get(key, Counter())
        for key, numbers in self.numbers.items():
            result.numbers[key] = numbers - other.numbers.get(key, Counter())
        return result


@dataclass
class _Names:
    """Codes of the ids a year's answer rows refer to (all versions of the year), and the
    state of its answers (`stamp`), which changes whenever a response comes or goes."""

    questions: dict[int, tuple[str, str]]  # id -> (code, kind)
    options: dict[int, str]
    rows: dict[int, str]
    areas: dict[int, str]
    stamp: str = ""
    survey_ids: list[int] = field(default_factory=list)
    # Public figures: answers marked `repeat_from_address` are left out (subtracted).
    public: bool = False
    repeats: int = 0  # responses so marked (their counts are only read when there are some)

    @property
    def without_repeats(self) -> bool:
        return self.public and self.repeats > 0

    def answers(self, *, repeats: bool = False):
        """The answer rows counted: all, or only those of repeats from one address."""
        if repeats:
            return Answer.objects.filter(response__repeat_from_address=True)
        return Answer.objects.all()

    def cached(self, what: str, compute, *, version: str = ""):
        """`compute()`, kept while the year's answers stay the same: in this process's
        cache and as the year's `TallySnapshot` in the database (shared by every process
        and the task worker).

        Answer rows are only ever written together with their response (all or nothing)
        and never changed, so the number of responses and the highest id name the state
        of every count: a closed year is counted once, an open one again after each new
        answer. Within `serving()` (the results pages) a snapshot of an earlier state is
        served as it is, and the page says when it was counted; `results_refresh` (a
        background task queued after each answer) counts again.

        `version` names what else the figure depends on (staff's theme corrections, the
        population table): a snapshot of another version is never served, not even
        within `serving()`, so a correction shows at once."""
        stamp = f"{self.stamp}|v:{version}"
        key = "surveys:tallies:" + hashlib.sha256(f"{stamp}|{what}".encode()).hexdigest()
        value = cache.get(key)
        if value is not None:
            return value
        slot = hashlib.sha256(f"{sorted(self.survey_ids)}|{what}".encode()).hexdigest()
        snapshot = (
            TallySnapshot.objects.filter(key=slot)
            .values_list("stamp", "value", "computed_at")
            .first()
        )
        if snapshot is not None:
            stored, data, computed_at = snapshot
            if stored == stamp:
                value = _unpickle(data)
                cache.set(key, value, TALLY_CACHE_SECONDS)
                return value
            freshness = _serving.get()
            if freshness is not None and stored.endswith(f"|v:{version}"):
                freshness.outdated(computed_at, self.survey_ids)
                return _unpickle(data)
        value = compute()
        TallySnapshot.objects.update_or_create(
            key=slot,
            defaults={
                "stamp": stamp,
                "value": pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                "computed_at": timezone.now(),
            },
        )
        cache.set(key, value, TALLY_CACHE_SECONDS)
        return value

    def ids(self, kinds) -> list[int]:
        return [pk for pk, (_code, kind) in self.questions.items() if kind in kinds]

    def key(self, question_id: int, row_id: int | None) -> str:
        return _key(self.questions[question_id][0], self.rows.get(row_id))

    def value(self, question_id: int, option_id, area_id):
        kind = self.questions[question_id][1]
        if kind == QuestionKind.AREA:
            return self.areas.get(area_id, OTHER_AREA)
        if option_id is not None or kind == QuestionKind.MATRIX:
            return self.options.get(option_id)
        return "*"


def _unpickle(data: bytes):
    # As Django's database cache: the rows are written only by `_Names.cached`, from
    # counts, never from anything a user sent.
    return pickle.loads(data)  # noqa: S301


def _names(surveys: list[Survey], *, public: bool = False) -> _Names:
    ids = [s.pk for s in surveys]
    municipalities = {s.municipality_id for s in surveys}
    state = Response.objects.filter(survey_id__in=ids).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        repeats=Count("pk", filter=Q(repeat_from_address=True)),
        flagged=Count("pk", filter=Q(has_flagged_text=True)),
    )
    # The flagged count too: re-checking stored texts (migration 0007) changes what staff's
    # map may quote without adding a response.
    return _Names(
        stamp=f"{sorted(ids)}:{state['n']}:{state['last']}:{state['flagged']}",
        survey_ids=ids,
        public=public,
        repeats=state["repeats"],
        questions={
            pk: (code, kind)
            for pk, code, kind in Question.objects.filter(survey_id__in=ids).values_list(
                "pk", "code", "kind"
            )
        },
        options=dict(Option.objects.filter(question__survey_id__in=ids).values_list("pk", "code")),
        rows=dict(MatrixRow.objects.filter(question__survey_id__in=ids).values_list("pk", "code")),
        areas=dict(
            ResidentialArea.objects.filter(municipality_id__in=municipalities).values_list(
                "pk", "slug"
            )
        ),
    )


def _year_tallies(names: _Names, codes: set[str] | None = None) -> _Tallies:
    """Every key's respondents and answer counts over all single answers of the year (a
    few GROUP BY queries, cached). `codes` limits it to those questions."""
    what = f"year:{sorted(codes) if codes is not None else '*'}"
    tallies = names.cached(what, lambda: _count_year(names, codes))
    if not names.without_repeats:
        return tallies
    repeats = names.cached("repeats:" + what, lambda: _count_year(names, codes, repeats=True))
    return tallies.minus(repeats)


def _count_year(names: _Names, codes: set[str] | None, *, repeats: bool = False) -> _Tallies:
    result = _Tallies()
    answers = names.answers(repeats=repeats)

    def wanted(kinds):
        return [pk for pk in names.ids(kinds) if codes is None or names.questions[pk][0] in codes]

    one_row = wanted(_ONE_ROW_KINDS)
    rows = (
        answers.filter(question_id__in=one_row)
        .values_list("question_id", "row_id", "option_id", "area_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for question_id, row_id, option_id, area_id, count in rows:
        key = names.key(question_id, row_id)
        result.add(key, names.value(question_id, option_id, area_id), count)
    several = wanted(set(QuestionKind) - _ONE_ROW_KINDS)
    if several:
        per_question = (
            answers.filter(question_id__in=several)
            .values_list("question_id")
            .annotate(count=Count("response_id", distinct=True))
            .order_by()
        )
        for question_id, count in per_question:
            result.n[names.key(question_id, None)] += count
        per_option = (
            answers.filter(question_id__in=several, option__isnull=False)
            .values_list("question_id", "option_id")
            .annotate(count=Count("response_id", distinct=True))
            .order_by()
        )
        for question_id, option_id, count in per_option:
            key = names.key(question_id, None)
            result.add(key, names.options[option_id], count, answered=False)
        # Rows without an option count once per respondent under "*", as in load_year.
        starred = (
            answers.filter(question_id__in=several, option__isnull=True)
            .values_list("question_id")
            .annotate(count=Count("response_id", distinct=True))
            .order_by()
        )
        for question_id, count in starred:
            result.add(names.key(question_id, None), "*", count, answered=False)
        numbers = (
            answers.filter(question_id__in=several, option__isnull=True, number__isnull=False)
            .values_list("question_id", "number")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for question_id, number, count in numbers:
            result.numbers[names.questions[question_id][0]][number] += count
    return result


def _number_summary(values: Counter) -> dict:
    """Mean and median of a histogram {number: how many}, as `statistics` gives them for
    the list of numbers."""
    total = values.total()
    mean = sum(number * count for number, count in values.items()) / total
    ordered = sorted(values.items())

    def nth(index: int) -> int:
        for number, count in ordered:
            if index < count:
                return number
            index -= count
        raise IndexError(index)

    middle = total // 2
    median = nth(middle) if total % 2 else (nth(middle - 1) + nth(middle)) / 2
    return {"mean": round(mean, 1), "median": median}


def _answered_respondents(surveys: list[Survey], names: _Names) -> int:
    """Respondents with at least one answer row (as `len(load_year(...).answers)`); on
    public pages without the repeats from one address."""
    answered = Answer.objects.filter(response_id=OuterRef("pk"))
    responses = Response.objects.filter(survey__in=surveys).filter(Exists(answered))
    n = names.cached("answered", responses.count)
    if names.without_repeats:
        n -= names.cached("repeats:answered", responses.filter(repeat_from_address=True).count)
    return n


def _imported(surveys: list[Survey]) -> dict[str, Counter]:
    imported: dict[str, Counter] = defaultdict(Counter)
    rows = ImportedCount.objects.filter(survey__in=surveys).values_list(
        "question__code", "row__code", "option__code", "count"
    )
    for code, row, option, count in rows:
        imported[_key(code, row)][option] += count
    return imported


def _with_imported(
    tallies: _Tallies, key: str, kind: str, imported: dict[str, Counter], respondents: int
) -> tuple[int, Counter]:
    """(respondents, Counter of options) of a key with the imported counts, as `tally`."""
    n, counts = tallies.n.get(key, 0), Counter(tallies.counts.get(key, {}))
    if key in imported:
        counts.update(imported[key])
        n += respondents if kind == QuestionKind.MULTIPLE else sum(imported[key].values())
    return n, counts


def _indicator(
    tallies: _Tallies, key: str, codes: set[str], imported: dict[str, Counter] | None = None
) -> tuple[int, int]:
    """(respondents who answered, respondents choosing an indicator option) for a question
    with one row per respondent (not multiple choice), as `indicator_tally`."""
    counts = tallies.counts.get(key, {})
    n = tallies.n.get(key, 0)
    k = sum(c for code, c in counts.items() if code in codes)
    if imported and key in imported:
        n += sum(imported[key].values())
        k += sum(c for code, c in imported[key].items() if code in codes)
    return n, k


def _group_tallies(
    names: _Names, group_code: str, codes: set[str] | None = None
) -> dict[str, _Tallies]:
    """Per answer to the grouping question (NO_ANSWER for respondents without one): each
    key's respondents and answer counts, joining every answer row to its respondent's
    group answer in the database (cached)."""
    what = f"groups:{group_code}:{sorted(codes) if codes is not None else '*'}"
    groups = names.cached(what, lambda: _count_groups(names, group_code, codes))
    if not names.without_repeats:
        return groups
    repeats = names.cached(
        "repeats:" + what, lambda: _count_groups(names, group_code, codes, repeats=True)
    )
    result: dict[str, _Tallies] = defaultdict(_Tallies)
    for value, tallies in groups.items():
        result[value] = tallies.minus(repeats[value]) if value in repeats else tallies
    return result


def _count_groups(
    names: _Names, group_code: str, codes: set[str] | None, *, repeats: bool = False
) -> dict[str, _Tallies]:
    groups: dict[str, _Tallies] = defaultdict(_Tallies)
    answers = names.answers(repeats=repeats)
    if not any(code == group_code for code, _k in names.questions.values()):
        return groups
    # The respondent's group is a column of the response (set when it was saved), so each
    # query is one pass over the year's answer rows joined to their responses.
    group = f"response__{GROUP_FIELDS[group_code]}"

    def wanted(kinds):
        return [
            pk
            for pk in names.ids(kinds)
            if names.questions[pk][0] != group_code
            and (codes is None or names.questions[pk][0] in codes)
        ]

    one_row = wanted(_ONE_ROW_KINDS)
    rows = (
        answers.filter(question_id__in=one_row)
        .values_list(group, "question_id", "row_id", "option_id", "area_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for value, question_id, row_id, option_id, area_id, count in rows:
        tallies = groups[value or NO_ANSWER]
        tallies.add(
            names.key(question_id, row_id), names.value(question_id, option_id, area_id), count
        )
    several = wanted({QuestionKind.MULTIPLE})
    if several:
        per_option = (
            answers.filter(question_id__in=several)
            .values_list(group, "question_id", "option_id")
            .annotate(count=Count("response_id", distinct=True))
            .order_by()
        )
        for value, question_id, option_id, count in per_option:
            key = names.key(question_id, None)
            groups[value or NO_ANSWER].add(
                key, names.value(question_id, option_id, None), count, answered=False
            )
        per_question = (
            answers.filter(question_id__in=several)
            .values_list(group, "question_id")
            .annotate(count=Count("response_id", distinct=True))
            .order_by()
        )
        for value, question_id, count in per_question:
            groups[value or NO_ANSWER].n[names.key(question_id, None)] += count
    return groups


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
    names = _names(versions, public=public)
    tallies = _year_tallies(names)
    imported = _imported(versions)
    imported_respondents = sum(s.imported_respondents for s in versions)
    areas = _area_names(survey)
    questions = list(survey.questions.prefetch_related("options", "rows"))
    items = []
    for q in questions:
        if q.kind in {QuestionKind.TEXT, QuestionKind.MAP}:
            if public:
                continue  # free text and places are never public, not even as counts
            n, _counts = _with_imported(tallies, q.code, q.kind, imported, imported_respondents)
            items.append({"question": q, "answered": n, "parts": []})
            continue
        if q.kind == QuestionKind.NUMBER:
            values = tallies.numbers.get(q.code, Counter())
            answered = values.total()
            summary = None
            if answered >= stats.MIN_COUNT:
                summary = _number_summary(values)
            items.append(
                {
                    "question": q,
                    "answered": answered,
                    "suppressed": stats.suppressed(answered),
                    "summary": summary,
                    "parts": [],
                }
            )
            continue
        parts = []
        for key, label in _parts(q):
            n, counts = _with_imported(tallies, key, q.kind, imported, imported_respondents)
            codes = indicator_codes(q)
            indicator = None
            if codes and q.kind != QuestionKind.MULTIPLE:
                indicator = make_cell(*reversed(_indicator(tallies, key, codes, imported)))
            columns = _columns(q, areas)
            options = [
                {"label": text, "cell": make_cell(counts.get(code, 0), n)} for code, text in columns
            ]
            # Single choice: the options add up to the shown total.
            protect_distribution(
                [o["cell"] for o in options],
                adds_up=q.kind != QuestionKind.MULTIPLE,
                indicator=indicator,
                indicator_columns=[i for i, (code, _t) in enumerate(columns) if code in codes],
                exclusive_column=_exclusive_column(q, columns),
            )
            parts.append({"label": label, "n": n, "options": options, "indicator": indicator})
        items.append({"question": q, "parts": parts})
    return {
        "versions": versions,
        "respondents": _answered_respondents(versions, names) + imported_respondents,
        "imported_respondents": imported_respondents,
        "is_demo": any(s.is_demo for s in versions),
        "questions": items,
    }


def breakdown(survey: Survey, by: str, *, public: bool = False) -> dict:
    """Each choice question's shares per residential area, age band or gender (public:
    without the repeats from one address).

    The protected figures (which cells the suppression hides) are stored with the year's
    counts (`_Names.cached`): the exact audit behind them takes a second or more, which a
    page must not pay, and `results_refresh` computes them after new answers."""
    versions = year_surveys(survey)
    group_code = GROUPINGS[by]
    areas = _area_names(survey)
    questions = list(survey.questions.prefetch_related("options", "rows"))
    grouping = next((q for q in questions if q.code == group_code), None)
    if grouping is None:
        return {"versions": versions, "groups": [], "tables": []}
    names = _names(versions, public=public)
    groups = [*_columns(grouping, areas), (NO_ANSWER, _("Inget svar"))]
    plan = []
    for q in questions:
        if q.code == group_code or not q.has_options and q.kind != QuestionKind.AREA:
            continue
        columns = _columns(q, areas)
        codes = indicator_codes(q)
        for key, label in _parts(q):
            plan.append((q, key, label, columns, codes))
    # What the figures depend on besides the answers: the tables' rows and columns.
    layout = repr(
        (
            [code for code, _t in groups],
            [
                (q.code, q.kind, key, [c for c, _t in columns], sorted(codes),
                 _exclusive_column(q, columns))
                for q, key, _l, columns, codes in plan
            ],
        )
    )
    version = hashlib.sha256(layout.encode()).hexdigest()[:16]
    figures = names.cached(
        f"breakdown:{by}:{int(public)}",
        lambda: _breakdown_figures(names, group_code, groups, plan),
        version=version,
    )
    tables = []
    for (q, _key, label, columns, codes), rows in zip(plan, figures, strict=True):
        for row, (_value, group_label) in zip(rows, groups, strict=True):
            row["label"] = group_label
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


def _breakdown_figures(names: _Names, group_code: str, groups, plan) -> list[list[dict]]:
    """Per planned table, its rows (one per group) of protected cells, without labels."""
    members = _group_tallies(names, group_code)
    empty = _Tallies()
    tables = []
    for q, key, _label, columns, codes in plan:
        rows = []
        for value, _group_label in groups:
            group = members.get(value, empty)
            n, counts = group.n.get(key, 0), group.counts.get(key, Counter())
            indicator = None
            if codes and q.kind != QuestionKind.MULTIPLE:
                n_i, k_i = _indicator(group, key, codes)
                indicator = make_cell(k_i, n_i)
            rows.append(
                {
                    "n": n,
                    "suppressed": stats.suppressed(n),
                    "cells": [make_cell(counts.get(code, 0), n) for code, _t in columns],
                    "indicator": indicator,
                }
            )
        _hide_breakdown(
            rows,
            adds_up=q.kind != QuestionKind.MULTIPLE,
            indicator_columns=[i for i, (code, _t) in enumerate(columns) if code in codes],
            exclusive_column=_exclusive_column(q, columns),
        )
        tables.append(rows)
    return tables


def _hide_breakdown(
    rows: list[dict],
    *,
    adds_up: bool,
    indicator_columns: list[int],
    exclusive_column: int | None = None,
) -> None:
    """Secondary suppression in a breakdown. Shown sums: the groups' sizes add up to the
    respondents; each shown group's cells add up to its size (single choice); each column
    adds up to the option's count in the overall table; each group's indicator count is a
    sum of some of its cells. No hidden figure may follow from any combination of them
    (`stats.protect`), not only from a single row or column."""
    small_rows = stats.complementary([row["n"] for row in rows])
    for r in small_rows:
        rows[r]["secondary"] = not rows[r]["suppressed"]
        rows[r]["suppressed"] = True
    table = [[cell.count for cell in row["cells"]] for row in rows]
    width = max((len(row) for row in table), default=0)
    hidden = {(r, c) for r in small_rows for c in range(len(table[r]))}
    hidden |= {
        (r, c)
        for r, row in enumerate(rows)
        for c, cell in enumerate(row["cells"])
        if cell.suppressed
    }
    # The overall table shows each option's count over all groups (a column's sum) and
    # the overall indicator count, except what it hides itself: the same protection, on
    # the same numbers, says which.
    totals = [sum(row[c] for row in table if c < len(row)) for c in range(width)]
    respondents = sum(row["n"] for row in rows)
    overall = [make_cell(total, respondents) for total in totals]
    overall_indicator = None
    if indicator_columns and any(row["indicator"] is not None for row in rows):
        overall_indicator = make_cell(sum(totals[c] for c in indicator_columns), respondents)
    protect_distribution(
        overall,
        adds_up=adds_up,
        indicator=overall_indicator,
        indicator_columns=indicator_columns,
        exclusive_column=exclusive_column,
    )
    lines = [
        [(r, c) for r in range(len(table))] for c in range(width) if not overall[c].suppressed
    ]
    if overall_indicator is not None and not overall_indicator.suppressed:
        lines.append([(r, c) for r in range(len(table)) for c in indicator_columns])
    if adds_up:
        lines += [
            [(r, c) for c in range(len(table[r]))] for r in range(len(table)) if r not in small_rows
        ]
    optional = {
        r: [(r, c) for c in indicator_columns]
        for r, row in enumerate(rows)
        if r not in small_rows and row["indicator"] is not None and not row["indicator"].suppressed
    }
    # Multiple choice: a group's options do not add up to its size, but each respondent
    # ticked at least one and none more than the group's size ("Nej" alone excludes the rest).
    choice_rows = []
    if not adds_up:
        for r in range(len(table)):
            if r in small_rows:
                continue
            cells = [(r, c) for c in range(len(table[r]))]
            exclusive = (r, exclusive_column) if exclusive_column is not None else None
            choice_rows.append((cells, exclusive, rows[r]["n"]))
    # The groups hidden whole: their sizes are not shown, but add up to the respondents
    # less the groups shown, and each holds its answers as any group does.
    hidden_groups = [
        stats.Group(
            cells=tuple((r, c) for c in range(len(table[r]))),
            size=rows[r]["n"],
            size_shown=False,
            adds_up=adds_up,
            exclusive=(r, exclusive_column) if exclusive_column is not None else None,
            everyone=tuple(
                (r, c) for c in range(width) if respondents and totals[c] == respondents
            ),
        )
        for r in sorted(small_rows)
    ]
    if adds_up:
        lines.append([(r, c) for r in range(len(table)) for c in range(len(table[r]))])
    hidden, withheld = stats.protect(
        table,
        hidden=hidden,
        lines=lines,
        optional=optional,
        choice_rows=choice_rows,
        hidden_groups=hidden_groups,
        groups_total=sum(rows[r]["n"] for r in small_rows),
    )
    for r, c in hidden:
        rows[r]["cells"][c].hide()
    for r, row in enumerate(rows):
        if row["indicator"] is not None and (r in small_rows or r in withheld):
            row["indicator"].hide()


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
    surveys = Survey.objects.filter(municipality_id=municipality_id).select_related("municipality")
    for s in surveys.order_by("year", "version"):
        years[s.year].append(s)
    return years


def indicator_series(
    *,
    municipality_id: int,
    code: str,
    row: str | None = None,
    area_slug: str | None = None,
    public: bool = False,
) -> list[YearShare]:
    """The headline share of a question (or matrix row) per year, oldest first (public:
    without the repeats from one address)."""
    return _series(
        municipality_id=municipality_id,
        code=code,
        row=row,
        area_slug=area_slug,
        memo={"public": public},
    )


def _year_indicator(surveys, question, key, area_slug, memo, wanted) -> tuple[int, int]:
    """(n, k) of a question's headline share in one year: as `indicator_tally` over
    `load_year(surveys)` (only single answers and one area's respondents with `area_slug`).
    `memo` keeps each year's counts for the other questions of the same page."""
    year = surveys[0].year
    if year not in memo:
        names = _names(surveys, public=memo.get("public", False))
        codes = wanted | {bank.AREA_CODE}
        memo[year] = {
            "names": names,
            "all": _year_tallies(names, codes) if area_slug is None else None,
            "groups": _group_tallies(names, bank.AREA_CODE, codes) if area_slug else None,
            "imported": _imported(surveys) if area_slug is None else {},
        }
    entry = memo[year]
    tallies = entry["all"] if area_slug is None else entry["groups"].get(area_slug, _Tallies())
    codes = indicator_codes(question)
    if question.kind != QuestionKind.MULTIPLE:
        return _indicator(tallies, key, codes, entry["imported"])
    # Several rows per respondent: who chose any indicator option is counted DISTINCT.
    names = entry["names"]
    chosen = Answer.objects.filter(
        question_id__in=[pk for pk, (c, _k) in names.questions.items() if c == question.code],
        option_id__in=[pk for pk, c in names.options.items() if c in codes],
    )
    if area_slug is not None:
        chosen = chosen.filter(**{f"response__{GROUP_FIELDS[bank.AREA_CODE]}": area_slug})
    if names.without_repeats:
        chosen = chosen.filter(response__repeat_from_address=False)
    n = tallies.n.get(key, 0)
    k = chosen.values("response_id").distinct().count()
    imported = entry["imported"].get(key)
    if imported:
        n += sum(imported.values())
        k += sum(c for option, c in imported.items() if option in codes)
    return n, k


def _series(
    *,
    municipality_id: int,
    code: str,
    row: str | None,
    area_slug: str | None,
    memo: dict,
    wanted: set[str] | None = None,
) -> list[YearShare]:
    result = []
    if "years" not in memo:
        memo["years"] = sorted(_years(municipality_id).items())
    for year, surveys in memo["years"]:
        if ("questions", year) not in memo:
            newest = surveys[-1].questions.prefetch_related("options")
            memo[("questions", year)] = {q.code: q for q in newest}
        question = memo[("questions", year)].get(code)
        if question is None:
            continue
        codes = indicator_codes(question)
        if not codes:
            continue
        n, k = _year_indicator(
            surveys, question, _key(code, row), area_slug, memo, wanted or {code}
        )
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


def trends(survey: Survey, *, public: bool = False) -> list[dict]:
    """For every question with a headline share: the share per year up to the survey's own
    year and, for the last two of them, the change in plain Swedish with whether chance
    could explain it (public: without the repeats from one address)."""
    items = []
    questions = [
        q
        for q in survey.questions.prefetch_related("options", "rows")
        if q.indicator_label and q.kind != QuestionKind.MULTIPLE
    ]
    # Each year's counts are read once for all the questions (see _year_indicator).
    memo: dict = {"public": public}
    wanted = {q.code for q in questions}
    for q in questions:
        for key, label in _parts(q):
            row = key.split(".", 1)[1] if "." in key else None
            series = [
                point
                for point in _series(
                    municipality_id=survey.municipality_id,
                    code=q.code,
                    row=row,
                    area_slug=None,
                    memo=memo,
                    wanted=wanted,
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


def places(survey: Survey, *, public: bool) -> maps.PlaceMap:
    """The year's map of unsafe places (`maps.place_map`: public 250 m squares of five or
    more respondents without repeats from one address, or staff's 125 m squares with the
    descriptions), stored like the counts as the page needs it (`PlaceMap.for_page`: the
    map's <script> with every square, the table's squares), per language (squares are
    named). At 100,000 answers a year it reads some 150,000 places and names
    thousands of squares: the background recount does that, not the page."""
    versions = year_surveys(survey)

    def compute() -> maps.PlaceMap:
        place_map = maps.place_map(
            municipality_id=survey.municipality_id, years=[survey.year], public=public
        )
        return place_map.for_page()  # the map's script finished, the table's cells

    what = f"places:{'public' if public else 'staff'}:{get_language()}"
    # Answer rows change only when their words are disposed of: a map stored before that
    # (staff's holds the words) is never served after it.
    disposed = max((s.texts_disposed.isoformat() for s in versions if s.texts_disposed), default="")
    return _names(versions).cached(what, compute, version=f"disposed:{disposed}")


def repeat_count(survey: Survey) -> int:
    """The year's answers marked `repeat_from_address` (counted by staff, not publicly)."""
    return Response.objects.filter(
        survey__in=year_surveys(survey), repeat_from_address=True
    ).count()


def respondent_counts(surveys: list[Survey], *, public: bool = False) -> dict[int, int]:
    """Respondents per survey (single answers plus imported ones), in one query; `public`
    leaves out answers marked `repeat_from_address`, as every published figure does."""
    responses = Response.objects.filter(survey__in=surveys)
    if public:
        responses = responses.filter(repeat_from_address=False)
    counts = dict(
        responses
        .values("survey")
        .annotate(n=Count("id"))
        .values_list("survey", "n")
    )
    return {s.pk: counts.get(s.pk, 0) + s.imported_respondents for s in surveys}


def live_count(survey: Survey) -> dict:
    """This year's answers so far against last year's total, by channel and by area."""
    versions = year_surveys(survey)
    this_year = sum(respondent_counts(versions).values())
    last = list(Survey.objects.filter(municipality=survey.municipality, year=survey.year - 1))
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


def themes_version(municipality_id: int) -> str:
    """The state of staff's theme corrections and the municipality's learned terms: every
    change that re-reads stored themes adds a correction or adds or removes a term, so a
    theme count stored under another version is never served (two small queries)."""
    from tryggve.surveys.models import LearnedTerm, ThemeCorrection

    corrected = ThemeCorrection.objects.aggregate(last=Max("pk"))["last"]
    terms = LearnedTerm.objects.filter(municipality_id=municipality_id).aggregate(
        last=Max("pk"), removed=Max("removed"), n=Count("pk")
    )
    removed = terms["removed"].isoformat() if terms["removed"] else ""
    return f"themes:{corrected}:{terms['last']}:{terms['n']}:{removed}"


def _count_themes(names: _Names, *, repeats: bool = False) -> tuple[int, Counter]:
    """(answers with free text, answers per theme code) of the year (two queries)."""
    texts = (
        names.answers(repeats=repeats)
        .filter(response__survey_id__in=names.survey_ids, question__kind__in=TEXT_KINDS)
        .exclude(text="")
    )
    n = texts.count()
    counts = Counter(
        dict(
            AnswerTheme.objects.filter(answer__in=texts)
            .values("code")
            .annotate(k=Count("id"))
            .values_list("code", "k")
        )
    )
    return n, counts


def _theme_counts(names: _Names, municipality_id: int) -> tuple[int, Counter]:
    """Stored like the other counts (`_Names.cached`), under the version of staff's
    corrections, so a page never classifies or counts the texts while a correction shows
    at once; on public pages without the repeats from one address."""
    version = themes_version(municipality_id)
    n, counts = names.cached("themes", lambda: _count_themes(names), version=version)
    if names.without_repeats:
        r_n, r_counts = names.cached(
            "repeats:themes", lambda: _count_themes(names, repeats=True), version=version
        )
        n, counts = n - r_n, counts - r_counts
    return n, counts


def theme_table(survey: Survey, *, public: bool = False) -> dict:
    """The free-text answers of the survey's year per theme: count and share of the answers
    with free text (one answer may have several themes), "färre än 5" below five; the most
    common first, "övrigt" last. Counts only: the texts themselves are never part of it, so
    the public page may show it, and flagged texts count like any other. Public: without
    the repeats from one address. Served from the stored counts (see `_theme_counts`)."""
    versions = year_surveys(survey)
    n, counts = _theme_counts(_names(versions, public=public), survey.municipality_id)
    rows = [
        {"code": code, "name": label, "cell": make_cell(counts.get(code, 0), n)}
        for code, label in THEME_CHOICES
    ]
    # Shown counts first, largest first; then "färre än 5" and then none, each in the
    # lexicon's order (sorting hidden counts by size would tell them); "övrigt" last.
    rows.sort(
        key=lambda row: (
            row["code"] == lexicon.OTHER,
            2 if row["cell"].count == 0 else int(row["cell"].suppressed),
            0 if row["cell"].suppressed else -row["cell"].count,
        )
    )
    return {"n": n, "suppressed": stats.suppressed(n), "rows": rows}


def themes(survey: Survey) -> dict:
    """The staff page's theme table of the survey's year (the benchmark's entry point)."""
    return theme_table(survey)


def theme_counts_by_year(municipality_id: int) -> dict[int, tuple[int, dict[str, int], bool]]:
    """Per year: (answers with free text, answers per theme code, demo data?) in two
    queries; years without free text are left out."""
    texts = Answer.objects.filter(
        response__municipality_id=municipality_id,
        response__repeat_from_address=False,  # published by other apps
        question__kind__in=TEXT_KINDS,
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

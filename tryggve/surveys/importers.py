"""Import earlier years' answers from CSV: one row per respondent, or counts per answer.

Answer rows (`--format rows`): a header of question codes from the bank (`unsafe_evening`,
`age`, ...); a matrix row as `problems.lighting`; several options of a multiple-choice
question separated by `|`; the residential area by its short name (slug) or `annat`;
numbers and free text as they are. Empty cells are unanswered. A map question's places as
`lat;lon`, `lat;lon;time` or `lat;lon;time;why` (WGS84 decimal degrees; time `day`,
`evening`, `night`, `always` or empty; why the place feels unsafe, in words without `;` or
`|`), up to three separated by `|`, each inside the municipality.

Counts (`--format counts`): columns `question,row,option,count` (row empty except for
matrices), plus the number of respondents, which the file cannot tell.

Both formats may be separated by `,` or by `;` (Swedish Excel), told by the header line.
A column may appear once. An option that excludes the others ("Nej") cannot be combined with
them, by the same rule as the answer form (`services.exclusive_conflict`). Counts may not
exceed the respondents: a single-choice question's (or matrix row's) counts together, each
option of a multiple-choice question alone.

An import is all or nothing (`survey_import`, one transaction): any bad line and nothing is
saved, not even the year's survey; errors name the line.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.surveys.models import (
    CHOICE_KINDS,
    MAP_PLACES,
    OTHER_AREA,
    Channel,
    ImportedCount,
    Question,
    QuestionKind,
    Survey,
    TimeOfDay,
)
from tryggve.surveys.services import (
    AnswerData,
    exclusive_conflict,
    response_submit,
    survey_create_from_bank,
)


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    survey: Survey
    respondents: int = 0
    errors: list[str] = field(default_factory=list)


def _line(number: int, message: str) -> str:
    return _("rad %(line)s: %(error)s") % {"line": number, "error": message}


def read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data lines (each with the line it starts on) of a CSV text
    separated by `,` or `;`; raises ImportFailed for an empty file, a repeated column or a
    line the CSV reader cannot read (such as a quote that is never closed)."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ImportFailed([_("Filen är tom.")])
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "end of data" in str(exc):
            message = _('ett citattecken (") avslutas aldrig')
        else:
            message = _("raden kan inte läsas som CSV (%(error)s)") % {"error": exc}
        raise ImportFailed([_line(start, message)]) from None
    (header_line, header), data = records[0], records[1:]
    names = [name.strip() for name in header]
    repeated = [name for i, name in enumerate(names) if name in names[:i]]
    if repeated:
        raise ImportFailed(
            [
                _line(
                    header_line,
                    _("kolumnen %(column)s finns mer än en gång") % {"column": repeated[0]},
                )
            ]
        )
    return names, data


def survey_for_year(*, municipality: Municipality, year: int, is_demo: bool = False) -> Survey:
    """The year's current survey, or a closed one from the bank (spring of that year)."""
    existing = (
        Survey.objects.filter(municipality=municipality, year=year).current_versions().first()
    )
    if existing is not None:
        return existing
    return survey_create_from_bank(
        municipality=municipality,
        year=year,
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 4, 30),
        is_demo=is_demo,
    )


def _questions(survey: Survey) -> dict[str, Question]:
    return {q.code: q for q in survey.questions.prefetch_related("options", "rows")}


def _unknown_answer(value: str, where: str) -> ValueError:
    return ValueError(
        _("okänt svar %(value)s på %(question)s") % {"value": value, "question": where}
    )


def cell_answers(q: Question, row_code: str | None, value: str, areas: dict) -> list[AnswerData]:
    """The answer rows for one CSV cell; raises ValueError with a message for people."""
    options = {o.code: o for o in q.options.all()}
    if q.kind in CHOICE_KINDS:
        if value not in options:
            raise _unknown_answer(value, q.code)
        return [AnswerData(question=q, option=options[value])]
    if q.kind == QuestionKind.MULTIPLE:
        parts = list(dict.fromkeys(p.strip() for p in value.split("|") if p.strip()))
        unknown = [p for p in parts if p not in options]
        if unknown:
            raise _unknown_answer(unknown[0], q.code)
        lone = exclusive_conflict([options[p] for p in parts])
        if lone is not None:
            raise ValueError(
                _("%(option)s på %(question)s kan inte kombineras med andra svar")
                % {"option": lone.code, "question": q.code}
            )
        return [AnswerData(question=q, option=options[p]) for p in parts]
    if q.kind == QuestionKind.MATRIX:
        rows = {r.code: r for r in q.rows.all()}
        if row_code not in rows:
            raise ValueError(
                _("okänd rad %(row)s i %(question)s") % {"row": row_code, "question": q.code}
            )
        if value not in options:
            raise _unknown_answer(value, f"{q.code}.{row_code}")
        return [AnswerData(question=q, row=rows[row_code], option=options[value])]
    if q.kind == QuestionKind.AREA:
        if value != OTHER_AREA and value not in areas:
            raise ValueError(_("okänt bostadsområde %(area)s") % {"area": value})
        return [AnswerData(question=q, area=areas.get(value))]
    if q.kind == QuestionKind.NUMBER:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(
                _("%(value)s på %(question)s är inget heltal")
                % {"value": value, "question": q.code}
            ) from None
        if (q.min_value is not None and number < q.min_value) or (
            q.max_value is not None and number > q.max_value
        ):
            raise ValueError(
                _("talet %(number)s på %(question)s är utanför gränserna")
                % {"number": number, "question": q.code}
            )
        return [AnswerData(question=q, number=number)]
    if q.kind == QuestionKind.TEXT:
        return [AnswerData(question=q, text=value[:2000])]
    if q.kind == QuestionKind.MAP:
        return _places(q, value)
    raise ValueError(_("frågan %(question)s kan inte importeras") % {"question": q.code})


def _places(q: Question, value: str) -> list[AnswerData]:
    """A map cell: `lat;lon[;time[;why]]` places separated by `|`."""
    places = [p.strip() for p in value.split("|") if p.strip()]
    if len(places) > MAP_PLACES:
        raise ValueError(
            _("högst %(count)s platser på %(question)s") % {"count": MAP_PLACES, "question": q.code}
        )
    answers = []
    for place in places:
        parts = [p.strip() for p in place.split(";")]
        time = parts[2] if len(parts) >= 3 else ""
        where = {"place": place, "question": q.code}
        if len(parts) not in (2, 3, 4) or time not in {"", *TimeOfDay.values}:
            raise ValueError(_("platsen %(place)s på %(question)s ska skrivas lat;lon;tid") % where)
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(
                _("platsen %(place)s på %(question)s har inga läsbara tal") % where
            ) from None
        if not (math.isfinite(lat) and math.isfinite(lon)) or not (
            q.survey.municipality.contains_point(lat, lon)
        ):
            raise ValueError(_("platsen %(place)s på %(question)s ligger utanför kommunen") % where)
        why = parts[3][:2000] if len(parts) == 4 else ""
        answers.append(AnswerData(question=q, lat=lat, lon=lon, time_of_day=time, text=why))
    return answers


def import_answer_rows(*, survey: Survey, text: str, is_demo: bool = False) -> ImportResult:
    """One response per CSV line, saved as imported answers, all or nothing."""
    questions = _questions(survey)
    areas = {a.slug: a for a in survey.municipality.areas.all()}
    header, lines = read_table(text)
    result = ImportResult(survey=survey)
    columns = []
    for index, name in enumerate(header):
        code, _dot, row = name.partition(".")
        if code not in questions:
            result.errors.append(_line(1, _("okänd kolumn %(column)s") % {"column": name}))
        columns.append((index, code, row or None))
    if not lines:
        result.errors.append(_("Filen har inga svarsrader."))
    if result.errors:
        raise ImportFailed(result.errors)
    parsed = []
    for line, record in lines:
        if len(record) > len(header):
            result.errors.append(_line(line, _("fler fält än kolumner")))
            continue
        answers: list[AnswerData] = []
        for index, code, row in columns:
            value = record[index].strip() if index < len(record) else ""
            if not value:
                continue
            try:
                answers.extend(cell_answers(questions[code], row, value, areas))
            except ValueError as exc:
                result.errors.append(_line(line, str(exc)))
        parsed.append(answers)
    if result.errors:
        raise ImportFailed(result.errors)
    submitted = survey.closes_on or datetime.date(survey.year, 12, 31)
    with transaction.atomic():
        for answers in parsed:
            response_submit(
                survey=survey,
                answers=answers,
                channel=Channel.IMPORT,
                today=submitted,
                is_demo=is_demo,
            )
    result.respondents = len(parsed)
    return result


def import_counts(*, survey: Survey, text: str, respondents: int) -> ImportResult:
    """Aggregated counts per answer for a year without single answers, all or nothing.
    Counts (with those imported before) may not exceed the respondents: a single-choice
    question's or matrix row's counts together, each option of a multiple choice alone."""
    questions = _questions(survey)
    result = ImportResult(survey=survey, respondents=respondents)
    header, lines = read_table(text)
    missing = {"question", "option", "count"} - set(header)
    if missing:
        column = sorted(missing)[0]
        raise ImportFailed([_line(1, _("kolumnen %(column)s saknas") % {"column": column})])
    rows: list[ImportedCount] = []
    seen: dict[tuple, int] = {}
    for line, values in lines:
        record = dict(zip(header, (v.strip() for v in values), strict=False))
        code = record.get("question") or ""
        row_code = record.get("row") or ""
        option_code = record.get("option") or ""
        q = questions.get(code)
        if q is None or not q.has_options:
            result.errors.append(_line(line, _("okänd fråga %(question)s") % {"question": code}))
            continue
        option = next((o for o in q.options.all() if o.code == option_code), None)
        row = next((r for r in q.rows.all() if r.code == row_code), None)
        if option is None or (q.kind == QuestionKind.MATRIX) != (row is not None):
            result.errors.append(_line(line, str(_unknown_answer(option_code, code))))
            continue
        key = (q.pk, row.pk if row else None, option.pk)
        if key in seen:
            result.errors.append(
                _line(line, _("samma svar finns redan på rad %(line)s") % {"line": seen[key]})
            )
            continue
        seen[key] = line
        try:
            count = int(record.get("count") or "")
            if count < 0:
                raise ValueError
        except ValueError:
            result.errors.append(_line(line, _("antalet måste vara ett heltal, 0 eller mer")))
            continue
        rows.append(ImportedCount(survey=survey, question=q, row=row, option=option, count=count))
    if respondents <= 0:
        result.errors.append(_("Antalet svarande måste anges (--respondents)."))
    if result.errors:
        raise ImportFailed(result.errors)
    result.errors = _counts_over_respondents(
        survey, rows, survey.imported_respondents + respondents
    )
    if result.errors:
        raise ImportFailed(result.errors)
    with transaction.atomic():
        ImportedCount.objects.bulk_create(rows)
        Survey.objects.filter(pk=survey.pk).update(
            imported_respondents=survey.imported_respondents + respondents
        )
    survey.refresh_from_db()
    return result


def _counts_over_respondents(
    survey: Survey, rows: list[ImportedCount], respondents: int
) -> list[str]:
    """A message per question (matrix row, multiple-choice option) whose counts, with those
    imported before, exceed the respondents."""
    totals: dict[tuple, int] = {}
    names: dict[tuple, str] = {}
    earlier = (
        ImportedCount.objects.filter(survey=survey)
        .values("question__code", "question__kind", "row__code", "option__code")
        .annotate(total=Sum("count"))
    )
    items = [
        (r["question__code"], r["question__kind"], r["row__code"], r["option__code"], r["total"])
        for r in earlier
    ] + [
        (c.question.code, c.question.kind, c.row.code if c.row else None, c.option.code, c.count)
        for c in rows
    ]
    for code, kind, row_code, option_code, count in items:
        if kind == QuestionKind.MULTIPLE:
            key, name = (code, option_code), f"{code} ({option_code})"
        elif row_code:
            key, name = (code, row_code), f"{code}.{row_code}"
        else:
            key, name = (code,), code
        totals[key] = totals.get(key, 0) + count
        names[key] = name
    return [
        _("%(question)s har %(answers)s svar men bara %(respondents)s svarande")
        % {"question": names[key], "answers": total, "respondents": respondents}
        for key, total in totals.items()
        if total > respondents
    ]


def survey_import(
    *,
    municipality: Municipality,
    year: int,
    text: str,
    kind: str = "rows",
    respondents: int = 0,
    is_demo: bool = False,
) -> ImportResult:
    """Import a year's answers (`kind` "rows" or "counts") into its current survey, created
    from the bank when the year has none; one transaction, so a failed import leaves nothing,
    not even the survey. Raises ImportFailed."""
    with transaction.atomic():
        survey = survey_for_year(municipality=municipality, year=year, is_demo=is_demo)
        if kind == "rows":
            return import_answer_rows(survey=survey, text=text, is_demo=is_demo)
        return import_counts(survey=survey, text=text, respondents=respondents)

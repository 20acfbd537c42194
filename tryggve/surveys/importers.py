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

An import is all or nothing: any bad line and nothing is saved; errors name the line.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from dataclasses import dataclass, field

from django.db import transaction

from tryggve.areas.models import Municipality
from tryggve.surveys.forms import OTHER_AREA
from tryggve.surveys.models import (
    CHOICE_KINDS,
    MAP_PLACES,
    Channel,
    ImportedCount,
    Question,
    QuestionKind,
    Survey,
    TimeOfDay,
)
from tryggve.surveys.services import AnswerData, response_submit, survey_create_from_bank


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    survey: Survey
    respondents: int = 0
    errors: list[str] = field(default_factory=list)


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


def cell_answers(q: Question, row_code: str | None, value: str, areas: dict) -> list[AnswerData]:
    """The answer rows for one CSV cell; raises ValueError with a message for people."""
    options = {o.code: o for o in q.options.all()}
    if q.kind in CHOICE_KINDS:
        if value not in options:
            raise ValueError(f"okänt svar {value!r} på {q.code}")
        return [AnswerData(question=q, option=options[value])]
    if q.kind == QuestionKind.MULTIPLE:
        parts = [p.strip() for p in value.split("|") if p.strip()]
        unknown = [p for p in parts if p not in options]
        if unknown:
            raise ValueError(f"okänt svar {unknown[0]!r} på {q.code}")
        return [AnswerData(question=q, option=options[p]) for p in dict.fromkeys(parts)]
    if q.kind == QuestionKind.MATRIX:
        rows = {r.code: r for r in q.rows.all()}
        if row_code not in rows:
            raise ValueError(f"okänd rad {row_code!r} i {q.code}")
        if value not in options:
            raise ValueError(f"okänt svar {value!r} på {q.code}.{row_code}")
        return [AnswerData(question=q, row=rows[row_code], option=options[value])]
    if q.kind == QuestionKind.AREA:
        if value != OTHER_AREA and value not in areas:
            raise ValueError(f"okänt bostadsområde {value!r}")
        return [AnswerData(question=q, area=areas.get(value))]
    if q.kind == QuestionKind.NUMBER:
        number = int(value)
        if (q.min_value is not None and number < q.min_value) or (
            q.max_value is not None and number > q.max_value
        ):
            raise ValueError(f"talet {number} på {q.code} är utanför gränserna")
        return [AnswerData(question=q, number=number)]
    if q.kind == QuestionKind.TEXT:
        return [AnswerData(question=q, text=value[:2000])]
    if q.kind == QuestionKind.MAP:
        return _places(q, value)
    raise ValueError(f"frågan {q.code} kan inte importeras")


def _places(q: Question, value: str) -> list[AnswerData]:
    """A map cell: `lat;lon[;time[;why]]` places separated by `|`."""
    places = [p.strip() for p in value.split("|") if p.strip()]
    if len(places) > MAP_PLACES:
        raise ValueError(f"högst {MAP_PLACES} platser på {q.code}")
    answers = []
    for place in places:
        parts = [p.strip() for p in place.split(";")]
        time = parts[2] if len(parts) >= 3 else ""
        if len(parts) not in (2, 3, 4) or time not in {"", *TimeOfDay.values}:
            raise ValueError(f"platsen {place!r} på {q.code} ska skrivas lat;lon;tid")
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(f"platsen {place!r} på {q.code} har inga läsbara tal") from None
        if not (math.isfinite(lat) and math.isfinite(lon)) or not (
            q.survey.municipality.contains_point(lat, lon)
        ):
            raise ValueError(f"platsen {place!r} på {q.code} ligger utanför kommunen")
        why = parts[3][:2000] if len(parts) == 4 else ""
        answers.append(AnswerData(question=q, lat=lat, lon=lon, time_of_day=time, text=why))
    return answers


def import_answer_rows(
    *, survey: Survey, text: str, is_demo: bool = False
) -> ImportResult:
    """One response per CSV line, saved as imported answers, all or nothing."""
    questions = _questions(survey)
    areas = {a.slug: a for a in survey.municipality.areas.all()}
    reader = csv.DictReader(io.StringIO(text))
    result = ImportResult(survey=survey)
    columns = []
    for name in reader.fieldnames or []:
        code, _dot, row = name.strip().partition(".")
        if code not in questions:
            result.errors.append(f"rad 1: okänd kolumn {name!r}")
        columns.append((name, code, row or None))
    if result.errors:
        raise ImportFailed(result.errors)
    parsed = []
    for line, record in enumerate(reader, start=2):
        answers: list[AnswerData] = []
        for name, code, row in columns:
            value = (record.get(name) or "").strip()
            if not value:
                continue
            try:
                answers.extend(cell_answers(questions[code], row, value, areas))
            except ValueError as exc:
                result.errors.append(f"rad {line}: {exc}")
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
    """Aggregated counts per answer for a year without single answers, all or nothing."""
    questions = _questions(survey)
    result = ImportResult(survey=survey, respondents=respondents)
    reader = csv.DictReader(io.StringIO(text))
    missing = {"question", "option", "count"} - set(reader.fieldnames or [])
    if missing:
        raise ImportFailed([f"rad 1: kolumnen {sorted(missing)[0]!r} saknas"])
    rows = []
    for line, record in enumerate(reader, start=2):
        code = (record.get("question") or "").strip()
        row_code = (record.get("row") or "").strip()
        option_code = (record.get("option") or "").strip()
        q = questions.get(code)
        if q is None or not q.has_options:
            result.errors.append(f"rad {line}: okänd fråga {code!r}")
            continue
        option = next((o for o in q.options.all() if o.code == option_code), None)
        row = next((r for r in q.rows.all() if r.code == row_code), None)
        if option is None or (q.kind == QuestionKind.MATRIX) != (row is not None):
            result.errors.append(f"rad {line}: okänt svar {option_code!r} på {code!r}")
            continue
        try:
            count = int(record.get("count") or "")
            if count < 0:
                raise ValueError
        except ValueError:
            result.errors.append(f"rad {line}: antalet måste vara ett heltal, 0 eller mer")
            continue
        rows.append(ImportedCount(survey=survey, question=q, row=row, option=option, count=count))
    if respondents <= 0:
        result.errors.append("antalet svarande måste anges (--respondents)")
    if result.errors:
        raise ImportFailed(result.errors)
    with transaction.atomic():
        ImportedCount.objects.bulk_create(rows)
        Survey.objects.filter(pk=survey.pk).update(
            imported_respondents=survey.imported_respondents + respondents
        )
    survey.refresh_from_db()
    return result

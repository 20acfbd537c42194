"""Survey workflows: build from the bank, edit while unlocked, version, and save answers."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.surveys import bank
from tryggve.surveys.models import (
    CHOICE_KINDS,
    DISPOSED_TEXT,
    GROUP_FIELDS,
    OTHER_AREA,
    SCALE_STEPS,
    TEXT_KINDS,
    Answer,
    Channel,
    MatrixRow,
    Option,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from tryggve.surveys.privacy import looks_personal
from tryggve.surveys.theme_services import answer_themes_assign


class SurveyRefused(Exception):
    """A change or an answer the survey's state does not allow; the message is for people."""


@dataclass
class AnswerData:
    """One answer row as the form cleaned it (ids refer to the survey's own objects)."""

    question: Question
    option: Option | None = None
    row: MatrixRow | None = None
    number: int | None = None
    text: str = ""
    area: ResidentialArea | None = None
    lat: float | None = None
    lon: float | None = None
    place_text: str = ""
    time_of_day: str = ""


def exclusive_conflict(options: list[Option]) -> Option | None:
    """The option that excludes the others ("Nej", "Vet inte") when it is picked together with
    others, else None. The one rule for the answer form, paper entry and the import."""
    if len(options) < 2:
        return None
    return next((o for o in options if o.exclusive), None)


def _default_title(year: int) -> str:
    return _("Trygghetsenkät %(year)s") % {"year": year}


def _question_from_bank(
    *, survey: Survey, position: int, item: dict, by_code: dict[str, Question]
) -> Question:
    """One bank question with its options and rows; its condition when its parent is in
    `by_code` (the survey's questions so far, by code)."""
    question = Question.objects.create(
        survey=survey,
        position=position,
        code=item["code"],
        kind=item["kind"],
        text=item["text"],
        help_text=item.get("help_text", ""),
        required=item.get("required", False),
        min_value=item.get("min_value"),
        max_value=item.get("max_value"),
        indicator_label=item.get("indicator_label", ""),
    )
    if "show_if" in item and item["show_if"][0] in by_code:
        parent_code, option_codes = item["show_if"]
        question.show_if = by_code[parent_code]
        question.show_if_options = list(option_codes)
        question.save(update_fields=["show_if", "show_if_options"])
    Option.objects.bulk_create(
        Option(
            question=question,
            position=i,
            code=option[0],
            label=option[1],
            indicator=option[2],
            exclusive=len(option) > 3 and option[3],
        )
        for i, option in enumerate(item.get("options", []), start=1)
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(question=question, position=i, code=code, label=label)
        for i, (code, label) in enumerate(item.get("rows", []), start=1)
    )
    return question


@transaction.atomic
def survey_create_for_year(*, municipality: Municipality, year: int) -> Survey:
    """Staff's "new survey": a year's first survey from the bank. A year that already has
    one is refused (changing it goes through a new version on its own page), so a click on
    the form can neither replace the survey residents are answering nor, clicked twice,
    make two."""
    # The municipality's row serialises two clicks arriving at once.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    if Survey.objects.filter(municipality=municipality, year=year).exists():
        raise SurveyRefused(
            _(
                "Det finns redan en enkät för %(year)s. Öppna den för att ändra den eller "
                "göra en ny version."
            )
            % {"year": year}
        )
    return survey_create_from_bank(municipality=municipality, year=year)


@transaction.atomic
def survey_create_from_bank(
    *,
    municipality: Municipality,
    year: int,
    title: str = "",
    introduction: str = "",
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    is_demo: bool = False,
) -> Survey:
    """A new survey for `year` (version 1, or the next free version) with every question of
    the standard bank, in the bank's order and wording."""
    last = Survey.objects.filter(municipality=municipality, year=year).order_by("-version")
    version = (last.values_list("version", flat=True).first() or 0) + 1
    survey = Survey.objects.create(
        municipality=municipality,
        year=year,
        version=version,
        title=title or _default_title(year),
        introduction=introduction,
        opens_on=opens_on,
        closes_on=closes_on,
        is_demo=is_demo,
    )
    if version > 1:
        last.exclude(pk=survey.pk).update(replaced=True)
    by_code: dict[str, Question] = {}
    for position, item in enumerate(bank.BANK, start=1):
        question = _question_from_bank(survey=survey, position=position, item=item, by_code=by_code)
        by_code[question.code] = question
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    title: str,
    introduction: str,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    paper_return: str | None = None,
) -> Survey:
    """Change the title, introduction, dates and where paper answers go (allowed with
    answers: they ask nothing new). `paper_return` None leaves it as it is."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if opens_on and closes_on and closes_on < opens_on:
        raise SurveyRefused(_("Enkäten kan inte stänga innan den öppnar."))
    survey.title, survey.introduction = title, introduction
    survey.opens_on, survey.closes_on = opens_on, closes_on
    if paper_return is not None:
        survey.paper_return = paper_return
    survey.save(update_fields=["title", "introduction", "opens_on", "closes_on", "paper_return"])
    return survey


@transaction.atomic
def question_update(*, question: Question, text: str, help_text: str, required: bool) -> Question:
    """Reword a question while the survey has no answers; afterwards only a new version may."""
    _editable(question.survey_id)
    question.text, question.help_text, question.required = text, help_text, required
    question.save(update_fields=["text", "help_text", "required"])
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Remove a question while the survey has no answers (its dependants lose the condition)."""
    _editable(question.survey_id)
    question.dependants.update(show_if=None, show_if_options=[])
    question.delete()


LOCKED = gettext_lazy(
    "Enkäten har svar och frågorna är låsta. Skapa en ny version för att ändra dem."
)
# Kinds staff may add as a blank question; the area and map questions come from the bank
# only (the results break answers down by, and map, those exact bank questions).
BLANK_KINDS = [
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
    QuestionKind.SCALE4,
    QuestionKind.SCALE5,
    QuestionKind.MATRIX,
    QuestionKind.NUMBER,
    QuestionKind.TEXT,
]
# A condition can rest on a question whose answer is one or more of its options.
CONDITION_KINDS = {*CHOICE_KINDS, QuestionKind.MULTIPLE}


def _editable(survey_id: int) -> Survey:
    """The survey, locked for this transaction, or a refusal once it has answers."""
    survey = Survey.objects.select_for_update().get(pk=survey_id)
    if survey.is_locked():
        raise SurveyRefused(str(LOCKED))
    return survey


def _free_code(wanted: str, taken: set[str], fallback: str) -> str:
    """`wanted` (or a code made from `fallback`) made unique among `taken` with _2, _3 ..."""
    base = (slugify(wanted or fallback).replace("-", "_") or "kod")[:45]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def _item_save(model, *, question: Question, item, label: str, code: str, **extra):
    """Add or change an option or a matrix row; a changed option code is carried into the
    conditions that name it."""
    siblings = model.objects.filter(question=question).exclude(pk=getattr(item, "pk", None))
    taken = set(siblings.values_list("code", flat=True))
    if code and code in taken:
        raise SurveyRefused(
            _("Koden ”%(code)s” finns redan i frågan. Välj en annan.") % {"code": code}
        )
    if siblings.filter(label=label).exists():
        raise SurveyRefused(_("Det finns redan ett svar med den texten i frågan."))
    code = code or _free_code("", taken, label)
    if item is None:
        last = siblings.order_by("-position").values_list("position", flat=True).first() or 0
        return model.objects.create(
            question=question, position=last + 1, code=code, label=label, **extra
        )
    old_code = item.code
    item.code, item.label = code, label
    for name, value in extra.items():
        setattr(item, name, value)
    item.save()
    if model is Option and old_code != code:
        for dependant in question.dependants.all():
            dependant.show_if_options = [
                code if c == old_code else c for c in dependant.show_if_options
            ]
            dependant.save(update_fields=["show_if_options"])
    return item


def _item_move(item, step: int) -> None:
    """Swap an option or row with its neighbour above (step -1) or below (step 1)."""
    siblings = list(type(item).objects.filter(question_id=item.question_id).order_by("position"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])


@transaction.atomic
def option_save(
    *,
    question: Question,
    option: Option | None = None,
    label: str,
    code: str = "",
    indicator: bool = False,
    exclusive: bool = False,
) -> Option:
    """Add an option last (`option` None) or change one, while the survey has no answers.
    A blank code is made from the label; a code already in the question is refused."""
    _editable(question.survey_id)
    if not question.has_options:
        raise SurveyRefused(_("Den här frågetypen har inga svarsalternativ."))
    steps = SCALE_STEPS.get(question.kind)
    if option is None and steps and question.options.count() >= steps:
        raise SurveyRefused(
            _("En skala i %(steps)s steg har %(steps)s svarsalternativ.") % {"steps": steps}
        )
    return _item_save(
        Option,
        question=question,
        item=option,
        label=label,
        code=code,
        indicator=indicator,
        exclusive=exclusive,
    )


@transaction.atomic
def option_delete(*, option: Option) -> None:
    """Remove an option, unless a later question's condition names it. A scale keeps its
    steps (its wording is changed instead), so it stays comparable with Brå's NTU scale and
    with earlier years."""
    _editable(option.question.survey_id)
    steps = SCALE_STEPS.get(option.question.kind)
    if steps and option.question.options.count() <= steps:
        raise SurveyRefused(
            _(
                "En skala i %(steps)s steg behåller alla sina steg. Ändra texten i stället "
                "för att ta bort steget."
            )
            % {"steps": steps}
        )
    for dependant in option.question.dependants.all():
        if option.code in dependant.show_if_options:
            raise SurveyRefused(
                _(
                    "Svarsalternativet används i villkoret för frågan ”%(question)s”. "
                    "Ändra villkoret först."
                )
                % {"question": dependant.text}
            )
    option.delete()


@transaction.atomic
def option_move(*, option: Option, step: int) -> None:
    """Move an option one place up (-1) or down (1); its number on paper changes with it."""
    _editable(option.question.survey_id)
    _item_move(option, step)


@transaction.atomic
def row_save(
    *, question: Question, row: MatrixRow | None = None, label: str, code: str = ""
) -> MatrixRow:
    """Add a matrix row last (`row` None) or change one, while the survey has no answers."""
    _editable(question.survey_id)
    if question.kind != QuestionKind.MATRIX:
        raise SurveyRefused(_("Bara en matrisfråga har påståenden."))
    return _item_save(MatrixRow, question=question, item=row, label=label, code=code)


@transaction.atomic
def row_delete(*, row: MatrixRow) -> None:
    """Remove a matrix row while the survey has no answers."""
    _editable(row.question.survey_id)
    row.delete()


@transaction.atomic
def row_move(*, row: MatrixRow, step: int) -> None:
    """Move a matrix row one place up (-1) or down (1)."""
    _editable(row.question.survey_id)
    _item_move(row, step)


@transaction.atomic
def question_set_condition(
    *, question: Question, show_if: Question | None, options: list[str]
) -> Question:
    """Show `question` only when the earlier question `show_if` got one of `options`
    (option codes); `show_if` None shows it to everyone."""
    _editable(question.survey_id)
    if show_if is None:
        question.show_if, question.show_if_options = None, []
    else:
        if show_if.survey_id != question.survey_id or show_if.position >= question.position:
            raise SurveyRefused(_("Villkoret kan bara bygga på en tidigare fråga i enkäten."))
        if show_if.kind not in CONDITION_KINDS:
            raise SurveyRefused(_("Villkoret kan bara bygga på en fråga med svarsalternativ."))
        codes = set(show_if.options.values_list("code", flat=True))
        if not options or not set(options) <= codes:
            raise SurveyRefused(_("Välj minst ett av den frågans svarsalternativ."))
        question.show_if = show_if
        question.show_if_options = [
            c for c in show_if.options.values_list("code", flat=True) if c in options
        ]
    question.save(update_fields=["show_if", "show_if_options"])
    return question


@transaction.atomic
def question_add(
    *, survey: Survey, bank_code: str = "", kind: str = "", text: str = ""
) -> Question:
    """Add a question last: the bank's question `bank_code` (word for word, with its
    options), or a blank one of `kind` with `text` whose options staff then add."""
    survey = _editable(survey.pk)
    existing = {q.code: q for q in survey.questions.all()}
    position = max((q.position for q in existing.values()), default=0) + 1
    if bank_code:
        item = next((i for i in bank.BANK if i["code"] == bank_code), None)
        if item is None:
            raise SurveyRefused(_("Frågan finns inte i frågebanken."))
        if bank_code in existing:
            raise SurveyRefused(_("Frågan finns redan i enkäten."))
        return _question_from_bank(survey=survey, position=position, item=item, by_code=existing)
    if kind not in BLANK_KINDS:
        raise SurveyRefused(_("Välj en frågetyp."))
    if not text.strip():
        raise SurveyRefused(_("Skriv frågan."))
    if survey.questions.filter(text=text.strip()).exists():  # also a double submit
        raise SurveyRefused(_("Frågan finns redan i enkäten."))
    code = _free_code("", set(existing), f"egen {position}")
    return Question.objects.create(
        survey=survey, position=position, code=code, kind=kind, text=text.strip()
    )


@transaction.atomic
def survey_new_version(*, survey: Survey) -> Survey:
    """Copy a locked survey's questions into the year's next version, which then takes the
    answers; the old version keeps its own and is marked replaced."""
    old = Survey.objects.select_for_update().get(pk=survey.pk)
    if old.replaced:
        raise SurveyRefused(_("Det finns redan en nyare version av den här enkäten."))
    version = (
        Survey.objects.filter(municipality=old.municipality, year=old.year)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    ) + 1
    new = Survey.objects.create(
        municipality=old.municipality,
        year=old.year,
        version=version,
        title=old.title,
        introduction=old.introduction,
        paper_return=old.paper_return,
        opens_on=old.opens_on,
        closes_on=old.closes_on,
        is_demo=old.is_demo,
    )
    copies: dict[int, Question] = {}
    for question in old.questions.prefetch_related("options", "rows"):
        parent = question.show_if_id
        copy = Question.objects.create(
            survey=new,
            position=question.position,
            code=question.code,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            min_value=question.min_value,
            max_value=question.max_value,
            indicator_label=question.indicator_label,
            show_if=copies.get(parent),
            show_if_options=question.show_if_options,
        )
        Option.objects.bulk_create(
            Option(
                question=copy,
                position=o.position,
                code=o.code,
                label=o.label,
                indicator=o.indicator,
                exclusive=o.exclusive,
            )
            for o in question.options.all()
        )
        MatrixRow.objects.bulk_create(
            MatrixRow(question=copy, position=r.position, code=r.code, label=r.label)
            for r in question.rows.all()
        )
        copies[question.pk] = copy
    old.replaced = True
    old.save(update_fields=["replaced"])
    return new


def response_groups(answers: list[AnswerData]) -> dict[str, str]:
    """The response's grouping columns (`Response.group_area` etc.) from its answers: the
    option code, for an area question the area's slug or OTHER_AREA; "" when unanswered."""
    groups = dict.fromkeys(GROUP_FIELDS.values(), "")
    for item in answers:
        column = GROUP_FIELDS.get(item.question.code)
        if column is None:
            continue
        if item.question.kind == QuestionKind.AREA:
            groups[column] = item.area.slug if item.area else OTHER_AREA
        elif item.option is not None:
            groups[column] = item.option.code
    return groups


def response_groups_fill(*, survey_ids: list[int] | None = None) -> None:
    """Set the grouping columns of the responses (of `survey_ids`, or all) from their answer
    rows: one UPDATE ... FROM per column (PostgreSQL and SQLite >= 3.33). For rows saved
    before the columns existed (migration 0004) and bulk-loaded ones (the bench);
    `response_submit` sets them itself. A response without a group answer keeps "". A
    correlated subquery per response was minutes at 100,000 rows; this is one pass."""
    response, answer = Response._meta.db_table, Answer._meta.db_table
    question, option = Question._meta.db_table, Option._meta.db_table
    area = ResidentialArea._meta.db_table
    only = ""
    if survey_ids is not None:
        only = f" AND {response}.survey_id IN ({', '.join(['%s'] * len(survey_ids))})"
    with connection.cursor() as cursor:
        for code, column in GROUP_FIELDS.items():
            cursor.execute(
                f"UPDATE {response} SET {column} = v.value FROM ("  # noqa: S608 -- own names
                f"SELECT a.response_id, MIN(CASE WHEN q.kind = %s "
                f"THEN COALESCE(ar.slug, %s) ELSE COALESCE(o.code, '') END) AS value "
                f"FROM {answer} a JOIN {question} q ON q.id = a.question_id "
                f"LEFT JOIN {option} o ON o.id = a.option_id "
                f"LEFT JOIN {area} ar ON ar.id = a.area_id "
                f"WHERE q.code = %s GROUP BY a.response_id) v "
                f"WHERE {response}.id = v.response_id{only}",
                [QuestionKind.AREA.value, OTHER_AREA, code, *(survey_ids or [])],
            )


def response_submit(
    *,
    survey: Survey,
    answers: list[AnswerData],
    channel: str = Channel.WEB,
    submission_key: uuid.UUID | None = None,
    today: datetime.date | None = None,
    is_demo: bool = False,
    repeat_from_address: bool = False,
) -> Response:
    """Save one respondent's answers, all or nothing. A web answer needs an open survey;
    paper answers may be typed in after it closed. The same `submission_key` twice returns
    the first response, so a double submit saves once. Nothing about the sender is stored
    but `repeat_from_address` (web answers only: the guard saw an earlier answer from the
    same network address within its window), which public counts leave out."""
    today = today or timezone.localdate()
    if channel == Channel.WEB and not survey.is_open(today):
        raise SurveyRefused(_("Enkäten är inte öppen för svar just nu."))
    if survey.replaced:
        raise SurveyRefused(_("Den här versionen av enkäten har ersatts av en nyare."))
    for item in answers:
        if item.question.survey_id != survey.pk:
            raise SurveyRefused(_("Svaret hör inte till den här enkäten."))
    try:
        with transaction.atomic():
            rows = [
                Answer(
                    question=item.question,
                    option=item.option,
                    row=item.row,
                    number=item.number,
                    text=item.text,
                    area=item.area,
                    lat=item.lat,
                    lon=item.lon,
                    place_text=item.place_text,
                    time_of_day=item.time_of_day,
                    flagged=looks_personal(item.text) or looks_personal(item.place_text),
                )
                for item in answers
            ]
            response = Response.objects.create(
                survey=survey,
                municipality_id=survey.municipality_id,
                channel=channel,
                submitted_on=today,
                submission_key=submission_key,
                has_flagged_text=any(row.flagged for row in rows),
                is_demo=is_demo,
                repeat_from_address=repeat_from_address and channel == Channel.WEB,
                **response_groups(answers),
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            answer_themes_assign(answers=rows, municipality_id=survey.municipality_id)
    except IntegrityError:
        # The same key again (a double submit): the unique key refused the second copy.
        existing = Response.objects.filter(submission_key=submission_key).first()
        if submission_key is None or existing is None:
            raise
        return existing
    return response


def survey_texts_dispose(*, now=None, dry_run: bool = False) -> int:
    """Dispose of the words of free-text and place answers of survey years older than
    `SURVEY_TEXT_RETENTION_YEARS` (the year Y goes when the calendar year is past Y + N;
    0 keeps them): the text becomes `DISPOSED_TEXT`, a place in words goes. The answers,
    their themes, the points on the map and every count stay, so trends and theme tables
    are as before. Returns how many answers were changed."""
    years = settings.SURVEY_TEXT_RETENTION_YEARS
    if years <= 0:
        return 0
    last_year = timezone.localdate(now).year - years - 1
    answers = Answer.objects.filter(
        response__survey__year__lte=last_year, question__kind__in=TEXT_KINDS
    ).filter((~Q(text="") & ~Q(text=DISPOSED_TEXT)) | ~Q(place_text=""))
    count = answers.count()
    if dry_run or not count:
        return count
    with transaction.atomic():
        surveys = list(
            Survey.objects.filter(
                pk__in=answers.values("response__survey").distinct()
            ).values_list("pk", flat=True)
        )
        answers.exclude(text="").update(text=DISPOSED_TEXT, flagged=False)
        answers.update(place_text="", flagged=False)
        Response.objects.filter(survey__in=surveys).update(has_flagged_text=False)
        Survey.objects.filter(pk__in=surveys).update(texts_disposed=timezone.now())
    return count

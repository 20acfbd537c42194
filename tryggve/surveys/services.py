"""Survey workflows: build from the bank, edit while unlocked, version, and save answers."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.surveys import bank
from tryggve.surveys.models import (
    Answer,
    Channel,
    MatrixRow,
    Option,
    Question,
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


def _default_title(year: int) -> str:
    return _("Trygghetsenkät %(year)s") % {"year": year}


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
        if "show_if" in item:
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
) -> Survey:
    """Change the title, introduction and dates (allowed with answers: they ask nothing new)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if opens_on and closes_on and closes_on < opens_on:
        raise SurveyRefused(_("Enkäten kan inte stänga innan den öppnar."))
    survey.title, survey.introduction = title, introduction
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.save(update_fields=["title", "introduction", "opens_on", "closes_on"])
    return survey


@transaction.atomic
def question_update(*, question: Question, text: str, help_text: str, required: bool) -> Question:
    """Reword a question while the survey has no answers; afterwards only a new version may."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    if survey.is_locked():
        raise SurveyRefused(
            _("Enkäten har svar och frågorna är låsta. Skapa en ny version för att ändra dem.")
        )
    question.text, question.help_text, question.required = text, help_text, required
    question.save(update_fields=["text", "help_text", "required"])
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Remove a question while the survey has no answers (its dependants lose the condition)."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    if survey.is_locked():
        raise SurveyRefused(
            _("Enkäten har svar och frågorna är låsta. Skapa en ny version för att ändra dem.")
        )
    question.dependants.update(show_if=None, show_if_options=[])
    question.delete()


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


def response_submit(
    *,
    survey: Survey,
    answers: list[AnswerData],
    channel: str = Channel.WEB,
    submission_key: uuid.UUID | None = None,
    today: datetime.date | None = None,
    is_demo: bool = False,
) -> Response:
    """Save one respondent's answers, all or nothing. A web answer needs an open survey;
    paper answers may be typed in after it closed. The same `submission_key` twice returns
    the first response, so a double submit saves once. Nothing about the sender is stored."""
    today = today or timezone.localdate()
    if channel == Channel.WEB and not survey.is_open(today):
        raise SurveyRefused(_("Enkäten är inte öppen för svar just nu."))
    if survey.replaced:
        raise SurveyRefused(_("Den här versionen av enkäten har ersatts av en nyare."))
    if submission_key is not None:
        existing = Response.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
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
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            answer_themes_assign(answers=rows, municipality_id=survey.municipality_id)
    except IntegrityError:
        existing = Response.objects.filter(submission_key=submission_key).first()
        if submission_key is None or existing is None:
            raise
        return existing
    return response

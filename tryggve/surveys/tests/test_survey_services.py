"""Survey services: the bank, editing while unlocked, versions, and saving answers."""

from __future__ import annotations

import datetime
import uuid

import pytest

from tryggve.surveys import bank
from tryggve.surveys.models import Answer, Channel, QuestionKind, Response, Survey
from tryggve.surveys.services import (
    AnswerData,
    SurveyRefused,
    question_delete,
    question_update,
    response_submit,
    survey_create_from_bank,
    survey_new_version,
    survey_update,
)


def _answer(survey, code="unsafe_evening", option="mycket_otrygg"):
    q = survey.questions.get(code=code)
    return AnswerData(question=q, option=q.options.get(code=option))


def test_bank_survey_has_the_exact_ntu_wording_and_scales(survey):
    unsafe = survey.questions.get(code=bank.UNSAFE_CODE)
    assert [o.label for o in unsafe.options.all()] == [
        "Mycket trygg",
        "Ganska trygg",
        "Ganska otrygg",
        "Mycket otrygg",
        "Går inte ut på kvällen av oro för att utsättas för brott",
        "Går inte ut på kvällen av andra orsaker",
    ]
    assert {o.code for o in unsafe.options.all() if o.indicator} == {
        "ganska_otrygg",
        "mycket_otrygg",
        "oro",
    }
    burglary = survey.questions.get(code=bank.BURGLARY_CODE)
    assert [o.label for o in burglary.options.all()] == [
        "Ja, mycket ofta",
        "Ja, ganska ofta",
        "Ja, men bara sällan",
        "Nej",
        "Vet inte",
    ]
    problems = survey.questions.get(code="problems")
    assert problems.kind == QuestionKind.MATRIX
    assert [r.code for r in problems.rows.all()] == [
        "lighting",
        "vegetation",
        "littering",
        "vandalism",
        "intoxicated",
        "speeding",
    ]
    safer = survey.questions.get(code=bank.SAFER_CODE)
    assert [o.label for o in safer.options.all()] == [
        "Synligare polis",
        "Grannsamverkan",
        "Bättre belysning",
        "Röjd sly och vegetation",
        "Annat",
    ]
    gender = survey.questions.get(code=bank.GENDER_CODE)
    assert "Vill inte svara" in [o.label for o in gender.options.all()]
    assert survey.questions.get(code=bank.MAP_CODE).text == (
        "Markera upp till tre platser där du känner dig otrygg"
    )
    kinds = set(survey.questions.values_list("kind", flat=True))
    assert kinds == set(QuestionKind.values) - {QuestionKind.SCALE4}
    other = survey.questions.get(code="safer_other")
    assert other.show_if == safer and other.show_if_options == ["other"]


def test_questions_lock_once_answered_and_a_new_version_copies_them(survey, today):
    question = survey.questions.get(code="comment")
    question_update(question=question, text="Något mer?", help_text="", required=False)
    response_submit(survey=survey, answers=[_answer(survey)], today=today)
    assert survey.is_locked()
    with pytest.raises(SurveyRefused, match="låsta"):
        question_update(question=question, text="Ändrad", help_text="", required=False)
    with pytest.raises(SurveyRefused):
        question_delete(question=question)
    new = survey_new_version(survey=survey)
    survey.refresh_from_db()
    assert survey.replaced and new.version == 2 and not new.is_locked()
    assert new.questions.count() == survey.questions.count()
    assert new.questions.get(code="comment").text == "Något mer?"
    copied = new.questions.get(code="safer_other")
    assert copied.show_if.survey == new
    # Answers go to the new version; the old one is refused.
    with pytest.raises(SurveyRefused):
        response_submit(survey=survey, answers=[_answer(survey)], today=today)
    response_submit(survey=new, answers=[_answer(new)], today=today)
    with pytest.raises(SurveyRefused):
        survey_new_version(survey=survey)


def test_delete_question_clears_conditions(survey):
    safer = survey.questions.get(code=bank.SAFER_CODE)
    question_delete(question=safer)
    assert survey.questions.get(code="safer_other").show_if is None


def test_survey_update_refuses_closing_before_opening(survey, today):
    with pytest.raises(SurveyRefused):
        survey_update(
            survey=survey,
            title="x",
            introduction="",
            opens_on=today,
            closes_on=today - datetime.timedelta(days=1),
        )
    survey_update(survey=survey, title="Ny", introduction="Hej", opens_on=None, closes_on=None)
    survey.refresh_from_db()
    assert survey.title == "Ny" and survey.state(today) == "draft"


def test_a_second_bank_survey_for_the_year_is_the_next_version(survey, municipality, today):
    again = survey_create_from_bank(municipality=municipality, year=today.year)
    survey.refresh_from_db()
    assert again.version == 2 and survey.replaced


def test_response_is_anonymous_and_saved_whole(survey, today):
    q_text = survey.questions.get(code="comment")
    response = response_submit(
        survey=survey,
        answers=[_answer(survey), AnswerData(question=q_text, text="Ring Anna på 070-1234567")],
        today=today,
    )
    assert response.channel == Channel.WEB and response.submitted_on == today
    assert response.municipality_id == survey.municipality_id
    assert response.has_flagged_text
    assert Answer.objects.get(question=q_text).flagged
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "user", "created_by", "session_key"}


@pytest.mark.parametrize("offset", [-30, 30])
def test_web_answers_only_while_open_but_paper_after(survey, today, offset):
    day = today + datetime.timedelta(days=offset)
    with pytest.raises(SurveyRefused, match="inte öppen"):
        response_submit(survey=survey, answers=[_answer(survey)], today=day)
    assert not Response.objects.exists()
    response_submit(survey=survey, answers=[_answer(survey)], channel=Channel.PAPER, today=day)
    assert Response.objects.get().channel == Channel.PAPER


def test_double_submit_saves_once(survey, today):
    key = uuid.uuid4()
    first = response_submit(survey=survey, answers=[_answer(survey)], submission_key=key)
    second = response_submit(survey=survey, answers=[_answer(survey)], submission_key=key)
    assert first.pk == second.pk and Response.objects.count() == 1
    assert Answer.objects.count() == 1


def test_a_failing_answer_row_saves_nothing(survey, today, monkeypatch):
    from tryggve.surveys import services

    def broken(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.Answer.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        response_submit(survey=survey, answers=[_answer(survey)], today=today)
    assert not Response.objects.exists()


def test_answers_of_another_survey_are_refused(survey, municipality, today):
    other = survey_create_from_bank(municipality=municipality, year=today.year - 5)
    with pytest.raises(SurveyRefused):
        response_submit(survey=other, answers=[_answer(survey)], channel=Channel.PAPER)
    assert not Response.objects.exists()
    assert Survey.objects.count() == 2

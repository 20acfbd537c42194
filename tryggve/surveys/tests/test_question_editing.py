"""Editing a survey's questions while it has no answers: options, matrix rows, conditions,
adding and deleting questions; refused, with a message, once the survey is locked."""

from __future__ import annotations

import pytest

from tryggve.surveys.forms import AnswerForm
from tryggve.surveys.models import Option, Question
from tryggve.surveys.services import (
    SurveyRefused,
    question_add,
    question_set_condition,
    response_submit,
)


def q(survey, code) -> Question:
    return survey.questions.get(code=code)


def base(survey, question) -> str:
    return f"/personal/enkater/{survey.pk}/fraga/{question.pk}/"


def labels(question) -> list[str]:
    return list(question.options.values_list("label", flat=True))


def lock(survey, valid_answer) -> None:
    form = AnswerForm(valid_answer, survey=survey)
    assert form.is_valid()
    response_submit(survey=survey, answers=form.answer_data)


def test_add_edit_and_remove_an_option(case_handler, survey):
    question = q(survey, "watch_interest")
    url = base(survey, question)
    response = case_handler.post(url + "alternativ/ny/", {"o-ny-label": "Ja, som kontaktperson"})
    assert response.status_code == 302 and response.url.endswith("#options")
    added = question.options.get(label="Ja, som kontaktperson")
    assert added.code == "ja_som_kontaktperson" and added.position == 5
    case_handler.post(
        url + f"alternativ/{added.pk}/",
        {
            "action": "save",
            f"o{added.pk}-label": "Kontaktperson",
            f"o{added.pk}-code": "kontakt",
            f"o{added.pk}-indicator": "on",
        },
    )
    added.refresh_from_db()
    assert (added.label, added.code, added.indicator) == ("Kontaktperson", "kontakt", True)
    case_handler.post(url + f"alternativ/{added.pk}/", {"action": "delete"})
    assert not question.options.filter(pk=added.pk).exists()


def test_a_duplicate_or_malformed_code_is_shown_beside_the_field(case_handler, survey):
    question = q(survey, "watch_interest")
    url = base(survey, question)
    before = labels(question)
    page = case_handler.post(url + "alternativ/ny/", {"o-ny-label": "Igen", "o-ny-code": "ja"})
    assert page.status_code == 200
    assert "Koden ”ja” finns redan i frågan. Välj en annan." in page.content.decode()
    assert 'id="id_o-ny-code_error"' in page.content.decode()
    page = case_handler.post(url + "alternativ/ny/", {"o-ny-label": "X", "o-ny-code": "å ä"})
    assert "Använd bara bokstäverna a–z, siffror, - och _." in page.content.decode()
    page = case_handler.post(url + "alternativ/ny/", {"o-ny-label": ""})
    assert page.status_code == 200 and "id_o-ny-label_error" in page.content.decode()
    assert labels(question) == before


def test_moving_options_changes_the_paper_numbers(case_handler, survey):
    question = q(survey, "watch_interest")
    first, second = question.options.all()[:2]
    case_handler.post(base(survey, question) + f"alternativ/{second.pk}/", {"action": "up"})
    assert labels(question)[:2] == [second.label, first.label]
    paper = AnswerForm(survey=survey, paper=True)
    assert paper.fields["q-watch_interest"].widget.numbers["1"] == second.code
    # Moving the first one further up changes nothing.
    case_handler.post(base(survey, question) + f"alternativ/{second.pk}/", {"action": "up"})
    assert labels(question)[0] == second.label
    case_handler.post(base(survey, question) + f"alternativ/{second.pk}/", {"action": "down"})
    assert labels(question)[:2] == [first.label, second.label]


def test_an_option_a_condition_names_cannot_be_removed(case_handler, survey):
    safer = q(survey, "safer")
    other = safer.options.get(code="other")
    response = case_handler.post(
        base(survey, safer) + f"alternativ/{other.pk}/", {"action": "delete"}
    )
    assert Option.objects.filter(pk=other.pk).exists()
    page = case_handler.get(response.url).content.decode()
    assert "används i villkoret" in page
    # Renaming its code carries the new code into the condition.
    case_handler.post(
        base(survey, safer) + f"alternativ/{other.pk}/",
        {"action": "save", f"o{other.pk}-label": "Annat", f"o{other.pk}-code": "annat"},
    )
    assert q(survey, "safer_other").show_if_options == ["annat"]


def test_matrix_rows_added_edited_moved_and_removed(case_handler, survey):
    problems = q(survey, "problems")
    url = base(survey, problems)
    case_handler.post(url + "rader/ny/", {"r-ny-label": "Nedskräpning vid återvinningen"})
    row = problems.rows.get(label="Nedskräpning vid återvinningen")
    assert row.position == 7
    page = case_handler.post(
        url + f"rader/{row.pk}/",
        {"action": "save", f"r{row.pk}-label": "X", f"r{row.pk}-code": "lighting"},
    )
    assert "Koden ”lighting” finns redan i frågan." in page.content.decode()
    case_handler.post(url + f"rader/{row.pk}/", {"action": "up"})
    assert list(problems.rows.values_list("code", flat=True))[-2] == row.code
    case_handler.post(url + f"rader/{row.pk}/", {"action": "delete"})
    assert problems.rows.count() == 6
    # A question that is no matrix has no rows to add to.
    response = case_handler.post(base(survey, q(survey, "age")) + "rader/ny/", {"r-ny-label": "X"})
    assert "Bara en matrisfråga har påståenden." in case_handler.get(response.url).content.decode()


def test_set_change_and_clear_a_condition(case_handler, survey):
    comment, safer, victim = q(survey, "comment"), q(survey, "safer"), q(survey, "victim")
    url = base(survey, comment) + "villkor/"
    page = case_handler.get(base(survey, comment)).content.decode()
    assert f'value="{safer.pk}:police"' in page
    assert f'value="{comment.pk}:' not in page  # not on itself
    case_handler.post(url, {"answers": [f"{safer.pk}:police", f"{safer.pk}:watch"]})
    comment.refresh_from_db()
    assert (comment.show_if, comment.show_if_options) == (safer, ["police", "watch"])
    mixed = case_handler.post(url, {"answers": [f"{safer.pk}:police", f"{victim.pk}:vald"]})
    assert "Välj svar från en och samma fråga." in mixed.content.decode()
    # The error summary's link leads to the first checkbox.
    assert 'href="#id_answers_0"' in mixed.content.decode()
    assert 'id="id_answers_0"' in mixed.content.decode()
    later = q(survey, "age")
    forged = case_handler.post(url, {"answers": [f"{later.pk}:80"]})
    assert "Välj ett av svarsalternativen." in forged.content.decode()
    garbage = case_handler.post(url, {"answers": ["x:y"]})
    assert garbage.status_code == 200
    comment.refresh_from_db()
    assert comment.show_if_options == ["police", "watch"]
    case_handler.post(url, {})
    comment.refresh_from_db()
    assert comment.show_if is None and comment.show_if_options == []


def test_the_service_refuses_conditions_on_itself_later_or_textual_questions(survey):
    comment = q(survey, "comment")
    cases = [
        (comment, ["x"]),
        (q(survey, "age"), ["80"]),  # a later question
        (q(survey, "safer_other"), []),  # free text has no options
        (q(survey, "safer"), ["nope"]),  # not one of its options
    ]
    for parent, options in cases:
        with pytest.raises(SurveyRefused):
            question_set_condition(question=comment, show_if=parent, options=options)
    comment.refresh_from_db()
    assert comment.show_if is None


def test_add_a_bank_question_and_a_blank_one(case_handler, survey):
    gender = q(survey, "gender")
    case_handler.post(base(survey, gender), {"delete": "1"})
    assert not survey.questions.filter(code="gender").exists()
    detail = case_handler.get(f"/personal/enkater/{survey.pk}/").content.decode()
    assert 'value="bank:gender"' in detail and 'value="bank:age"' not in detail
    response = case_handler.post(
        f"/personal/enkater/{survey.pk}/fraga/ny/", {"source": "bank:gender"}
    )
    added = survey.questions.get(code="gender")
    assert response.url == base(survey, added)
    assert labels(added)[-1] == "Vill inte svara"
    assert added.position == survey.questions.order_by("-position").first().position
    case_handler.post(
        f"/personal/enkater/{survey.pk}/fraga/ny/",
        {"source": "ny:single", "text": "Känner du dina grannar?"},
    )
    blank = survey.questions.get(text="Känner du dina grannar?")
    assert blank.kind == "single" and blank.code.startswith("egen")
    missing = case_handler.post(f"/personal/enkater/{survey.pk}/fraga/ny/", {"source": "ny:text"})
    assert missing.status_code == 200 and "Skriv frågan." in missing.content.decode()
    again = case_handler.post(f"/personal/enkater/{survey.pk}/fraga/ny/", {"source": "bank:age"})
    assert "Välj ett av svarsalternativen." in again.content.decode()
    assert survey.questions.filter(code="age").count() == 1


def test_question_add_refuses_unknown_and_special_kinds(survey):
    for kwargs in ({"bank_code": "nope"}, {"kind": "map", "text": "Karta"}, {"kind": "single"}):
        with pytest.raises(SurveyRefused):
            question_add(survey=survey, **kwargs)


def test_deleting_a_parent_question_removes_the_condition(case_handler, survey):
    safer = q(survey, "safer")
    case_handler.post(base(survey, safer), {"delete": "1"})
    dependant = q(survey, "safer_other")
    assert dependant.show_if is None and dependant.show_if_options == []


def test_a_locked_survey_refuses_every_change(case_handler, survey, valid_answer):
    lock(survey, valid_answer)
    question = q(survey, "watch_interest")
    option = question.options.first()
    url = base(survey, question)
    before = labels(question)
    for path, data in [
        (url + "alternativ/ny/", {"o-ny-label": "Ny"}),
        (url + f"alternativ/{option.pk}/", {"action": "delete"}),
        (url + f"alternativ/{option.pk}/", {"action": "down"}),
        (base(survey, q(survey, "problems")) + "rader/ny/", {"r-ny-label": "Ny"}),
        (base(survey, q(survey, "comment")) + "villkor/", {"answers": [f"{question.pk}:ja"]}),
    ]:
        response = case_handler.post(path, data)
        assert response.status_code in (200, 302), path
    assert labels(question) == before
    assert q(survey, "problems").rows.count() == 6
    assert q(survey, "comment").show_if is None
    page = case_handler.get(url).content.decode()
    assert "frågorna är låsta" in page and "Skapa en ny version" in page
    add = case_handler.post(
        f"/personal/enkater/{survey.pk}/fraga/ny/", {"source": "ny:text", "text": "X"}, follow=True
    )
    assert "Skapa en ny version för att ändra dem." in add.content.decode()
    assert not survey.questions.filter(text="X").exists()


def test_access(client, council_reader, case_handler, survey, foreign_survey):
    question = q(survey, "watch_interest")
    option = question.options.first()
    posts = [
        base(survey, question) + "alternativ/ny/",
        base(survey, question) + f"alternativ/{option.pk}/",
        base(survey, q(survey, "problems")) + "rader/ny/",
        base(survey, question) + "villkor/",
        f"/personal/enkater/{survey.pk}/fraga/ny/",
    ]
    for url in posts:
        anonymous = client.post(url, {"action": "delete"})
        assert anonymous.status_code == 302 and "/personal/logga-in/" in anonymous.url
        assert council_reader.post(url, {"action": "delete"}).status_code == 403
    assert question.options.filter(pk=option.pk).exists()
    foreign_q = foreign_survey.questions.get(code="watch_interest")
    foreign_o = foreign_q.options.first()
    url = f"/personal/enkater/{foreign_survey.pk}/fraga/{foreign_q.pk}/alternativ/{foreign_o.pk}/"
    assert case_handler.post(url, {"action": "delete"}).status_code == 404
    # An option of another question of the same survey is not found under this one.
    other = q(survey, "age")
    url = base(survey, other) + f"alternativ/{option.pk}/"
    assert case_handler.post(url, {"action": "delete"}).status_code == 404
    assert Option.objects.filter(pk__in=[option.pk, foreign_o.pk]).count() == 2


def test_a_double_submit_adds_once(case_handler, survey):
    question = q(survey, "watch_interest")
    url = base(survey, question) + "alternativ/ny/"
    case_handler.post(url, {"o-ny-label": "Vet inte än"})
    again = case_handler.post(url, {"o-ny-label": "Vet inte än"})
    assert "Det finns redan ett svar med den texten i frågan." in again.content.decode()
    assert question.options.filter(label="Vet inte än").count() == 1
    new = f"/personal/enkater/{survey.pk}/fraga/ny/"
    data = {"source": "ny:text", "text": "Hur mår du?"}
    case_handler.post(new, data)
    second = case_handler.post(new, data, follow=True)
    assert "Frågan finns redan i enkäten." in second.content.decode()
    assert survey.questions.filter(text="Hur mår du?").count() == 1


def test_a_scale_keeps_its_number_of_steps(case_handler, survey):
    change = q(survey, "change")  # a five-step scale from the bank
    response = case_handler.post(
        base(survey, change) + "alternativ/ny/", {"o-ny-label": "Vet inte"}, follow=True
    )
    assert "En skala i 5 steg har 5 svarsalternativ." in response.content.decode()
    assert change.options.count() == 5


def test_a_scale_step_cannot_be_removed(survey):
    from tryggve.surveys.services import option_delete

    change = q(survey, "change")
    with pytest.raises(SurveyRefused, match="behåller alla sina steg"):
        option_delete(option=change.options.first())
    assert change.options.count() == 5


def test_a_choice_question_without_options_is_not_asked(survey):
    """A blank question staff just added is not on the form until it has options."""
    from tryggve.surveys.models import QuestionKind

    empty = question_add(survey=survey, kind=QuestionKind.SINGLE, text="Vilken buss tar du?")
    form = AnswerForm(survey=survey)
    assert empty.pk not in {question.pk for question in form.questions}
    assert not any(name.startswith(f"q-{empty.code}") for name in form.fields)

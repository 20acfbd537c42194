"""Staff pages under /personal/enkater/: who may see and do what, and what each page does."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest

from tryggve.audit.models import AccessLog
from tryggve.surveys.forms import AnswerForm
from tryggve.surveys.models import Channel, Response, Survey
from tryggve.surveys.services import response_submit, survey_create_from_bank

EDITORS = ["case_handler", "administrator"]
READERS = EDITORS + ["council_reader"]
OUTSIDERS = ["police_officer", "staff_without_role"]


def gets(survey):
    base = f"/personal/enkater/{survey.pk}/"
    question = survey.questions.first()
    return {
        "/personal/enkater/": READERS,
        base: READERS,
        base + "qr.svg": READERS,
        base + "resultat/": READERS,
        base + "resultat/?efter=age": READERS,
        base + "resultat.csv": READERS,
        base + "fritext/": EDITORS,
        base + "papper/": EDITORS,
        base + f"fraga/{question.pk}/": EDITORS,
    }


def test_anonymous_visitors_go_to_the_login(client, survey):
    for url in [*gets(survey), f"/personal/enkater/{survey.pk}/ny-version/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/personal/logga-in/" in response.url, url


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_each_role_sees_only_its_pages(request, persona, survey):
    client = request.getfixturevalue(persona)
    for url, allowed in gets(survey).items():
        status = client.get(url).status_code
        assert status == (200 if persona in allowed else 403), (persona, url, status)


@pytest.mark.parametrize("persona", ["council_reader", "police_officer"])
def test_readers_and_outsiders_cannot_change_anything(request, persona, survey, today):
    client = request.getfixturevalue(persona)
    base = f"/personal/enkater/{survey.pk}/"
    client.post("/personal/enkater/ny/", {"year": "2030"})
    client.post(base, {"title": "Hackad", "opens_on": "", "closes_on": ""})
    client.post(base + "ny-version/")
    client.post(base + "papper/", {"q-unsafe_evening": "1"})
    assert Survey.objects.count() == 1
    assert Survey.objects.get().title != "Hackad"
    assert not Response.objects.exists()


def test_list_queries_do_not_grow_with_surveys(case_handler, survey, municipality):
    from tryggve.surveys.services import survey_create_from_bank

    for year in (2020, 2021, 2022):
        survey_create_from_bank(municipality=municipality, year=year)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as four:
        case_handler.get("/personal/enkater/")
    survey_create_from_bank(municipality=municipality, year=2019)
    with CaptureQueriesContext(connection) as five:
        assert b"2019" in case_handler.get("/personal/enkater/").content
    assert len(five) == len(four)


def test_create_from_the_bank_and_edit_dates(case_handler, municipality):
    response = case_handler.post("/personal/enkater/ny/", {"year": "2031"})
    survey = Survey.objects.get(year=2031)
    assert response.url == f"/personal/enkater/{survey.pk}/"
    assert survey.questions.count() > 10
    bad = case_handler.post(
        response.url,
        {"title": "T", "opens_on": "2031-05-01", "closes_on": "2031-04-01"},
    )
    assert "kan inte stänga innan den öppnar" in bad.content.decode()
    case_handler.post(
        response.url, {"title": "T", "opens_on": "2031-03-01", "closes_on": "2031-04-01"}
    )
    survey.refresh_from_db()
    assert survey.opens_on == datetime.date(2031, 3, 1)
    assert case_handler.post("/personal/enkater/ny/", {"year": "tjugo"}).status_code == 302
    assert Survey.objects.count() == 1


def test_detail_shows_link_qr_and_live_count(case_handler, survey, municipality, valid_answer):
    from tryggve.surveys.importers import import_counts, survey_for_year

    last = survey_for_year(municipality=municipality, year=survey.year - 1)
    import_counts(survey=last, text="question,row,option,count\nage,,80,188\n", respondents=188)
    form = AnswerForm(valid_answer, survey=survey)
    assert form.is_valid()
    response_submit(survey=survey, answers=form.answer_data)
    page = case_handler.get(f"/personal/enkater/{survey.pk}/").content.decode()
    assert f"1 svar hittills, mot 188 under hela {survey.year - 1}" in page
    assert "http://testserver/trygghetsenkat/" in page
    assert f"/personal/enkater/{survey.pk}/qr.png" in page
    png = case_handler.get(f"/personal/enkater/{survey.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert case_handler.get(f"/personal/enkater/{survey.pk}/qr.gif").status_code == 404
    assert "frågorna är låsta" in page


def test_edit_question_while_unlocked_then_version(case_handler, survey, valid_answer):
    question = survey.questions.get(code="comment")
    url = f"/personal/enkater/{survey.pk}/fraga/{question.pk}/"
    case_handler.post(url, {"text": "Något mer om tryggheten?", "help_text": ""})
    question.refresh_from_db()
    assert question.text == "Något mer om tryggheten?"
    form = AnswerForm(valid_answer, survey=survey)
    assert form.is_valid()
    response_submit(survey=survey, answers=form.answer_data)
    case_handler.post(url, {"text": "Ändrad efteråt", "help_text": ""})
    question.refresh_from_db()
    assert question.text == "Något mer om tryggheten?"
    response = case_handler.post(f"/personal/enkater/{survey.pk}/ny-version/")
    new = Survey.objects.get(version=2)
    assert response.url == f"/personal/enkater/{new.pk}/"
    assert (
        "Bygger på 2 version"
        in case_handler.get(f"/personal/enkater/{new.pk}/resultat/").content.decode()
    )


def test_results_csv_applies_suppression(council_reader, survey, valid_answer):
    for _ in range(3):
        form = AnswerForm(valid_answer, survey=survey)
        assert form.is_valid()
        response_submit(survey=survey, answers=form.answer_data)
    body = council_reader.get(f"/personal/enkater/{survey.pk}/resultat.csv").content.decode()
    lines = body.splitlines()
    assert lines[0].lstrip("\ufeff").startswith("år;fråga;frågetext;rad")
    ganska = [line for line in lines if "unsafe_evening" in line and "Ganska otrygg" in line]
    assert ganska[0].endswith("alla;Ganska otrygg;dold;dold;dold;dold")
    # A group's zero may be hidden too ("dold") so that no small figure is derived.
    assert all(
        ";dold;" in line or ";Ganska otrygg;0;" in line for line in ganska
    )
    assert ";3;" not in body


def test_free_text_page_logs_the_read_and_marks_flags(case_handler, survey, valid_answer):
    form = AnswerForm({**valid_answer, "q-comment": "Ring Kalle på 070-1234567"}, survey=survey)
    assert form.is_valid()
    response_submit(survey=survey, answers=form.answer_data)
    page = case_handler.get(f"/personal/enkater/{survey.pk}/fritext/").content.decode()
    assert "Kan innehålla personuppgifter" in page and "070-1234567" in page
    assert AccessLog.objects.filter(actor=case_handler.user, action="view").count() == 1


def test_paper_entry_by_numbers_is_marked_as_paper(case_handler, survey, today):
    url = f"/personal/enkater/{survey.pk}/papper/"
    page = case_handler.get(url).content.decode()
    assert "1 = Mycket trygg" in page
    response = case_handler.post(
        url,
        {
            "q-unsafe_evening": "3",
            "q-safer": "1 3",
            "q-problems-lighting": "4",
            "q-unsafe_places-1-place": "Vid kyrkan",
            "q-age": "5",
        },
    )
    assert response.status_code == 302
    saved = Response.objects.get()
    assert saved.channel == Channel.PAPER
    codes = set(saved.answers.exclude(option=None).values_list("option__code", flat=True))
    assert {"ganska_otrygg", "police", "lighting", "mycket_stort", "80"} <= codes
    bad = case_handler.post(url, {"q-unsafe_evening": "9"})
    assert "Välj ett av svarsalternativen." in bad.content.decode()
    assert Response.objects.count() == 1


def test_pages_of_unknown_surveys_are_404(case_handler, survey):
    assert case_handler.get("/personal/enkater/999999/").status_code == 404
    other_q = 999999
    assert case_handler.get(f"/personal/enkater/{survey.pk}/fraga/{other_q}/").status_code == 404


def test_staff_menu_links_the_surveys_for_their_roles(case_handler, council_reader, police_officer):
    link = 'href="/personal/enkater/"'
    assert link in case_handler.get("/personal/").content.decode()
    assert link in council_reader.get("/personal/").content.decode()
    assert link not in police_officer.get("/personal/").content.decode()


def test_a_date_in_year_20026_is_a_form_error(case_handler, survey):
    url = f"/personal/enkater/{survey.pk}/"
    response = case_handler.post(url, {"title": "T", "opens_on": "20026-03-01", "closes_on": ""})
    assert response.status_code == 200
    response = case_handler.post(url, {"title": "T", "opens_on": "1026-03-01", "closes_on": ""})
    assert "mellan år 2000" in response.content.decode()
    survey.refresh_from_db()
    assert survey.opens_on.year == survey.year


def test_a_year_with_a_survey_is_not_replaced_from_the_list(case_handler, survey, today):
    """The create form suggests the first free year; the year residents are answering is
    refused, so one click cannot take the open survey offline, and two clicks make one."""
    page = case_handler.get("/personal/enkater/").content.decode()
    assert f'value="{today.year + 1}"' in page
    response = case_handler.post("/personal/enkater/ny/", {"year": str(today.year)}, follow=True)
    assert f"Det finns redan en enkät för {today.year}" in response.content.decode()
    survey.refresh_from_db()
    assert not survey.replaced and survey.is_open(today)
    assert Survey.objects.filter(year=today.year).count() == 1
    for _click in range(2):
        case_handler.post("/personal/enkater/ny/", {"year": "2031"})
    assert Survey.objects.filter(year=2031).count() == 1


def test_paper_entry_saves_once_and_never_empty(case_handler, survey):
    url = f"/personal/enkater/{survey.pk}/papper/"
    page = case_handler.get(url).content.decode()
    key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    filled = {"q-unsafe_evening": "3", "submission_key": key}
    assert case_handler.post(url, filled).status_code == 302
    assert case_handler.post(url, filled).status_code == 302  # Enter pressed twice
    assert Response.objects.count() == 1
    empty = case_handler.post(url, {"submission_key": str(uuid.uuid4())})
    assert "Skriv in minst ett svar från pappersenkäten." in empty.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.parametrize("typed", ["99999999999999999999999", "-99999999999", "1000001"])
def test_a_number_question_without_limits_refuses_huge_numbers(
    case_handler, municipality, today, typed
):
    """A number question staff add without limits still takes only plausible numbers, on
    the public form and on paper: a field error, never a 500."""
    from tryggve.surveys.models import QuestionKind
    from tryggve.surveys.services import question_add

    fresh = survey_create_from_bank(
        municipality=municipality,
        year=today.year + 3,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=5),
    )
    question = question_add(survey=fresh, kind=QuestionKind.NUMBER, text="Hur många lampor?")
    assert question.min_value is None and question.max_value is None
    name = f"q-{question.code}"
    paper = case_handler.post(f"/personal/enkater/{fresh.pk}/papper/", {name: typed})
    assert paper.status_code == 200
    assert "Skriv ett tal som är" in paper.content.decode()
    assert Response.objects.count() == 0


def test_only_editors_save_the_survey_page(
    client, council_reader, case_handler, survey, foreign_survey
):
    url = f"/personal/enkater/{survey.pk}/"
    data = {
        "title": "Ändrad",
        "introduction": "",
        "paper_return": "",
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": survey.closes_on.isoformat(),
    }
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and "/personal/logga-in/" in anonymous.url
    refused = council_reader.post(url, data)
    assert refused.status_code == 403
    survey.refresh_from_db()
    assert survey.title != "Ändrad"
    assert council_reader.get(url).status_code == 200
    assert case_handler.post(f"/personal/enkater/{foreign_survey.pk}/", data).status_code == 404
    saved = case_handler.post(url, data)
    assert saved.status_code == 302 and saved.url == url
    survey.refresh_from_db()
    assert survey.title == "Ändrad"


def test_paper_entry_focuses_the_first_answer_field(case_handler, survey):
    url = f"/personal/enkater/{survey.pk}/papper/"
    page = case_handler.get(url).content.decode()
    assert page.count("autofocus") == 1
    assert re.search(r'<input[^>]*name="q-unsafe_evening"[^>]*autofocus', page)
    assert 'class="skip-link" href="#main"' in page
    # After an error the first wrong field gets it.
    wrong = case_handler.post(url, {"q-burglary_worry": "99"}).content.decode()
    assert wrong.count("autofocus") == 1
    assert re.search(r'<input[^>]*name="q-burglary_worry"[^>]*autofocus', wrong)

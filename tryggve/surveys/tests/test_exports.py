"""The results as XLSX: the CSV's content, figures below five suppressed, formulas defused."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tryggve.surveys.exports import results_csv_rows
from tryggve.surveys.forms import AnswerForm
from tryggve.surveys.services import response_submit


def answer(survey, valid_answer, times: int, **changes) -> None:
    for _ in range(times):
        form = AnswerForm({**valid_answer, **changes}, survey=survey)
        assert form.is_valid(), form.errors
        response_submit(survey=survey, answers=form.answer_data)


def workbook_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_holds_the_csv_rows_with_suppression(council_reader, survey, valid_answer):
    answer(survey, valid_answer, 6)
    answer(survey, valid_answer, 3, **{"q-unsafe_evening": "mycket_trygg"})
    response = council_reader.get(f"/personal/enkater/{survey.pk}/resultat.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "trygghetsenkat-" in response["Content-Disposition"]
    rows = workbook_rows(response)
    csv_rows = results_csv_rows(survey)
    assert len(rows) == len(csv_rows)
    assert rows[0][:4] == ["år", "fråga", "frågetext", "rad"]
    unsafe = {row[6]: row[7:] for row in rows if row[1] == "unsafe_evening" and row[5] == "alla"}
    # Six "ganska otrygg": a number and its share (6 of 9) with a Wilson interval.
    count, share, low, high = unsafe["Ganska otrygg"]
    assert count == 6 and abs(share - 6 / 9) < 1e-9 and low < share < high
    # Three "mycket trygg": fewer than five, never the number.
    assert unsafe["Mycket trygg"] == ["dold"] * 4
    assert all(3 not in row[7:] for row in rows if row[1] == "unsafe_evening")
    # Same text as the CSV wherever the CSV says a figure is hidden.
    for xlsx_row, csv_row in zip(rows[1:], csv_rows[1:], strict=True):
        for x, c in zip(xlsx_row[7:], csv_row[7:], strict=True):
            if c == "dold":
                assert x == c


def test_shares_are_formatted_as_percentages(council_reader, survey, valid_answer):
    answer(survey, valid_answer, 5)
    answer(survey, valid_answer, 5, **{"q-unsafe_evening": "mycket_trygg"})
    response = council_reader.get(f"/personal/enkater/{survey.pk}/resultat.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    shares = [row[8] for row in sheet.iter_rows(min_row=2) if isinstance(row[8].value, float)]
    assert shares and all(cell.number_format == "0.0%" for cell in shares)


def test_an_option_label_is_never_a_formula(case_handler, survey, valid_answer):
    option = survey.questions.get(code="unsafe_evening").options.get(code="ganska_otrygg")
    option.label = '=HYPERLINK("http://x.invalid")'
    option.save()
    answer(survey, valid_answer, 5)
    rows = workbook_rows(case_handler.get(f"/personal/enkater/{survey.pk}/resultat.xlsx"))
    labels = {row[6] for row in rows}
    assert '\'=HYPERLINK("http://x.invalid")' in labels


def test_the_csv_defuses_formulas_too(case_handler, survey, valid_answer):
    """The workbook went through safe_cell, the CSV wrote labels and texts as they were."""
    question = survey.questions.get(code="unsafe_evening")
    question.text = "-1+1 Hur trygg känner du dig?"
    question.save()
    option = question.options.get(code="ganska_otrygg")
    option.label = '=HYPERLINK("http://x.invalid")'
    option.save()
    answer(survey, valid_answer, 5)
    response = case_handler.get(f"/personal/enkater/{survey.pk}/resultat.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://x.invalid")' in cells
    assert "'-1+1 Hur trygg känner du dig?" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_access(client, police_officer, council_reader, survey, foreign_survey):
    url = f"/personal/enkater/{survey.pk}/resultat.xlsx"
    assert client.get(url).status_code == 302
    assert police_officer.get(url).status_code == 403
    foreign = f"/personal/enkater/{foreign_survey.pk}/resultat.xlsx"
    assert council_reader.get(foreign).status_code == 404


def test_the_results_page_links_the_workbook(council_reader, survey):
    page = council_reader.get(f"/personal/enkater/{survey.pk}/resultat/").content.decode()
    assert f'href="/personal/enkater/{survey.pk}/resultat.xlsx"' in page


def test_each_row_names_the_question_by_code_and_text(council_reader, survey, valid_answer):
    answer(survey, valid_answer, 5)
    text = survey.questions.get(code="unsafe_evening").text
    rows = workbook_rows(council_reader.get(f"/personal/enkater/{survey.pk}/resultat.xlsx"))
    csv_rows = results_csv_rows(survey)
    for table in (rows, csv_rows):
        unsafe = [row for row in table if row[1] == "unsafe_evening"]
        assert unsafe and all(row[2] == text for row in unsafe)
        # The breakdowns by group name it too.
        assert any(row[4] == "age" for row in unsafe)

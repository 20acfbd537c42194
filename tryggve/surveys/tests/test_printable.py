"""The printable questionnaire (PDF, large type): what it says, in the paper entry's order,
and who may fetch it."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.utils import translation

from tryggve.surveys.forms import AnswerForm
from tryggve.surveys.printable import questionnaire_blocks


def pdf_text(content: bytes) -> str:
    """The PDF's text on one line, whitespace runs as one space (lines wrap anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def pdf(case_handler, survey):
    survey.introduction = "Svara senast i april. Tack för att du hjälper till!"
    survey.paper_return = "Lämna enkäten i receptionen i kommunhuset."
    survey.save()
    return case_handler.get(f"/personal/enkater/{survey.pk}/enkat.pdf")


def test_the_pdf_is_a_tagged_pdf_with_page_numbers(pdf, survey):
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="trygghetsenkat-{survey.year}.pdf"' in pdf["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    pages = len(reader.pages)
    assert pages >= 3
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged: a screen reader can follow the structure
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "sv"
    text = pdf_text(pdf.content)
    assert f"Sida 1 av {pages}" in text and f"Sida {pages} av {pages}" in text
    # The title, the introduction, where to hand it in, and the web address.
    assert survey.title in text
    assert "Svara senast i april. Tack för att du hjälper till!" in text
    assert "Lämna enkäten i receptionen i kommunhuset." in text
    assert "http://testserver/trygghetsenkat/" in text


def test_questions_carry_the_paper_entry_numbers(pdf, survey):
    """Question N and option k on paper are question N and number k in the entry form;
    every kind of question is printed in a way one can answer with a pen."""
    text = pdf_text(pdf.content)
    form = AnswerForm(survey=survey, paper=True)
    blocks = form.blocks()
    assert len(blocks) == survey.questions.count()
    for block in blocks:
        q = block["question"]
        assert f"{block['number']}. {q.text}" in text, q.code
    unsafe = form.fields["q-unsafe_evening"].widget.numbers
    for number, code in unsafe.items():
        label = survey.questions.get(code="unsafe_evening").options.get(code=code).label
        assert f"{number} {label}" in text
    # The area question lists the areas in the entry form's order, then "other".
    area_numbers = form.fields["q-area"].widget.numbers
    for number, slug in area_numbers.items():
        name = dict(form.fields["q-area"].choices)[slug]
        assert f"{number} {name}" in text
    # Matrix rows, the condition, the map question in words, a number, free-text lines.
    for row in survey.questions.get(code="problems").rows.all():
        assert row.label in text
    numbers = {b["code"]: b["number"] for b in questionnaire_blocks_with_codes(survey)}
    assert f"Om du svarade ”Annat” på fråga {numbers['safer']}:" in text
    assert "Beskriv platsen med ord" in text and "Plats 3" in text
    assert "Var är platsen?" in text and "Hela dygnet" in text
    # The web help of the map question speaks of a map, which paper has not.
    assert "Välj platsen på kartan" not in text
    assert "Skriv ett tal:" in text


def questionnaire_blocks_with_codes(survey):
    codes = list(survey.questions.values_list("code", flat=True))
    return [
        {"code": code, **block}
        for code, block in zip(codes, questionnaire_blocks(survey), strict=True)
    ]


def test_layouts_follow_the_question_kinds(survey):
    layouts = {b["code"]: b["layout"] for b in questionnaire_blocks_with_codes(survey)}
    assert layouts["unsafe_evening"] == "list"
    assert layouts["change"] == "scale"
    assert layouts["problems"] == "matrix"
    assert layouts["comment"] == "text"
    assert layouts["unsafe_places"] == "places"
    assert layouts["years_lived"] == "number"


def test_a_question_changed_by_staff_is_printed_as_written(case_handler, survey):
    question = survey.questions.get(code="comment")
    question.text = "Något mer om tryggheten i Arvidsjaur?"
    question.save()
    with translation.override("en"):
        blocks = questionnaire_blocks_with_codes(survey)
    texts = {b["code"]: b["text"] for b in blocks}
    assert texts["comment"] == "Något mer om tryggheten i Arvidsjaur?"
    assert texts["age"] == "How old are you?"


def test_access(client, council_reader, police_officer, staff_without_role, survey, foreign_survey):
    url = f"/personal/enkater/{survey.pk}/enkat.pdf"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/personal/logga-in/" in anonymous.url
    assert police_officer.get(url).status_code == 403
    assert staff_without_role.get(url).status_code == 403
    assert council_reader.get(f"/personal/enkater/{foreign_survey.pk}/enkat.pdf").status_code == 404


def test_the_detail_page_links_the_pdf(case_handler, survey):
    page = case_handler.get(f"/personal/enkater/{survey.pk}/").content.decode()
    assert f'href="/personal/enkater/{survey.pk}/enkat.pdf"' in page


def test_making_a_pdf_leaves_pillows_truncated_image_check_on(pdf):
    """WeasyPrint's import turns Pillow's global LOAD_TRUNCATED_IMAGES on; the photo
    upload check relies on it being off."""
    from PIL import ImageFile

    assert pdf.status_code == 200
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_paper_form_that_skipped_a_required_question_can_be_typed_in(case_handler, survey):
    """The printed questionnaire says any question may be skipped, so the entry form must
    take a paper answer without the (on the web required) first question."""
    assert survey.questions.get(code="unsafe_evening").required
    url = f"/personal/enkater/{survey.pk}/papper/"
    response = case_handler.post(url, {"q-age": "5"})
    assert response.status_code == 302
    assert survey.responses.get().answers.get().option.code == "80"

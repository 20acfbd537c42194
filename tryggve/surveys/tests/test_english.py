"""English pages: the bank's questions in English while they keep the bank's Swedish
wording in the database; anything staff wrote is shown as written; the trend in English."""

from __future__ import annotations

from django.utils import translation

from tryggve.surveys import bank, results
from tryggve.surveys.forms import AnswerForm
from tryggve.surveys.importers import import_counts, survey_for_year
from tryggve.surveys.services import response_submit

# Words that are the same in both languages.
SAME_IN_ENGLISH = {"Man"}


def test_every_bank_text_has_an_english_rendering():
    with translation.override("en"):
        untranslated = {text for text in bank.BANK_STRINGS if translation.gettext(text) == text}
    assert untranslated == SAME_IN_ENGLISH


def test_english_visitors_see_the_bank_questions_in_english(citizen, survey):
    comment = survey.questions.get(code="comment")
    comment.text = "Något mer om tryggheten i Glommersträsk?"
    comment.save()
    option = survey.questions.get(code="watch_interest").options.get(code="kanske")
    option.label = "Kanske, om grannarna är med"
    option.save()
    citizen.cookies["django_language"] = "en"
    page = citizen.get("/trygghetsenkat/").content.decode()
    assert "How safe or unsafe do you feel if you go out alone late one evening" in page
    assert "Very safe" in page and "Poor lighting" in page and "How old are you?" in page
    assert "Hur gammal är du?" not in page
    # Staff's own wording is shown as written.
    assert "Något mer om tryggheten i Glommersträsk?" in page
    assert "Kanske, om grannarna är med" in page
    # The database keeps the Swedish wording (trends compare it word for word).
    assert survey.questions.get(code="age").text == "Hur gammal är du?"


def test_swedish_visitors_see_the_swedish_wording(citizen, survey):
    page = citizen.get("/trygghetsenkat/").content.decode()
    assert "Hur gammal är du?" in page and "Mycket trygg" in page


def test_an_english_answer_is_stored_as_the_same_options(citizen, survey, valid_answer):
    citizen.cookies["django_language"] = "en"
    with translation.override("en"):
        form = AnswerForm(valid_answer, survey=survey)
        assert form.is_valid()
        assert dict(form.fields["q-unsafe_evening"].choices)["ganska_otrygg"] == "Fairly unsafe"
    response = response_submit(survey=survey, answers=form.answer_data)
    codes = set(response.answers.exclude(option=None).values_list("option__code", flat=True))
    assert "ganska_otrygg" in codes


def test_the_trend_sentence_is_translated(survey, municipality):
    earlier = survey_for_year(municipality=municipality, year=survey.year - 1)
    import_counts(
        survey=earlier,
        text="question,row,option,count\nunsafe_evening,,ganska_otrygg,18\n"
        "unsafe_evening,,mycket_trygg,82\n",
        respondents=100,
    )
    import_counts(
        survey=survey,
        text="question,row,option,count\nunsafe_evening,,ganska_otrygg,24\n"
        "unsafe_evening,,mycket_trygg,76\n",
        respondents=100,
    )
    with translation.override("en"):
        trend = next(t for t in results.trends(survey) if t["question"].code == "unsafe_evening")
        assert trend["question"].shown_text.startswith("How safe or unsafe")
    assert trend["sentence"].endswith(
        "The share feeling unsafe rose from 18 % to 24 %; the difference may be due to chance."
    )
    with translation.override("sv"):
        trend = next(t for t in results.trends(survey) if t["question"].code == "unsafe_evening")
    assert trend["sentence"].endswith(
        "Andelen otrygga ökade från 18 % till 24 %; skillnaden kan bero på slumpen."
    )


def test_english_results_tables_name_options_in_english(council_reader, survey, valid_answer):
    for _ in range(5):
        form = AnswerForm(valid_answer, survey=survey)
        assert form.is_valid()
        response_submit(survey=survey, answers=form.answer_data)
    council_reader.cookies["django_language"] = "en"
    page = council_reader.get(f"/personal/enkater/{survey.pk}/resultat/").content.decode()
    assert "Fairly unsafe" in page and "How old are you?" in page



def test_english_visitors_get_the_question_help_in_english(citizen, survey):
    """The bank's help texts (the map question's, among others) follow the language."""
    citizen.cookies["django_language"] = "en"
    page = citizen.get("/trygghetsenkat/").content.decode()
    assert "Välj platsen på kartan eller beskriv den med ord. Berätta" not in page
    swedish = citizen.__class__().get("/trygghetsenkat/").content.decode()
    assert "Välj platsen på kartan eller beskriv den med ord. Berätta" in swedish

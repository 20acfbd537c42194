"""Staff correct the themes of free-text answers on the free-text page; the results pages
count answers per theme and never show a text publicly."""

from __future__ import annotations

import datetime

import pytest

from tryggve.surveys.models import AnswerTheme, LearnedTerm, ThemeCorrection
from tryggve.surveys.services import survey_create_from_bank


def texts_url(survey) -> str:
    return f"/personal/enkater/{survey.pk}/fritext/"


def correct_url(survey, answer) -> str:
    return f"/personal/enkater/{survey.pk}/fritext/{answer.pk}/teman/"


def codes(answer) -> set[str]:
    return set(AnswerTheme.objects.filter(answer=answer).values_list("code", flat=True))


def test_anonymous_visitors_cannot_correct(client, survey, write_texts):
    (answer,) = write_texts(survey, "Mörkt vid skolan")
    response = client.post(correct_url(survey, answer), {"themes": ["trafik"]})
    assert response.status_code == 302 and "/personal/logga-in/" in response.url
    assert codes(answer) == {"belysning"}


@pytest.mark.parametrize("persona", ["council_reader", "police_officer", "staff_without_role"])
def test_other_roles_can_neither_correct_nor_remove_terms(request, persona, survey, write_texts):
    first, _second = write_texts(survey, "Pundare i parken", "pundarna")
    request.getfixturevalue("case_handler").post(
        correct_url(survey, first), {"themes": ["alkohol_droger"]}
    )
    term = LearnedTerm.objects.get(stem="pund")
    client = request.getfixturevalue(persona)
    assert client.post(correct_url(survey, first), {"themes": ["trafik"]}).status_code == 403
    url = f"/personal/enkater/{survey.pk}/fritext/ord/{term.pk}/ta-bort/"
    assert client.post(url).status_code == 403
    assert codes(first) == {"alkohol_droger"}
    term.refresh_from_db()
    assert term.removed is None


def test_answers_and_terms_of_another_municipality_are_out_of_reach(
    case_handler, survey, other_survey, write_texts
):
    (theirs,) = write_texts(other_survey, "Pundare i parken")
    assert case_handler.post(correct_url(survey, theirs), {"themes": ["trafik"]}).status_code == 404
    assert case_handler.post(correct_url(other_survey, theirs), {}).status_code == 404
    assert case_handler.get(texts_url(other_survey)).status_code == 404
    assert not ThemeCorrection.objects.exists()
    term = LearnedTerm.objects.create(
        municipality=other_survey.municipality, theme="trafik", stem="pund"
    )
    url = f"/personal/enkater/{survey.pk}/fritext/ord/{term.pk}/ta-bort/"
    assert case_handler.post(url).status_code == 404


def test_a_correction_saves_teaches_and_goes_back_to_the_answer(case_handler, survey, write_texts):
    first, second = write_texts(survey, "Pundare vid busshållplatsen", "pundarna igen")
    response = case_handler.post(correct_url(survey, first), {"themes": ["alkohol_droger"]})
    assert response.status_code == 302
    assert response.url == f"{texts_url(survey)}#svar-{first.pk}"
    assert codes(first) == codes(second) == {"alkohol_droger"}
    page = case_handler.get(texts_url(survey)).content.decode()
    assert "Sparat." in page
    assert f'id="t{first.pk}-alkohol_droger" checked' in page
    assert f'id="t{first.pk}-trafik">' in page
    assert "satta av" in page and "ordlistans förslag" in page
    assert "busshållplats" in page and "Ta bort pund ur ordlistan" in page


def test_a_wrong_theme_is_a_message_and_nothing_is_saved(case_handler, survey, write_texts):
    (answer,) = write_texts(survey, "Mörkt vid skolan")
    response = case_handler.post(
        correct_url(survey, answer), {"themes": ["finns_inte"]}, follow=True
    )
    assert response.status_code == 200
    assert "Välj bland de teman som finns." in response.content.decode()
    assert codes(answer) == {"belysning"} and not ThemeCorrection.objects.exists()


def test_removing_a_learned_term_shows_who_removed_it(case_handler, survey, write_texts):
    first, second = write_texts(survey, "Pundare i parken", "pundarna")
    case_handler.post(correct_url(survey, first), {"themes": ["alkohol_droger"]})
    term = LearnedTerm.objects.get(stem="pund")
    url = f"/personal/enkater/{survey.pk}/fritext/ord/{term.pk}/ta-bort/"
    response = case_handler.post(url)
    assert response.url == f"{texts_url(survey)}#inlarda-ord"
    assert codes(second) == {"ovrigt"}
    page = case_handler.get(texts_url(survey)).content.decode()
    assert "Ordet är borttaget ur ordlistan." in page and "Borttagen " in page


def test_the_theme_filter_shows_only_that_theme(case_handler, survey, write_texts):
    write_texts(survey, "Mörkt vid skolan", "Buskörning på gatan")
    page = case_handler.get(texts_url(survey) + "?tema=trafik").content.decode()
    assert "Buskörning på gatan" in page and "Mörkt vid skolan" not in page
    page = case_handler.get(texts_url(survey) + "?tema=okand").content.decode()
    assert "Buskörning på gatan" in page and "Mörkt vid skolan" in page


def test_the_free_text_page_queries_do_not_grow_with_answers(
    case_handler, survey, write_texts, django_assert_max_num_queries
):
    answers = write_texts(survey, *(f"Mörkt vid skola {i}" for i in range(3)))
    case_handler.post(correct_url(survey, answers[0]), {"themes": ["vegetation"]})
    with django_assert_max_num_queries(30) as captured:
        case_handler.get(texts_url(survey))
    few = len(captured)
    more = write_texts(survey, *(f"Pundare vid kiosk {i}" for i in range(12)))
    case_handler.post(correct_url(survey, more[0]), {"themes": ["alkohol_droger"]})
    with django_assert_max_num_queries(few):
        case_handler.get(texts_url(survey))


def test_staff_results_count_each_theme_and_link_editors_to_the_texts(
    case_handler, council_reader, survey, write_texts
):
    write_texts(survey, *["Mörkt och igenvuxet"] * 6, *["Fler poliser"] * 5, "Buskörning")
    page = case_handler.get(f"/personal/enkater/{survey.pk}/resultat/").content.decode()
    assert "Vad fritextsvaren handlar om" in page and "12 fritextsvar" in page
    assert '?tema=belysning">Belysning</a>' in page
    rows = page.split('id="res-themes"')[1]
    # Most common first; trafik (1) is "färre än 5", then the themes with none.
    assert rows.index("Belysning") < rows.index("Synlig polis") < rows.index("Trafik")
    assert rows.index("Trafik") < rows.index("Ungdomar")
    assert "50 %" in rows and "42 %" in rows and "färre än 5" in rows
    reader = council_reader.get(f"/personal/enkater/{survey.pk}/resultat/").content.decode()
    assert "Vad fritextsvaren handlar om" in reader and "?tema=" not in reader


@pytest.fixture
def last_year(municipality, today):
    year = today.year - 1
    return survey_create_from_bank(
        municipality=municipality,
        year=year,
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 4, 30),
    )


def test_public_results_count_themes_but_never_show_a_text(citizen, last_year, write_texts):
    write_texts(
        last_year,
        *["Synlig polis behövs, mörkt vid kiosken"] * 5,
        "Ring mig på 070-1234567 om grannsamverkan",
    )
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "Vad fritextsvaren handlar om" in page and "6 fritextsvar" in page
    assert "Synlig polis" in page and "83 %" in page
    # Grannsamverkan rests on one (flagged) answer: counted, but shown as "färre än 5".
    row = page.split('id="res-themes"')[1].split("Grannsamverkan</th>")[1].split("</tr>")[0]
    assert row.count("färre än 5") == 2  # the count and the share
    assert "kiosken" not in page and "070-1234567" not in page and "tema=" not in page


def test_public_results_hide_themes_of_fewer_than_five_texts(citizen, last_year, write_texts):
    write_texts(last_year, *["Synlig polis behövs"] * 4)
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    section = page.split('id="res-themes"')[1]
    assert "färre än 5" in section and "Synlig polis" not in section


def test_theme_names_are_translated(case_handler, survey, write_texts, settings):
    write_texts(survey, *["Fler poliser"] * 5)
    case_handler.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = case_handler.get(f"/personal/enkater/{survey.pk}/resultat/").content.decode()
    assert "What the free-text answers are about" in page and "Visible police" in page
    texts = case_handler.get(texts_url(survey)).content.decode()
    assert "Alcohol and drugs" in texts and "Save themes" in texts

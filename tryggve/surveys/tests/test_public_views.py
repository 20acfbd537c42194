"""The residents' pages: answer once per browser, clear messages, thanks, public results."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings

from tryggve.surveys.models import Answer, Response, Survey
from tryggve.surveys.services import survey_create_from_bank

URL = "/trygghetsenkat/"


def test_the_form_shows_every_question_with_progress(citizen, survey):
    page = citizen.get(URL).content.decode()
    total = survey.questions.count()
    assert f"Fråga 1 av {total}" in page and f"Fråga {total} av {total}" in page
    assert "Markera upp till tre platser där du känner dig otrygg" in page
    assert "data-map-block" in page and 'name="q-unsafe_places-3-lat"' in page
    assert "Svara bara om du valde ”Annat” i fråga" in page  # conditional, shown without JS


def test_a_valid_answer_is_saved_once_and_the_browser_remembers(citizen, survey, valid_answer):
    page = citizen.get(URL)
    key = page.context["form"]["submission_key"].value()
    response = citizen.post(URL, {**valid_answer, "submission_key": key})
    assert response.status_code == 302 and response.url == "/trygghetsenkat/tack/"
    saved = Response.objects.get()
    assert saved.channel == "web"
    place = Answer.objects.get(question__code="unsafe_places")
    assert (place.lat, place.lon, place.time_of_day) == (65.59, 19.18, "evening")
    assert Answer.objects.filter(response=saved, question__code="safer").count() == 2
    # The same browser is told it has answered and cannot answer again.
    again = citizen.get(URL)
    assert "Du har redan svarat" in again.content.decode()
    citizen.post(URL, {**valid_answer, "submission_key": key})
    assert Response.objects.count() == 1
    thanks = citizen.get("/trygghetsenkat/tack/").content.decode()
    assert "/rapportera/" in thanks and "/grannsamverkan/" in thanks
    assert "/trygghetsenkat/resultat/" in thanks
    assert "Dina svar är sparade" in thanks


def test_the_thanks_page_says_saved_only_after_an_answer(client, outsider, survey):
    page = client.get("/trygghetsenkat/tack/").content.decode()
    assert "Dina svar är sparade" not in page and "Tack för dina svar" not in page
    assert "Du har inte svarat på enkäten" in page and 'href="/trygghetsenkat/"' in page
    assert "/rapportera/" in page
    outsider.cookies[f"trygghetsenkat-2505-{survey.year}"] = "1"  # forged, unsigned
    assert "Dina svar är sparade" not in outsider.get("/trygghetsenkat/tack/").content.decode()


def test_a_forged_cookie_does_not_count(citizen, outsider, survey, valid_answer):
    outsider.cookies[f"trygghetsenkat-2505-{survey.year}"] = "1"
    assert "Du har redan svarat" not in outsider.get(URL).content.decode()


def test_a_double_submit_saves_once(citizen, outsider, survey, valid_answer):
    key = citizen.get(URL).context["form"]["submission_key"].value()
    citizen.post(URL, {**valid_answer, "submission_key": key})
    outsider.post(URL, {**valid_answer, "submission_key": key})
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"q-unsafe_evening": ""}, "q-unsafe_evening", "Svara på frågan."),
        ({"q-unsafe_evening": "jattetrygg"}, "q-unsafe_evening", "Välj ett av svarsalternativen."),
        ({"q-years_lived": "tolv"}, "q-years_lived", "Skriv ett heltal"),
        ({"q-years_lived": "999"}, "q-years_lived", "högst 110"),
        ({"q-victim": ["nej", "hot"]}, "q-victim", "kan inte kombineras"),
        ({"q-unsafe_places-1-lon": ""}, "q-unsafe_places-1-lat", "både latitud och longitud"),
        (
            {"q-unsafe_places-1-lat": "59.33", "q-unsafe_places-1-lon": "18.07"},
            "q-unsafe_places-1-lat",
            "utanför Arvidsjaurs kommun",
        ),
        (
            {"q-unsafe_places-2-text": "Mörkt", "q-unsafe_places-2-place": ""},
            "q-unsafe_places-2-place",
            "beskriv den med ord",
        ),
        ({"q-comment": "x" * 2001}, "q-comment", "högst 2000 tecken"),
    ],
)
def test_bad_input_gets_a_swedish_message_next_to_the_field(
    citizen, survey, valid_answer, changes, field, message
):
    response = citizen.post(URL, {**valid_answer, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and "Inget av dina svar är sparat än" in page
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_typed_place_works_without_a_map(citizen, survey, valid_answer):
    posted = {**valid_answer, "q-unsafe_places-1-lat": "", "q-unsafe_places-1-lon": ""}
    posted["q-unsafe_places-1-place"] = "Gångtunneln vid Storgatan"
    assert citizen.post(URL, posted).status_code == 302
    assert Answer.objects.get(question__code="unsafe_places").place_text.startswith("Gångtunneln")


def test_conditional_answer_is_dropped_when_its_condition_is_not_met(citizen, survey, valid_answer):
    citizen.post(URL, {**valid_answer, "q-safer_other": "Fler vakter"})
    assert not Answer.objects.filter(question__code="safer_other").exists()


def test_conditional_answer_is_kept_when_its_condition_is_met(citizen, survey, valid_answer):
    citizen.post(URL, {**valid_answer, "q-safer": ["other"], "q-safer_other": "Fler vakter"})
    assert Answer.objects.get(question__code="safer_other").text == "Fler vakter"


@pytest.mark.parametrize(("opens", "closes", "text"), [(5, 30, "öppnar"), (-30, -5, "stängde")])
def test_future_and_closed_surveys_say_so(
    citizen, municipality, today, valid_answer, opens, closes, text
):
    survey_create_from_bank(
        municipality=municipality,
        year=today.year,
        opens_on=today + datetime.timedelta(days=opens),
        closes_on=today + datetime.timedelta(days=closes),
    )
    assert text in citizen.get(URL).content.decode()
    response = citizen.post(URL, valid_answer)
    assert response.status_code == 200 and text in response.content.decode()
    assert not Response.objects.exists()


def test_a_survey_that_closed_while_answering_gives_back_what_was_typed(
    citizen, survey, valid_answer
):
    """The answer cannot be taken any more, but the resident's own words are not lost."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=yesterday - datetime.timedelta(days=30), closes_on=yesterday
    )
    response = citizen.post(URL, {**valid_answer, "q-comment": "Mer <b>belysning</b>, tack."})
    page = response.content.decode()
    assert response.status_code == 200 and "stängde" in page
    assert "Det här skrev du" in page
    assert "Mer &lt;b&gt;belysning&lt;/b&gt;, tack." in page  # escaped, not as HTML
    assert "Mörkt vid skolan" in page
    assert not Response.objects.exists()
    # A plain visit shows no such section.
    assert "Det här skrev du" not in citizen.get(URL).content.decode()


def test_no_survey_at_all(citizen, municipality):
    assert "ingen trygghetsenkät" in citizen.get(URL).content.decode()
    assert "inga resultat" in citizen.get("/trygghetsenkat/resultat/").content.decode()


def test_public_results_never_show_free_text_and_hide_small_counts(citizen, survey, valid_answer):
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=survey.opens_on - datetime.timedelta(days=60),
        closes_on=survey.opens_on - datetime.timedelta(days=30),
    )
    survey.refresh_from_db()
    from tryggve.surveys.forms import AnswerForm
    from tryggve.surveys.services import response_submit

    for _ in range(6):
        form = AnswerForm({**valid_answer, "q-comment": "Ring Kalle Ek 070-1234567"}, survey=survey)
        assert form.is_valid(), form.errors
        response_submit(survey=survey, answers=form.answer_data, channel="paper")
    page = citizen.get("/trygghetsenkat/resultat/?efter=area").content.decode()
    assert "Kalle" not in page and "070" not in page and "Mörkt vid skolan" not in page
    assert "färre än 5" in page  # the other areas and options
    assert "Så svarade ni" in page and "6 personer svarade" in page
    assert citizen.get("/trygghetsenkat/resultat/?efter=<script>&ar=x").status_code == 200


def test_the_interval_is_explained_in_words(citizen, survey, valid_answer):
    """A resident reads what "(19–31 %)" means, not only its name."""
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=survey.opens_on - datetime.timedelta(days=60),
        closes_on=survey.opens_on - datetime.timedelta(days=30),
    )
    survey.refresh_from_db()
    from tryggve.surveys.forms import AnswerForm
    from tryggve.surveys.services import response_submit

    for _ in range(5):
        form = AnswerForm(valid_answer, survey=survey)
        assert form.is_valid(), form.errors
        response_submit(survey=survey, answers=form.answer_data, channel="paper")
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "andelen bland alla invånare ligger med stor sannolikhet mellan de två talen" in page
    assert "Ju färre svar, desto bredare intervall" in page


def test_the_start_page_links_the_survey_and_its_results(citizen, municipality):
    page = citizen.get("/").content.decode()
    assert 'href="/trygghetsenkat/"' in page and 'href="/trygghetsenkat/resultat/"' in page


def test_public_results_hide_a_second_cell_so_nothing_is_derived_by_subtraction(citizen, survey):
    """188 answers: Kvinna 112, Man 72, Annat 0, Vill inte svara 4. Showing 112, 72 and 0
    would give the 4 away as 188 - 112 - 72 - 0; the 0 is hidden too, under the same word
    (a different one would say which of the two is the small one)."""
    from tryggve.surveys.importers import import_counts

    Survey.objects.filter(pk=survey.pk).update(
        opens_on=survey.opens_on - datetime.timedelta(days=60),
        closes_on=survey.opens_on - datetime.timedelta(days=30),
    )
    survey.refresh_from_db()
    import_counts(
        survey=survey,
        text="question,row,option,count\ngender,,kvinna,112\ngender,,man,72\ngender,,vill_inte,4\n",
        respondents=188,
    )
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    table = page.split("Vilket kön har du?", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(.*?)</td>', table, re.S)
    shown = {label: re.sub(r"<[^>]+>", "", value).strip() for label, value in cells}
    assert "188 svar" in table
    assert shown == {
        "Kvinna": "112",
        "Man": "72",
        "Annat": "dold",
        "Vill inte svara": "dold",
    }


def test_without_javascript_the_map_question_asks_for_words_not_the_map(citizen, survey):
    page = citizen.get(URL).content.decode()
    block = page.split('id="fraga-unsafe_places"', 1)[1].split('id="fraga-comment"', 1)[0]
    buttons = re.findall(r"<p[^>]*data-place-buttons[^>]*>", block)
    assert len(buttons) == 3 and all(" hidden" in tag for tag in buttons)
    visible_help = re.findall(r"<p class=\"help\"( hidden)?[^>]*>([^<]*)</p>", block)
    shown = [text for hidden, text in visible_help if not hidden]
    assert shown and all("kartan" not in text for text in shown)
    assert any("med ord" in text and "koordinater" in text for text in shown)
    # The map's own help is only revealed by the survey script.
    assert all(hidden for hidden, text in visible_help if "på kartan" in text)
    css = (settings.BASE_DIR / "tryggve/surveys/static/css/surveys.css").read_text()
    assert ".map-buttons[hidden]" in css  # the shared sheet's display: flex beat `hidden`


def _missing_describedby(page: str) -> set[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    wanted = {i for attr in re.findall(r'aria-describedby="([^"]*)"', page) for i in attr.split()}
    return wanted - ids


def test_every_aria_describedby_points_at_an_element_on_the_page(citizen, survey, valid_answer):
    page = citizen.get(URL).content.decode()
    assert 'aria-describedby="id_q-comment_helptext"' in page
    assert _missing_describedby(page) == set()
    bad = citizen.post(URL, {**valid_answer, "q-comment": "x" * 100_000}).content.decode()
    assert _missing_describedby(bad) == set()


def test_english_results_name_the_headline_shares_in_english(citizen, survey):
    from tryggve.surveys.importers import import_counts

    Survey.objects.filter(pk=survey.pk).update(
        opens_on=survey.opens_on - datetime.timedelta(days=60),
        closes_on=survey.opens_on - datetime.timedelta(days=30),
    )
    survey.refresh_from_db()
    import_counts(
        survey=survey,
        text="question,row,option,count\nunsafe_evening,,ganska_otrygg,24\n"
        "unsafe_evening,,ganska_trygg,76\nburglary_worry,,mycket_ofta,30\n"
        "burglary_worry,,nej,70\n",
        respondents=100,
    )
    citizen.cookies["django_language"] = "en"
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "Share feeling unsafe:" in page
    assert "Share worried about burglary at home:" in page
    # The answer options are the survey's Swedish data; the shares' names are not.
    assert "Share otrygga" not in page and "Share oroliga" not in page


def test_a_repeated_option_is_one_answer(citizen, survey, valid_answer):
    """q-safer=police three times (a tampered form, or "1 1 1" on paper) is one row."""
    answer = {**valid_answer, "q-safer": ["police", "police", "lighting", "police"]}
    assert citizen.post(URL, answer).status_code == 302
    picked = Answer.objects.filter(question__code="safer").values_list("option__code", flat=True)
    assert sorted(picked) == ["lighting", "police"]


def test_a_tampered_submission_key_is_no_error_for_the_resident(citizen, survey, valid_answer):
    response = citizen.post(URL, {**valid_answer, "submission_key": "not-a-uuid"})
    assert response.status_code == 302
    assert Response.objects.get().submission_key is None


def test_a_place_typed_with_decimal_commas_is_saved(citizen, survey, valid_answer):
    answer = {
        **valid_answer,
        "q-unsafe_places-1-lat": "65,5900",
        "q-unsafe_places-1-lon": "19,1800",
    }
    assert citizen.post(URL, answer).status_code == 302
    place = Answer.objects.get(question__code="unsafe_places")
    assert (place.lat, place.lon) == (65.59, 19.18)

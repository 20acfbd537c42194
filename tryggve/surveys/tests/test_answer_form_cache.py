"""The blank answer form's questions are rendered once per survey and language once the
survey has answers (its questions are locked): the page stays the same, per-visitor fields
stay per visitor, and a form with errors is always rendered afresh."""

from __future__ import annotations

import re

from django.test import Client

from tryggve.surveys.models import Response

URL = "/trygghetsenkat/"


def questions_part(page: str) -> str:
    return page.split('id="id_submission_key">', 1)[1].split("<p><button", 1)[0]


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def test_cached_questions_equal_rendered_ones_and_per_visitor_fields_differ(
    citizen, survey, valid_answer
):
    fresh = citizen.get(URL).content.decode()  # no answers yet: rendered, not cached
    citizen.post(URL, {**valid_answer, "submission_key": hidden(fresh, "submission_key")})
    assert Response.objects.count() == 1
    first, second = Client().get(URL), Client().get(URL)
    assert first.context["questions_html"] is not None  # locked: from the cache
    a, b = first.content.decode(), second.content.decode()
    assert questions_part(a) == questions_part(b) == questions_part(fresh)
    assert hidden(a, "submission_key") != hidden(b, "submission_key")
    assert hidden(a, "csrfmiddlewaretoken") != hidden(b, "csrfmiddlewaretoken")


def test_the_cached_questions_follow_the_language(citizen, survey, valid_answer, settings):
    fresh = citizen.get(URL).content.decode()
    citizen.post(URL, {**valid_answer, "submission_key": hidden(fresh, "submission_key")})
    swedish = Client().get(URL).content.decode()
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = english.get(URL).content.decode()
    assert "Fråga 1 av" in questions_part(swedish)
    assert "Question 1 of" in questions_part(page) and "Fråga 1 av" not in page


def test_a_form_with_errors_is_rendered_with_its_messages(citizen, survey, valid_answer):
    fresh = citizen.get(URL).content.decode()
    citizen.post(URL, {**valid_answer, "submission_key": hidden(fresh, "submission_key")})
    other = Client()
    other.get(URL)
    bad = other.post(URL, {**valid_answer, "q-years_lived": "många"})
    assert bad.status_code == 200 and bad.context["questions_html"] is None
    assert "Skriv ett heltal, till exempel 12." in bad.content.decode()


def _area_label(form, slug: str) -> str:
    return dict(form.fields["q-area"].choices)[slug]


def test_a_locked_surveys_questions_are_read_once_per_process(
    citizen, survey, valid_answer, django_assert_num_queries
):
    from tryggve.surveys.forms import AnswerForm

    fresh = citizen.get(URL).content.decode()
    citizen.post(URL, {**valid_answer, "submission_key": hidden(fresh, "submission_key")})
    AnswerForm(survey=survey)  # the first form after the lock reads them
    with django_assert_num_queries(0):
        form = AnswerForm(survey=survey)
    assert "q-unsafe_evening" in form.fields and "q-area" in form.fields
    # ... and a resident's answer is still checked against them.
    other = Client()
    page = other.get(URL).content.decode()
    again = other.post(URL, {**valid_answer, "submission_key": hidden(page, "submission_key")})
    assert again.status_code == 302 and Response.objects.count() == 2


def test_an_unlocked_surveys_questions_are_read_afresh(survey):
    from tryggve.surveys.forms import AnswerForm
    from tryggve.surveys.services import question_update

    AnswerForm(survey=survey)
    question = survey.questions.get(code="years_lived")
    question_update(
        question=question, text="Hur länge har du bott här?", help_text="", required=False
    )
    assert AnswerForm(survey=survey).fields["q-years_lived"].label == "Hur länge har du bott här?"


def test_a_renamed_area_shows_once_the_kept_copy_expires(
    citizen, survey, valid_answer, municipality, monkeypatch
):
    from tryggve.surveys import forms

    fresh = citizen.get(URL).content.decode()
    citizen.post(URL, {**valid_answer, "submission_key": hidden(fresh, "submission_key")})
    area = municipality.areas.order_by("name").first()
    forms.AnswerForm(survey=survey)
    area.name = "Nytt namn"
    area.save(update_fields=["name"])
    assert _area_label(forms.AnswerForm(survey=survey), area.slug) != "Nytt namn"
    later = forms.time.monotonic() + forms.STRUCTURE_SECONDS + 1
    monkeypatch.setattr(forms.time, "monotonic", lambda: later)
    assert _area_label(forms.AnswerForm(survey=survey), area.slug) == "Nytt namn"
    # Staff's paper entry never waits for it.
    monkeypatch.undo()
    area.name = "Tredje namnet"
    area.save(update_fields=["name"])
    assert "Tredje namnet" in str(
        forms.AnswerForm(survey=survey, paper=True).fields["q-area"].help_text
    )

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

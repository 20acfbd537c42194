"""The survey's POST goes through the shared public-form guard: bots save nothing, and past
the limit per address the form comes back (429) with the answers still filled in."""

from __future__ import annotations

import pytest
from django.test import Client

from tryggve.lib.guard import HONEYPOT_FIELD, STARTED_FIELD
from tryggve.lib.tests.guard_helpers import (
    assert_limited,
    assert_refused_as_bot,
    human,
    set_limit,
)
from tryggve.surveys.models import Answer, Response

URL = "/trygghetsenkat/"


def test_a_person_gets_through_with_the_bot_checks_on(guard_on, survey, valid_answer):
    assert Client().post(URL, human(**valid_answer)).status_code == 302
    assert Response.objects.count() == 1


@pytest.mark.parametrize("trap", ["honeypot", "too-fast", "no-stamp"])
def test_bots_save_nothing(guard_on, survey, valid_answer, trap):
    data = human(**valid_answer)
    if trap == "honeypot":
        data[HONEYPOT_FIELD] = "http://spam.example"
    elif trap == "too-fast":
        from tryggve.lib.tests.guard_helpers import shown_seconds_ago

        data[STARTED_FIELD] = shown_seconds_ago(0)
    else:
        del data[STARTED_FIELD]
    response = Client().post(URL, data)
    assert_refused_as_bot(response)
    assert not Response.objects.exists() and not Answer.objects.exists()
    # The answers are still in the form, so a person can simply send again.
    assert "Mörkt vid skolan" in response.content.decode()


def test_past_the_limit_the_form_comes_back_with_the_answers(survey, valid_answer):
    set_limit("survey", 1)
    assert Client().post(URL, valid_answer).status_code == 302
    response = Client().post(URL, {**valid_answer, "q-comment": "Min egen kommentar"})
    assert_limited(response, "Min egen kommentar")
    assert Response.objects.count() == 1


def test_the_form_has_the_guard_fields(citizen, survey):
    page = citizen.get(URL).content.decode()
    assert f'name="{HONEYPOT_FIELD}"' in page and f'name="{STARTED_FIELD}"' in page

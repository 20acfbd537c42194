"""The survey's free text by rule: the words of free-text and place answers go
SURVEY_TEXT_RETENTION_YEARS after the survey year; answers, themes, points and counts stay,
and no stored page keeps the words."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from tryggve.surveys import results
from tryggve.surveys.importers import survey_for_year
from tryggve.surveys.models import DISPOSED_TEXT, Answer, AnswerTheme
from tryggve.surveys.services import survey_texts_dispose
from tryggve.surveys.tests.test_maps import CENTRUM, respond
from tryggve.surveys.theme_services import answer_themes_recompute


@pytest.fixture
def old(municipality, today, write_texts):
    survey = survey_for_year(municipality=municipality, year=today.year - 1)
    write_texts(survey, "Mörkt vid skolan, Kalle Ek bor där", "Buskarna är för höga")
    respond(survey, [CENTRUM], text="Bakom det gula huset", place_text="Gula huset")
    return survey


def _later(today, years: int) -> datetime.datetime:
    return datetime.datetime(today.year + years, 1, 2, 12, tzinfo=datetime.UTC)


def test_the_words_go_after_the_rule_and_the_counts_stay(
    settings, old, today, case_handler, municipality
):
    settings.SURVEY_TEXT_RETENTION_YEARS = 2
    url = f"/personal/enkater/{old.pk}/resultat/"
    assert "Gula huset" in case_handler.get(url).content.decode()  # stored with the words
    themes_before = results.theme_table(old)
    stored_themes = sorted(AnswerTheme.objects.values_list("answer_id", "code"))
    assert survey_texts_dispose() == 0  # last year's: kept
    assert survey_texts_dispose(now=_later(today, 1)) == 0  # Y + 2 not yet past
    assert survey_texts_dispose(now=_later(today, 2), dry_run=True) == 3
    assert Answer.objects.filter(text__contains="Kalle Ek").exists()
    assert survey_texts_dispose(now=_later(today, 2)) == 3
    assert not Answer.objects.filter(text__contains="Kalle Ek").exists()
    assert not Answer.objects.exclude(place_text="").exists()
    assert set(Answer.objects.exclude(text="").values_list("text", flat=True)) == {DISPOSED_TEXT}
    # Themes, theme counts and the map's points are as before; a lexicon re-read keeps them.
    assert answer_themes_recompute(municipality_id=municipality.pk) == 0
    assert sorted(AnswerTheme.objects.values_list("answer_id", "code")) == stored_themes
    assert results.theme_table(old) == themes_before
    page = case_handler.get(url).content.decode()
    assert "Gula huset" not in page and "Bakom det gula huset" not in page
    assert DISPOSED_TEXT not in page
    texts = case_handler.get(f"/personal/enkater/{old.pk}/fritext/").content.decode()
    assert "Kalle Ek" not in texts and DISPOSED_TEXT not in texts
    old.refresh_from_db()
    assert old.texts_disposed is not None
    assert survey_texts_dispose(now=_later(today, 2)) == 0  # safe to repeat


def test_zero_keeps_the_words(settings, old, today):
    settings.SURVEY_TEXT_RETENTION_YEARS = 0
    assert survey_texts_dispose(now=_later(today, 50)) == 0
    assert Answer.objects.filter(text__contains="Kalle Ek").exists()


def test_the_command_says_what_it_did(settings, old, today):
    settings.SURVEY_TEXT_RETENTION_YEARS = 5
    out = io.StringIO()
    call_command("apply_survey_retention", "--dry-run", stdout=out)
    assert "would dispose of the words of 0 free-text answers" in out.getvalue()
    assert "5 years after the survey year" in out.getvalue()

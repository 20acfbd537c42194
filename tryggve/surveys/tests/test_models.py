"""Survey models: the state by date, locking, and the database's own rules."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from tryggve.surveys.models import Answer, Response, Survey, SurveyState


def test_state_follows_the_dates(survey, today):
    day = datetime.timedelta(days=1)
    assert survey.state(today) == SurveyState.OPEN and survey.is_open(today)
    assert survey.state(survey.opens_on - day) == SurveyState.FUTURE
    assert survey.state(survey.closes_on) == SurveyState.OPEN
    assert survey.state(survey.closes_on + day) == SurveyState.CLOSED
    survey.replaced = True
    assert not survey.is_open(today)


def test_closing_before_opening_is_impossible(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(
            closes_on=survey.opens_on - datetime.timedelta(days=1)
        )


def test_one_version_number_per_year(survey):
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(
            municipality=survey.municipality, year=survey.year, version=1, title="x"
        )


def test_a_place_needs_both_coordinates(survey, today):
    response = Response.objects.create(
        survey=survey, municipality=survey.municipality, channel="web", submitted_on=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            response=response, question=survey.questions.get(code="unsafe_places"), lat=65.59
        )


def test_locked_when_imported_counts_exist(survey):
    assert not survey.is_locked()
    Survey.objects.filter(pk=survey.pk).update(imported_respondents=3)
    survey.refresh_from_db()
    assert survey.is_locked()

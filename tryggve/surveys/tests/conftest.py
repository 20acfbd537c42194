"""Survey fixtures: this year's survey open from the bank, and a valid answer to post."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tryggve.surveys.services import survey_create_from_bank


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def survey(municipality, today):
    """This year's survey, from the bank, open for a month around today."""
    return survey_create_from_bank(
        municipality=municipality,
        year=today.year,
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
    )


@pytest.fixture
def valid_answer(municipality) -> dict[str, str | list[str]]:
    """A complete, valid POST for the bank's questions (one map place by coordinates)."""
    area = municipality.areas.order_by("name").first()
    return {
        "q-unsafe_evening": "ganska_otrygg",
        "q-burglary_worry": "sallan",
        "q-change": "oforandrad",
        "q-problems-lighting": "mycket_stort",
        "q-problems-vegetation": "litet",
        "q-victim": ["nej"],
        "q-trust-police": "ganska_stort",
        "q-safer": ["police", "lighting"],
        "q-watch_interest": "ja",
        "q-unsafe_places-1-lat": "65.5900",
        "q-unsafe_places-1-lon": "19.1800",
        "q-unsafe_places-1-text": "Mörkt vid skolan",
        "q-unsafe_places-1-time": "evening",
        "q-comment": "Mer belysning, tack.",
        "q-years_lived": "12",
        "q-age": "45_64",
        "q-gender": "vill_inte",
        "q-area": area.slug,
    }


@pytest.fixture
def foreign_survey(today):
    """A survey of another municipality: this site's staff must not reach it."""
    from shapely.geometry import box

    from tryggve.areas.models import Municipality

    other = Municipality(code="0180", name="Stockholms kommun")
    other.set_geometry(box(17.8, 59.2, 18.2, 59.4))
    other.save()
    return survey_create_from_bank(municipality=other, year=today.year)


@pytest.fixture
def other_survey(db, today):
    """This year's survey of another municipality (same shape, code 9999)."""
    from tryggve.areas.services import load_geojson_file, municipality_import
    from tryggve.conftest import DEMO_DIR

    other = municipality_import(
        data=load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson"),
        code="9999",
        name="Grannkommunen",
    )
    return survey_create_from_bank(
        municipality=other,
        year=today.year,
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
    )


@pytest.fixture
def write_texts(today):
    """Save one response per text (typed in from paper, so closed surveys take them too),
    each with the text as its comment; returns the free-text answers in order."""
    from tryggve.surveys.models import Channel
    from tryggve.surveys.services import AnswerData, response_submit

    def write(survey, *texts):
        question = survey.questions.get(code="comment")
        answers = []
        for text in texts:
            response = response_submit(
                survey=survey,
                answers=[AnswerData(question=question, text=text)],
                channel=Channel.PAPER,
                today=today,
            )
            answers.append(response.answers.get())
        return answers

    return write

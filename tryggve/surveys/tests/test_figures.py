"""The survey figures the follow-up reads: respondents per year and the burglary worry."""

from __future__ import annotations

import pytest

from tryggve.areas.models import Municipality
from tryggve.surveys.figures import burglary_worry_share, respondents_per_year
from tryggve.surveys.importers import import_counts, survey_for_year
from tryggve.surveys.models import Channel
from tryggve.surveys.services import AnswerData, response_submit

WORRY_2025 = ["mycket_ofta"] * 3 + ["ganska_ofta"] * 2 + ["sallan"] * 4 + ["nej"] * 3


def answer(survey, worry: str) -> None:
    question = survey.questions.get(code="burglary_worry")
    response_submit(
        survey=survey,
        answers=[AnswerData(question=question, option=question.options.get(code=worry))],
        channel=Channel.PAPER,
    )


@pytest.fixture
def survey_years(municipality, other_area):
    """2023 imported as counts (50 respondents, 20 of 50 worried); no survey in 2024; 2025
    answered on paper by twelve (5 worried: 3 very often, 2 fairly often). Another
    municipality's 2025 survey has answers of its own."""
    earlier = survey_for_year(municipality=municipality, year=2023)
    import_counts(
        survey=earlier,
        text="question,row,option,count\nburglary_worry,,ganska_ofta,20\nburglary_worry,,nej,30\n",
        respondents=50,
    )
    survey = survey_for_year(municipality=municipality, year=2025)
    for worry in WORRY_2025:
        answer(survey, worry)
    theirs = survey_for_year(municipality=Municipality.objects.get(code="2510"), year=2025)
    for _ in range(7):
        answer(theirs, "mycket_ofta")


def test_respondents_per_year(survey_years, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        years = respondents_per_year(municipality_code="2505")
    assert [(y.year, y.respondents, y.is_demo) for y in years] == [
        (2023, 50, False),
        (2025, 12, False),
    ]
    assert [(y.year, y.respondents) for y in respondents_per_year(municipality_code="2510")] == [
        (2025, 7)
    ]


def test_repeats_from_one_address_are_not_counted_as_respondents(survey_years, municipality):
    """As in the shares: the follow-up may publish the count, and one person sending the
    form again and again must not raise it (found by the council's trial)."""
    import datetime

    survey = survey_for_year(municipality=municipality, year=2025)
    survey.opens_on, survey.closes_on = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
    survey.save()
    question = survey.questions.get(code="burglary_worry")
    for _ in range(3):
        response_submit(
            survey=survey,
            answers=[AnswerData(question=question, option=question.options.get(code="nej"))],
            channel=Channel.WEB,
            today=datetime.date(2025, 3, 10),
            repeat_from_address=True,
        )
    years = respondents_per_year(municipality_code="2505")
    assert [(y.year, y.respondents) for y in years] == [(2023, 50), (2025, 12)]
    assert [s.respondents for s in burglary_worry_share(municipality_code="2505")] == [50, 12]


def test_burglary_worry_share(survey_years):
    shares = burglary_worry_share(municipality_code="2505")
    assert [(s.year, s.respondents) for s in shares] == [(2023, 50), (2025, 12)]
    assert shares[0].share == pytest.approx(0.4)
    assert shares[1].share == pytest.approx(5 / 12)
    # Wilson 95 % for 5 of 12 by hand: centre .4369, half .2436 -> (.1933, .6805).
    assert (shares[1].low, shares[1].high) == pytest.approx((0.1933, 0.6805), abs=1e-4)


def test_no_survey_no_figures(municipality):
    assert respondents_per_year(municipality_code="2505") == []
    assert burglary_worry_share(municipality_code="2505") == []
    assert respondents_per_year(municipality_code="0000") == []


def test_an_open_years_figures_are_not_given_to_other_apps(survey_years, municipality):
    """While a year's survey is open its figures move with each answer: a public page of
    another app showing them would tell one answer by comparing before and after."""
    import datetime

    from django.utils import timezone

    from tryggve.surveys.figures import theme_counts, unsafe_share
    from tryggve.surveys.models import Survey

    today = timezone.localdate()
    this_year = survey_for_year(municipality=municipality, year=today.year)
    Survey.objects.filter(pk=this_year.pk).update(
        opens_on=today - datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=3)
    )
    this_year.refresh_from_db()
    question = this_year.questions.get(code="comment")
    for _ in range(6):
        answer(this_year, "mycket_ofta")
        response_submit(
            survey=this_year,
            answers=[AnswerData(question=question, text="Bättre belysning vid gångvägen")],
            channel=Channel.PAPER,
        )
    code = "2505"
    for figures in (
        respondents_per_year(municipality_code=code),
        burglary_worry_share(municipality_code=code),
        unsafe_share(municipality_code=code),
        theme_counts(municipality_code=code),
    ):
        assert today.year not in [y.year for y in figures]
    assert [y.year for y in respondents_per_year(municipality_code=code)] == [2023, 2025]

    # Closed yesterday: now it is a finished year like the others.
    Survey.objects.filter(pk=this_year.pk).update(
        opens_on=today - datetime.timedelta(days=10), closes_on=today - datetime.timedelta(days=1)
    )
    assert today.year in [y.year for y in respondents_per_year(municipality_code=code)]
    assert today.year in [y.year for y in theme_counts(municipality_code=code)]
    assert today.year in [y.year for y in burglary_worry_share(municipality_code=code)]

"""Representativeness: answers by age band and area against the population, the warnings,
weighted beside unweighted shares (checked by hand), and the live count per group."""

from __future__ import annotations

import pytest

from tryggve.areas.models import PopulationCount
from tryggve.areas.services import population_import
from tryggve.surveys import representativeness as rep
from tryggve.surveys import results
from tryggve.surveys.importers import import_counts, survey_for_year
from tryggve.surveys.tests.test_results import answer


def population(municipality, text: str, year: int) -> None:
    result = population_import(municipality=municipality, data=text.encode(), year=year)
    assert not result.errors, result.errors


def answer_groups(survey, *groups) -> None:
    """Answers in bulk: (how many, unsafe_evening option, area or None, age band)."""
    for n, unsafe, area, age in groups:
        for _ in range(n):
            answer(survey, unsafe, area=area, age=age)


def rows_of(table, margin):
    found = next(m for m in table["margins"] if m["key"] == margin)
    return {r["key"]: r for r in found["rows"]}, found["unknown"]


def test_no_population_table_says_so(survey):
    assert rep.representativeness(survey) == {"available": False}
    assert not rep.weighted_results(survey)["available"]


def test_population_year_is_the_latest_up_to_the_surveys(survey, municipality):
    population(municipality, "area,age_band,count\n,16_24,10\n", survey.year - 3)
    population(municipality, "area,age_band,count\n,16_24,20\n", survey.year - 1)
    population(municipality, "area,age_band,count\n,16_24,30\n", survey.year + 1)
    margins = rep.population_margins(survey)
    assert margins["year"] == survey.year - 1 and margins["age"] == {"16_24": 20}
    # Without area rows, the areas' own population field (all ages) stands in.
    assert margins["area_all_ages"] and margins["area"]["centrum"] == 624
    PopulationCount.objects.filter(year__lte=survey.year).delete()
    assert rep.population_margins(survey)["year"] == survey.year + 1


def test_answers_against_the_population_with_warnings(survey, municipality):
    centrum, moskosel = (municipality.areas.get(slug=s) for s in ("centrum", "moskosel"))
    population(
        municipality,
        "area,age_band,count\n"
        ",16_24,200\n,45_64,400\n,65_79,400\n"
        "Centrum,45_64,300\nCentrum,65_79,300\nMoskosel,45_64,200\nMoskosel,65_79,200\n",
        survey.year,
    )
    answer_groups(
        survey,
        (12, "mycket_trygg", centrum, "45_64"),
        (3, "mycket_trygg", moskosel, "65_79"),
        (5, "ganska_trygg", moskosel, "vill_inte"),
    )
    # The two-query reading of the groups agrees with the one from all answers.
    versions = results.year_surveys(survey)
    data = results.load_year(versions, individual_only=True)
    assert rep.stated_groups(versions) == rep.respondent_groups(data)
    table = rep.representativeness(survey)
    assert table["available"] and table["respondents"] == 20 and table["year"] == survey.year
    ages, no_age = rows_of(table, "age")
    # 12 of the 15 who gave a band are 45-64 (80 %) against 400 of 1,000 inhabitants (40 %).
    middle = ages["45_64"]
    assert (middle["count"], middle["answer_percent"], middle["population_percent"]) == (12, 80, 40)
    assert middle["ratio"] == pytest.approx(2.0)
    # 65-79: three answers, shown as "färre än 5"; so the next smallest (16-24's 0) is
    # hidden as well, or 3 = 20 - 12 - 0 - 5.
    assert ages["65_79"]["suppressed"] and not ages["65_79"]["secondary"]
    assert ages["16_24"]["secondary"]
    assert (no_age["count"], no_age["suppressed"]) == (5, False)
    areas, no_area = rows_of(table, "area")
    assert set(areas) == {"centrum", "moskosel"} and no_area["count"] == 0
    assert areas["centrum"]["answer_percent"] == 60 and areas["centrum"]["population_percent"] == 60
    assert table["warnings"] == [
        "Ingen i gruppen 16–24 år har svarat, fast gruppen är 20 % av befolkningen. "
        "Resultaten säger inget om den gruppen och kan inte vägas för den.",
        "Färre än 5 svar från gruppen 65–79 år (40 % av befolkningen): resultaten säger "
        "mycket lite om den gruppen.",
    ]


def test_a_badly_under_represented_group_is_named(survey, municipality):
    population(municipality, "area,age_band,count\n,16_24,500\n,65_79,500\n", survey.year)
    answer_groups(survey, (20, "mycket_trygg", None, "65_79"), (6, "mycket_trygg", None, "16_24"))
    table = rep.representativeness(survey)
    assert table["warnings"][0] == (
        "Gruppen 16–24 år är kraftigt underrepresenterad: 23 % av svaren mot 50 % av befolkningen."
    )
    # Nobody named an area, and without area rows in the table the areas' own population
    # counts: each of the twelve areas is warned about.
    assert len(table["warnings"]) == 13 and "Ingen i gruppen Centrum" in table["warnings"][1]


def test_weighted_beside_unweighted_by_hand(survey, municipality):
    centrum = municipality.areas.get(slug="centrum")
    population(
        municipality,
        "area,age_band,count\n,16_24,80\n,45_64,100\n,65_79,100\nCentrum,45_64,50\n"
        "Centrum,65_79,50\n",
        survey.year,
    )
    answer_groups(
        survey, (10, "mycket_trygg", centrum, "45_64"), (5, "mycket_otrygg", centrum, "65_79")
    )
    weighted = rep.weighted_results(survey)
    assert weighted["available"] and weighted["converged"] and weighted["trimmed"] == 0
    # Nobody aged 16-24 answered: the two other bands are weighted to half each. Ten
    # respondents 45-64 then weigh 0.75 each (7.5) and five 65-79 weigh 1.5 (7.5).
    assert weighted["unweightable"] == ["16–24 år"]
    assert weighted["max_weight"] == 1.5
    # Kish: 15² / (10 · 0.75² + 5 · 1.5²) = 225 / 16.875 = 13.3.
    assert weighted["effective_n"] == 13
    unsafe = next(q for q in weighted["questions"] if q["question"].code == "unsafe_evening")
    cells = {o["code"]: o for o in unsafe["options"]}
    assert cells["mycket_otrygg"]["cell"].share == pytest.approx(5 / 15)
    assert cells["mycket_otrygg"]["weighted"].share == pytest.approx(0.5)
    assert cells["mycket_trygg"]["weighted"].share == pytest.approx(0.5)
    # The interval rests on the effective number of answers, n = 13.33 and p = .5:
    # centre .5, half = 1.96 · sqrt(.25/n + 1.96²/(4n²)) / (1 + 1.96²/n) = .2365.
    assert cells["mycket_otrygg"]["weighted"].low == pytest.approx(0.2635, abs=1e-3)


def test_weighted_cells_are_hidden_where_the_unweighted_are(survey, municipality):
    population(municipality, "area,age_band,count\n,45_64,100\n,65_79,100\n", survey.year)
    for i in range(9):
        answer(survey, "mycket_otrygg" if i < 3 else "mycket_trygg", age="45_64")
    answer(survey, "ganska_trygg", age="65_79")
    weighted = rep.weighted_results(survey)
    unsafe = next(q for q in weighted["questions"] if q["question"].code == "unsafe_evening")
    for option in unsafe["options"]:
        cell, weighted_cell = option["cell"], option["weighted"]
        assert (cell.suppressed, cell.secondary) == (
            weighted_cell.suppressed,
            weighted_cell.secondary,
        )
        if weighted_cell.suppressed:
            assert weighted_cell.share == 0
    hidden = [o["code"] for o in unsafe["options"] if o["weighted"].suppressed]
    assert {"mycket_otrygg", "ganska_trygg"} <= set(hidden)


def test_too_few_answers_to_weigh(survey, municipality):
    population(municipality, "area,age_band,count\n,45_64,100\n", survey.year)
    answer(survey, "mycket_trygg")
    assert rep.weighted_results(survey) == {
        "available": False,
        "reason": "Färre än 5 svar: för få för att väga.",
    }


def test_live_count_per_group_against_last_year_and_population(survey, municipality):
    centrum = municipality.areas.get(slug="centrum")
    population(
        municipality, "area,age_band,count\n,45_64,1500\nCentrum,45_64,300\n", survey.year - 1
    )
    last = survey_for_year(municipality=municipality, year=survey.year - 1)
    import_counts(survey=last, text="question,row,option,count\nage,,45_64,40\n", respondents=40)
    for _ in range(3):
        answer(survey, "mycket_trygg", area=centrum, age="45_64")
    answer(survey, "mycket_trygg", age="vill_inte")
    progress = rep.population_progress(survey)
    assert progress["population_year"] == survey.year - 1
    areas, ages = ({r["label"]: r for r in m["rows"]} for m in progress["progress"])
    assert areas["Centrum"] == {
        "label": "Centrum",
        "count": 3,
        "last_year": 0,
        "population": 300,
        "per_thousand": 10.0,
    }
    assert areas["Moskosel"]["population"] is None
    assert ages["45–64 år"]["count"] == 3 and ages["45–64 år"]["per_thousand"] == 2.0
    # Imported counts carry no respondent rows: only single answers count per group.
    assert ages["45–64 år"]["last_year"] == 0
    # The one who would not give an age, and named no area, has a row of their own.
    unstated = ages["Vill inte svara, annat område eller inget svar"]
    assert (unstated["count"], unstated["last_year"], unstated["per_thousand"]) == (1, 0, None)
    assert areas["Vill inte svara, annat område eller inget svar"]["count"] == 1


def test_a_year_of_imported_counts_only_is_not_compared(survey, municipality):
    population(municipality, "area,age_band,count\n,45_64,100\n", survey.year)
    assert rep.representativeness(survey)["respondents"] == 0
    earlier = survey_for_year(municipality=municipality, year=survey.year - 2)
    import_counts(survey=earlier, text="question,row,option,count\nage,,45_64,50\n", respondents=50)
    assert rep.weighted_results(earlier)["reason"] == (
        "Årets svar finns bara som sammanräknade antal och kan inte vägas."
    )
    table = rep.representativeness(earlier)
    assert table == {
        "available": True,
        "respondents": 0,
        "imported_respondents": 50,
        "warnings": [],
    }

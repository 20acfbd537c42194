"""The representativeness on the pages: the staff results page (with weighting on request),
the public results page and the live count per group on the staff survey page."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tryggve.areas.models import Municipality, PopulationCount
from tryggve.areas.services import population_import
from tryggve.surveys import results
from tryggve.surveys.models import Survey
from tryggve.surveys.services import survey_create_from_bank
from tryggve.surveys.tests.test_results import answer

POPULATION = (
    "area,age_band,count\n,16_24,500\n,45_64,500\n,65_79,500\n"
    "Centrum,45_64,300\nCentrum,65_79,300\nMoskosel,45_64,100\nMoskosel,65_79,100\n"
)


@pytest.fixture
def answered(survey, municipality):
    """Twenty answers against a population table: nobody aged 16-24, few in Moskosel."""
    result = population_import(
        municipality=municipality, data=POPULATION.encode(), year=survey.year, is_demo=True
    )
    assert not result.errors
    centrum, moskosel = (municipality.areas.get(slug=s) for s in ("centrum", "moskosel"))
    for i in range(17):
        answer(survey, "mycket_otrygg" if i < 6 else "mycket_trygg", area=centrum, age="45_64")
    for _ in range(3):
        answer(survey, "ganska_trygg", area=moskosel, age="65_79")
    return survey


def urls(survey):
    base = f"/personal/enkater/{survey.pk}/"
    return [base, base + "resultat/", base + "resultat/?vikta=1&efter=age"]


def test_anonymous_visitors_go_to_the_login(client, answered):
    for url in urls(answered):
        response = client.get(url)
        assert response.status_code == 302 and "/personal/logga-in/" in response.url


@pytest.mark.parametrize("persona", ["police_officer", "staff_without_role"])
def test_other_roles_are_refused(request, persona, answered):
    client = request.getfixturevalue(persona)
    for url in urls(answered):
        assert client.get(url).status_code == 403, url


def test_another_municipalitys_survey_and_population_stay_out(case_handler, answered):
    other = Municipality.objects.create(
        code="2510", name="Annan kommun", geometry={}, min_lon=0, min_lat=0, max_lon=1, max_lat=1
    )
    theirs = survey_create_from_bank(municipality=other, year=answered.year)
    PopulationCount.objects.create(
        municipality=other, age_band="16_24", year=answered.year, count=99999
    )
    for url in urls(theirs):
        assert case_handler.get(url).status_code == 404, url
    page = case_handler.get(f"/personal/enkater/{answered.pk}/resultat/").content.decode()
    assert "99999" not in page and "99 999" not in page


def test_staff_results_show_the_comparison_warnings_and_weighting(case_handler, answered):
    base = f"/personal/enkater/{answered.pk}/resultat/"
    page = case_handler.get(base).content.decode()
    assert "Vilka svarade?" in page and "befolkningstalen är ungefärliga exempel" in page
    assert "Ingen i gruppen 16–24 år har svarat" in page
    assert "Färre än 5 svar från gruppen 65–79 år" in page
    assert "Vägd andel" not in page and "?vikta=1#vilka-svarade" in page
    weighted = case_handler.get(base + "?vikta=1").content.decode()
    assert "Ovägd andel (95 % intervall)" in weighted and "Vägd andel (95 % intervall)" in weighted
    assert "Ingen har svarat från: 16–24 år." in weighted
    # Everyone in Centrum is 45-64 and everyone in Moskosel 65-79, so the margins (half
    # each by age, 75/25 by area) contradict each other: the page says the weights are
    # approximate. Mycket otrygg: 6 of 20 unweighted (30 %), weighted 26 %.
    assert "De vägda andelarna är därför ungefärliga." in weighted
    assert "<td>30 %" in weighted and "<td>26 %" in weighted
    # Questions nobody answered get no weighted table.
    section = weighted.split("Vägda resultat", 1)[1]
    assert "Hur har tryggheten i ditt bostadsområde förändrats" not in section


def test_staff_results_queries_do_not_grow_with_answers(
    case_handler, answered, municipality, settings
):
    """Counted (by the task) or served as last counted, the page's queries stay the same."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    url = f"/personal/enkater/{answered.pk}/resultat/?vikta=1&efter=area"

    def queries(*, recount: bool) -> int:
        if recount:
            results.results_refresh(survey=answered)
        cache.clear()  # another process
        with CaptureQueriesContext(connection) as captured:
            assert case_handler.get(url).status_code == 200
        return len(captured)

    before = queries(recount=True)
    centrum = municipality.areas.get(slug="centrum")
    for _ in range(15):
        answer(answered, "mycket_trygg", area=centrum, age="65_79")
    assert queries(recount=False) == before  # served as last counted, recount queued
    assert queries(recount=True) == before


def test_detail_page_shows_answers_per_thousand_inhabitants(
    council_reader, answered, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        page = council_reader.get(f"/personal/enkater/{answered.pk}/").content.decode()
    assert "Svar hittills: Åldersgrupp" in page and "Svar hittills: Bostadsområde" in page
    # Centrum: 17 answers of 600 inhabitants from 16 = 28.3 per 1,000.
    assert "<td>17</td><td>–</td><td>600</td><td>28,3</td>" in page
    assert "befolkningstalen är ungefärliga exempel" in page


def test_public_results_compare_with_the_population_suppressed(citizen, answered):
    Survey.objects.filter(pk=answered.pk).update(
        opens_on=answered.opens_on - datetime.timedelta(days=60),
        closes_on=answered.opens_on - datetime.timedelta(days=30),
    )
    page = citizen.get("/trygghetsenkat/resultat/").content.decode()
    assert "Vilka svarade?" in page and "Svar och befolkning: Åldersgrupp" in page
    assert "Färre än 5 svar från gruppen Moskosel" in page
    assert "Vägd andel" not in page
    # Moskosel's three answers are never shown as a number.
    assert "<td>3</td>" not in page


def test_public_page_of_a_year_kept_as_counts_says_it_cannot_compare(citizen, answered):
    from tryggve.surveys.importers import import_counts, survey_for_year

    earlier = survey_for_year(municipality=answered.municipality, year=answered.year - 2)
    import_counts(survey=earlier, text="question,row,option,count\nage,,45_64,50\n", respondents=50)
    page = citizen.get(f"/trygghetsenkat/resultat/?ar={earlier.year}").content.decode()
    assert "finns bara som sammanräknade antal" in page
    assert "Ingen i gruppen" not in page

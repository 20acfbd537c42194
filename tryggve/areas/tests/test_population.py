"""The population table: reading SCB's exports into the survey's age bands, the import
service (all or nothing, errors by line) and the model's constraints."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from tryggve.areas.models import AgeBand, PopulationCount
from tryggve.areas.population import BAND_CODES, age_shares, read_population
from tryggve.areas.services import population_import

DATA = Path(__file__).parent / "data"
SCB = (DATA / "scb_folkmangd_arvidsjaur.csv").read_bytes()
# The test file's 2024 column summed by hand (men + women per five-year band):
# 16-24 = 4/5 of 15-19 (160+150) + 20-24 (150+120) = 248 + 270;
# 80+ = 80-84 … 100+ = 110+130 + 55+80 + 20+40 + 4+10 + 0+1.
SCB_2024 = {"16_24": 518, "25_44": 1190, "45_64": 1525, "65_79": 1230, "80": 450}


def test_age_bands_are_the_survey_questions_options():
    from tryggve.surveys.bank import AGE_CODE, BANK

    question = next(q for q in BANK if q["code"] == AGE_CODE)
    codes = [code for code, _label, _indicator in question["options"]]
    assert codes == [*BAND_CODES, "vill_inte"]
    assert AgeBand.values == BAND_CODES


@pytest.mark.parametrize(
    ("text", "shares"),
    [
        ("16 år", {"16_24": 1.0}),
        ("15 år", {}),
        ("15-19 år", {"16_24": 0.8}),
        ("20–24 år", {"16_24": 1.0}),
        ("60-69", {"45_64": 0.5, "65_79": 0.5}),
        ("100+ år", {"80": 1.0}),
        ("80 år eller äldre", {"80": 1.0}),
        ("45_64", {"45_64": 1.0}),
        ("totalt ålder", {}),
        ("äldre", None),
        ("19-15 år", None),
    ],
)
def test_ages_map_into_the_survey_bands(text, shares):
    got = age_shares(text)
    assert got == (shares if shares is None else pytest.approx(shares))


def test_scb_export_with_a_title_line_and_two_years():
    latest = read_population(SCB)
    assert latest.year == 2024 and not latest.errors
    totals: dict[str, float] = {}
    for row in latest.rows:
        assert row.region == "2505 Arvidsjaur"
        totals[row.band] = totals.get(row.band, 0) + row.count
    assert totals == pytest.approx(SCB_2024)
    earlier = read_population(SCB, year=2023)
    # 2023 has three more per gender and band (6 per band): 4/5 of 15-19's and all of the
    # seventeen bands from 20-24 to 100+.
    assert sum(r.count for r in earlier.rows) == pytest.approx(sum(SCB_2024.values()) + 6 * 17.8)


def test_single_years_semicolons_windows_1252_and_a_totalt_row():
    text = (
        "region;ålder;kön;år;Folkmängd\r\n"
        "2505 Arvidsjaur;16 år;män;2024;30\r\n"
        "2505 Arvidsjaur;16 år;kvinnor;2024;28\r\n"
        "2505 Arvidsjaur;16 år;totalt;2024;58\r\n"
        "2505 Arvidsjaur;16 år;män;2023;99\r\n"
        "2505 Arvidsjaur;100+ år;kvinnor;2024;1\r\n"
    )
    result = read_population(text.encode("cp1252"))
    assert result.year == 2024 and not result.errors
    assert sorted((r.band, r.count) for r in result.rows) == [
        ("16_24", 28),
        ("16_24", 30),
        ("80", 1),
    ]


@pytest.mark.django_db
def test_import_whole_municipality_and_areas(municipality):
    result = population_import(municipality=municipality, data=SCB, source="SCB test")
    assert (result.errors, result.year, result.saved) == ([], 2024, 5)
    stored = dict(PopulationCount.objects.filter(area=None).values_list("age_band", "count"))
    assert stored == SCB_2024
    own = "area,age_band,count\nCentrum,16_24,60\ncentrum,25_44,150\nMoskosel,80,20\n,80,451\n"
    result = population_import(municipality=municipality, data=own.encode(), year=2024)
    assert not result.errors and result.saved == 4
    centrum = municipality.areas.get(slug="centrum")
    assert PopulationCount.objects.get(area=centrum, age_band="25_44").count == 150
    # A file replaces the whole year of every region it names (a file is complete for
    # those): the municipality now has only its 80+ row; the other areas have nothing.
    assert list(PopulationCount.objects.filter(area=None).values_list("age_band", "count")) == [
        ("80", 451)
    ]
    assert PopulationCount.objects.exclude(area=None).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("area,age_band,count\nCentrum,16_24,60\nPåhittet,16_24,5\n", "Rad 3: okänt område"),
        ("area,age_band,count\nCentrum,16_24,60\nCentrum,äldre,5\n", "Rad 3: okänd ålder"),
        ("area,age_band,count\nCentrum,16_24,-1\n", "Rad 2: antalet '-1' är inget heltal"),
        ("area,age_band,count\nCentrum,16_24,..\n", "Rad 2: antalet '..' är inget heltal"),
        ("area,age_band,count\nCentrum,16_24\n", "Rad 2: för få kolumner"),
        ("region,ålder,2024\n0180 Stockholm,16 år,5\n", "Rad 2: kommunen '0180 Stockholm'"),
        ("namn,antal\nCentrum,5\n", "Hittar ingen rubrikrad"),
        ("region,ålder,2023\n2505,16 år,5\n", "Filen har inget år 2024"),
    ],
)
def test_a_bad_line_saves_nothing_and_names_the_line(municipality, text, message):
    result = population_import(municipality=municipality, data=text.encode(), year=2024)
    assert any(message in error for error in result.errors), result.errors
    assert not PopulationCount.objects.exists()


@pytest.mark.django_db
def test_the_own_format_needs_a_year(municipality):
    result = population_import(municipality=municipality, data=b"area,age_band,count\n,80,3\n")
    assert result.errors == ["Filen säger inte vilket år den gäller: ange --year."]


@pytest.mark.django_db
def test_deso_codes_name_areas_by_their_short_name(municipality):
    area = municipality.areas.get(slug="centrum")
    area.slug = "2505a0010"
    area.save()
    text = '"region","ålder","kön","2024"\n"2505A0010","20-24 år","män",40\n'
    assert not population_import(municipality=municipality, data=text.encode()).errors
    assert PopulationCount.objects.get(area=area).count == 40


@pytest.mark.django_db
def test_one_count_per_area_band_and_year(municipality):
    area = municipality.areas.first()
    fields = {"municipality": municipality, "age_band": "16_24", "year": 2024, "count": 1}
    PopulationCount.objects.create(area=area, **fields)
    PopulationCount.objects.create(area=None, **fields)
    for kwargs in ({"area": area}, {"area": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PopulationCount.objects.create(**kwargs, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PopulationCount.objects.create(**{**fields, "age_band": "0_15", "area": area})

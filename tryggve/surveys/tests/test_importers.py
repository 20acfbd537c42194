"""Importing earlier years from CSV: answer rows and counts, all or nothing, and the command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tryggve.surveys.importers import (
    ImportFailed,
    import_answer_rows,
    import_counts,
    survey_for_year,
)
from tryggve.surveys.models import Answer, Channel, ImportedCount, Response, Survey


@pytest.fixture
def last_year(municipality, today):
    return survey_for_year(municipality=municipality, year=today.year - 1)


def test_answer_rows_become_imported_responses(last_year, municipality):
    area = municipality.areas.first()
    text = (
        "unsafe_evening,safer,problems.lighting,area,years_lived,comment\n"
        f"ganska_otrygg,police|lighting,mycket_stort,{area.slug},12,Mörkt\n"
        "mycket_trygg,,,annat,,\n"
    )
    result = import_answer_rows(survey=last_year, text=text)
    assert result.respondents == 2
    assert Response.objects.filter(channel=Channel.IMPORT, survey=last_year).count() == 2
    assert Answer.objects.filter(question__code="safer").count() == 2
    assert Answer.objects.get(question__code="problems").row.code == "lighting"
    assert Answer.objects.filter(question__code="area", area=area).count() == 1
    assert last_year.state(last_year.closes_on) == "open"
    assert Response.objects.first().submitted_on == last_year.closes_on


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nonsense\nx\n", "rad 1: okänd kolumn"),
        ("unsafe_evening\nmycket_trygg\njattebra\n", "rad 3: okänt svar"),
        ("years_lived\n12\ntolv\n", "rad 3"),
        ("years_lived\n500\n", "utanför gränserna"),
        ("area\nnarnia\n", "okänt bostadsområde"),
        ("problems.nope\ninget\n", "okänd rad"),
    ],
)
def test_bad_rows_save_nothing(last_year, text, message):
    with pytest.raises(ImportFailed) as failed:
        import_answer_rows(survey=last_year, text=text)
    assert any(message in e for e in failed.value.errors)
    assert not Response.objects.exists()


def test_counts_import_and_its_errors(last_year):
    good = "question,row,option,count\nunsafe_evening,,oro,9\nproblems,lighting,inget,40\n"
    import_counts(survey=last_year, text=good, respondents=50)
    last_year.refresh_from_db()
    assert last_year.imported_respondents == 50 and ImportedCount.objects.count() == 2
    assert last_year.respondent_count() == 50
    for bad, respondents in [
        ("question,row,option,count\nunsafe_evening,,oro,-1\n", 5),
        ("question,row,option,count\nunsafe_evening,,nope,1\n", 5),
        ("question,row,option,count\nproblems,,inget,1\n", 5),
        ("question,option\nx,y\n", 5),
        ("question,row,option,count\nunsafe_evening,,oro,1\n", 0),
    ]:
        with pytest.raises(ImportFailed):
            import_counts(survey=last_year, text=bad, respondents=respondents)
    assert ImportedCount.objects.count() == 2


def test_the_command_imports_and_reports_errors(municipality, tmp_path, today):
    path = tmp_path / "svar.csv"
    path.write_text("unsafe_evening,age\nganska_trygg,65_79\nmycket_trygg,80\n", encoding="utf-8")
    call_command("import_survey", str(path), "--year", str(today.year - 2), "--demo")
    survey = Survey.objects.get(year=today.year - 2)
    assert survey.is_demo and survey.responses.count() == 2
    path.write_text("unsafe_evening\nfel\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_survey", str(path), "--year", str(today.year - 2))
    assert survey.responses.count() == 2
    with pytest.raises(CommandError):
        call_command("import_survey", str(tmp_path / "saknas.csv"), "--year", "2020")


def test_create_survey_command(municipality):
    call_command(
        "create_survey", "--year", "2030", "--opens", "2030-03-01", "--closes", "2030-04-01"
    )
    assert Survey.objects.get(year=2030).questions.count() > 10
    with pytest.raises(CommandError):
        call_command(
            "create_survey", "--year", "2031", "--opens", "2031-03-01", "--closes", "2031-01-01"
        )


def test_map_places_are_imported_with_time_and_reason(last_year):
    text = (
        "unsafe_evening,unsafe_places\n"
        '"ganska_otrygg","65.5900;19.1800;evening;Mörkt|65.5862;19.1790"\n'
        "mycket_trygg,\n"
    )
    import_answer_rows(survey=last_year, text=text)
    first, second = Answer.objects.filter(question__code="unsafe_places").order_by("pk")
    assert (first.lat, first.lon, first.time_of_day) == (65.59, 19.18, "evening")
    assert first.text == "Mörkt"
    assert (second.lat, second.time_of_day, second.text) == (65.5862, "", "")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("65.59;19.18;lunch", "ska skrivas lat;lon;tid"),
        ("65.59", "ska skrivas lat;lon;tid"),
        ("norr;19.18", "inga läsbara tal"),
        ("nan;19.18", "utanför kommunen"),
        ("59.3293;18.0686", "utanför kommunen"),
        ("65.59;19.18|65.59;19.18|65.59;19.18|65.59;19.18", "högst 3 platser"),
    ],
)
def test_bad_map_places_are_refused_by_line(last_year, cell, message):
    with pytest.raises(ImportFailed) as caught:
        import_answer_rows(survey=last_year, text=f'unsafe_places\n"{cell}"\n')
    assert caught.value.errors[0].startswith("rad 2:") and message in caught.value.errors[0]
    assert not Answer.objects.exists()

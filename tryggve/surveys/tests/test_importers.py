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


def test_counts_above_the_respondents_are_refused_by_question(last_year):
    text = "question,row,option,count\nunsafe_evening,,oro,30\nunsafe_evening,,mycket_trygg,30\n"
    with pytest.raises(ImportFailed) as failed:
        import_counts(survey=last_year, text=text, respondents=40)
    assert failed.value.errors == ["unsafe_evening har 60 svar men bara 40 svarande"]
    # A multiple choice: each option alone; a matrix: each row's counts together.
    fine = (
        "question,row,option,count\nsafer,,police,40\nsafer,,lighting,40\nunsafe_evening,,oro,40\n"
    )
    import_counts(survey=last_year, text=fine, respondents=40)
    for bad, name in [
        ("question,row,option,count\nsafer,,police,41\n", "safer (police)"),
        (
            "question,row,option,count\nproblems,lighting,inget,31\nproblems,lighting,litet,11\n",
            "problems.lighting",
        ),
        # Counted with the 40 imported before: 40 + 2 answers, 40 + 1 respondents.
        ("question,row,option,count\nunsafe_evening,,oro,2\n", "unsafe_evening"),
    ]:
        with pytest.raises(ImportFailed) as failed:
            import_counts(survey=last_year, text=bad, respondents=1)
        assert failed.value.errors[0].startswith(name + " har"), failed.value.errors
    assert ImportedCount.objects.count() == 3


def test_a_repeated_count_line_is_refused(last_year):
    text = "question,row,option,count\nunsafe_evening,,oro,3\nunsafe_evening,,oro,4\n"
    with pytest.raises(ImportFailed) as failed:
        import_counts(survey=last_year, text=text, respondents=40)
    assert failed.value.errors == ["rad 3: samma svar finns redan på rad 2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "unsafe_evening,unsafe_evening\nmycket_trygg,oro\n",
            "rad 1: kolumnen unsafe_evening finns mer än en gång",
        ),
        ("", "Filen är tom."),
        ("\n\n", "Filen är tom."),
        ("unsafe_evening,age\n", "Filen har inga svarsrader."),
        (
            'unsafe_evening,comment\nmycket_trygg,ok\noro,"Mörkt\nvid skolan\n',
            'rad 3: ett citattecken (") avslutas aldrig',
        ),
        ('unsafe_evening,comment\nmycket_trygg,"a"b\n', "rad 2: raden kan inte läsas som CSV"),
        ("victim\nnej\nnej|inbrott\n", "rad 3: nej på victim kan inte kombineras med andra svar"),
        ("unsafe_evening\nmycket_trygg,oro\n", "rad 2: fler fält än kolumner"),
    ],
)
def test_bad_files_are_refused_with_the_line(last_year, text, message):
    with pytest.raises(ImportFailed) as failed:
        import_answer_rows(survey=last_year, text=text)
    assert any(e.startswith(message) for e in failed.value.errors), failed.value.errors
    assert not Response.objects.exists()


def test_semicolon_files_from_swedish_excel(last_year):
    rows = (
        "unsafe_evening;age;unsafe_places\n"
        'ganska_trygg;65_79;"65.5900;19.1800;evening"\n'
        "mycket_otrygg;80;\n"
    )
    assert import_answer_rows(survey=last_year, text=rows).respondents == 2
    assert Answer.objects.filter(question__code="unsafe_places").get().time_of_day == "evening"
    counts = "\ufeffquestion;row;option;count\nunsafe_evening;;oro;9\nproblems;lighting;inget;4\n"
    import_counts(survey=last_year, text=counts, respondents=10)
    assert ImportedCount.objects.count() == 2


def test_a_failed_import_creates_no_survey(municipality, tmp_path):
    path = tmp_path / "svar.csv"
    for text, fmt in [
        ("victim\nnej|inbrott\n", "rows"),
        ("", "rows"),
        ("", "counts"),
        ("question,row,option,count\nunsafe_evening,,oro,30\nunsafe_evening,,ja,30\n", "counts"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CommandError, match="Inget importerades."):
            call_command(
                "import_survey", str(path), "--year", "2019", "--format", fmt, "--respondents", "40"
            )
        assert not Survey.objects.filter(year=2019).exists(), text


def test_the_command_speaks_swedish(municipality, tmp_path, capsys):
    path = tmp_path / "svar.csv"
    path.write_text("unsafe_evening,unsafe_evening\nmycket_trygg,oro\n", encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("import_survey", str(path), "--year", "2019")
    assert str(failed.value) == "Inget importerades."
    assert "kolumnen unsafe_evening finns mer än en gång" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Kunde inte läsa"):
        call_command("import_survey", str(tmp_path / "saknas.csv"), "--year", "2019")
    with pytest.raises(CommandError, match="Kommunen 0000 finns inte."):
        call_command("import_survey", str(path), "--year", "2019", "--municipality", "0000")
    path.write_text("unsafe_evening\nmycket_trygg\n", encoding="utf-8")
    call_command("import_survey", str(path), "--year", "2019")
    assert "1 svarande importerade till" in capsys.readouterr().out

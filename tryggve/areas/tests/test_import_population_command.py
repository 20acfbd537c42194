"""The import_population management command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tryggve.areas.models import PopulationCount

SCB = Path(__file__).parent / "data" / "scb_folkmangd_arvidsjaur.csv"


@pytest.mark.django_db
def test_imports_an_scb_export_for_the_year_asked(municipality):
    out = StringIO()
    call_command(
        "import_population", str(SCB), "--municipality", "2505", "--year", "2023", stdout=out
    )
    assert out.getvalue().strip() == "year=2023 saved=5 (area and age band)"
    row = PopulationCount.objects.get(age_band="80")
    assert (row.year, row.area, row.count, row.source) == (
        2023,
        None,
        450 + 10 * 3,
        "SCB (scb_folkmangd_arvidsjaur.csv)",
    )


@pytest.mark.django_db
def test_errors_by_line_and_nothing_saved(municipality, tmp_path):
    path = tmp_path / "befolkning.csv"
    path.write_text("area,age_band,count\nCentrum,16_24,60\nNarnia,16_24,5\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command(
            "import_population", str(path), "--municipality", "2505", "--year", "2024", stderr=err
        )
    assert "Rad 3: okänt område 'Narnia'." in err.getvalue()
    assert not PopulationCount.objects.exists()


@pytest.mark.django_db
def test_unknown_municipality_or_missing_file(municipality, tmp_path):
    with pytest.raises(CommandError, match="Kommunen 9999 finns inte"):
        call_command("import_population", str(SCB), "--municipality", "9999")
    with pytest.raises(CommandError, match="Kan inte läsa .*: filen finns inte."):
        call_command("import_population", str(tmp_path / "nej.csv"), "--municipality", "2505")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Each was a traceback: SQLite's integer overflow, the CSV reader's field limit.
        ("area,age_band,count\nCentrum,16_24,60\nCentrum,25_44,99999999999999999999\n",
         "Rad 3: antalet 100000000000000000000 är för stort."),
        ("area,age_band,count\nCentrum,16_24," + "1" * 200_000 + "\n", "en cell är orimligt lång"),
    ],
)
def test_a_count_beyond_the_column_or_a_cell_beyond_reason_is_a_message(
    municipality, tmp_path, content, message
):
    path = tmp_path / "befolkning.csv"
    path.write_text(content, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command(
            "import_population", str(path), "--municipality", "2505", "--year", "2024", stderr=err
        )
    assert message in err.getvalue()
    assert not PopulationCount.objects.exists()

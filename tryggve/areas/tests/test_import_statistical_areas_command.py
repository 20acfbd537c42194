"""The import_statistical_areas management command: SCB's DeSO/RegSO as areas or a layer."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import mapping

from tryggve.areas.models import AreaKind, Municipality, PopulationCount, ResidentialArea
from tryggve.areas.selectors import area_for_point
from tryggve.areas.services import load_geojson_file, municipality_import
from tryggve.areas.tests.gpkg import write_gpkg
from tryggve.areas.tests.test_statistical import SCB_HOUSEHOLDS, deso_row, square
from tryggve.conftest import CENTRUM, DEMO_DIR


@pytest.fixture
def boundary(db) -> Municipality:
    """Arvidsjaur with its boundary and no residential areas yet: a new municipality."""
    return municipality_import(
        data=load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson"),
        code="2505",
        name="Arvidsjaurs kommun",
    )


def three_desos(tmp_path, first_size: float = 1000, **options) -> str:
    """Three DeSO of Arvidsjaur (the first holds the centre) and one of Jokkmokk."""
    return write_gpkg(
        tmp_path / "DeSO_2025.gpkg",
        [
            deso_row("2505A0010", square(size=first_size)),
            deso_row("2505C0020", square(dx=2000)),
            deso_row("2505C0030", square(dy=2000)),
            {**deso_row("2510A0010", square(dx=-5000)), "kommunnamn": "Jokkmokk"},
        ],
        **options,
    )


def households_file(tmp_path, text: str = SCB_HOUSEHOLDS) -> str:
    path = tmp_path / "hushall.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return str(path)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_statistical_areas", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="Ingenting importerades"):
        call_command("import_statistical_areas", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_a_new_municipality_from_deso_with_households(boundary, tmp_path):
    gpkg = three_desos(tmp_path, blob_options={"envelope": 1, "little": True})
    out, _err = run(gpkg, "--municipality", "2505", "--households", households_file(tmp_path))
    assert "deso: created=3 updated=0 as residential areas of 2505" in out
    assert "features of other municipalities left out: 1" in out
    assert "households 2024: 2 areas; without a figure (suppressed or missing): 1 (2505C0020)" in (
        out
    )
    areas = {a.slug: a for a in ResidentialArea.objects.all()}
    assert sorted(areas) == ["2505a0010", "2505c0020", "2505c0030"]
    first = areas["2505a0010"]
    assert (first.name, first.scb_code, first.kind, first.households) == (
        "Arvidsjaur DeSO 2505A0010",
        "2505A0010",
        AreaKind.RESIDENTIAL,
        365,
    )
    assert areas["2505c0020"].households == 0  # suppressed ("..") in SCB's table
    # Stored in WGS84, and a known point (Arvidsjaur's centre) lies in the right DeSO.
    assert 19 < first.min_lon < 19.2 and 65.5 < first.min_lat < 65.6
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]) == first
    assert area_for_point(lat=65.61, lon=19.18) == areas["2505c0030"]  # 2 km further north


def test_reimport_updates_instead_of_duplicating(boundary, tmp_path):
    gpkg = three_desos(tmp_path)
    run(gpkg, "--municipality", "2505", "--households", households_file(tmp_path))
    first = ResidentialArea.objects.get(slug="2505a0010")
    big_endian = write_gpkg(
        tmp_path / "again.gpkg",
        [deso_row("2505A0010", square(size=1500))],
        blob_options={"envelope": 0, "little": False},
    )
    out, _err = run(big_endian, "--municipality", "2505")
    assert "created=0 updated=1" in out
    assert ResidentialArea.objects.count() == 3
    again = ResidentialArea.objects.get(slug="2505a0010")
    assert again.pk == first.pk
    assert again.households == 365  # kept: this file came without households
    assert again.max_lon > first.max_lon


def test_all_or_nothing_with_errors_by_feature(boundary, tmp_path):
    gpkg = write_gpkg(
        tmp_path / "bad.gpkg",
        [
            deso_row("2505A0010", square()),
            deso_row("2505C0020", b"GP\x00\x11\xbe\x0b\x00\x00"),
            deso_row("2505C0030", square(dy=2000).buffer(-2000)),  # empty
            {**deso_row("2510A0010", b"broken"), "kommunkod": "2510"},  # not ours: ignored
        ],
    )
    err = fails(gpkg, "--municipality", "2505")
    assert "Objekt 2 (2505C0020): geometrin är tom." in err
    assert "Objekt 3 (2505C0030): geometrin är tom." in err
    assert "2510" not in err
    assert not ResidentialArea.all_kinds.exists()


def test_households_line_for_an_area_not_in_the_file_stops_the_import(boundary, tmp_path):
    text = SCB_HOUSEHOLDS + '"2505C0099";"totalt";"5";"6"\n'
    err = fails(
        three_desos(tmp_path),
        "--municipality",
        "2505",
        "--households",
        households_file(tmp_path, text),
    )
    assert "Hushållsfilen, rad 10: området 2505C0099 finns inte i gränsfilen." in err
    assert not ResidentialArea.objects.exists()


POPULATION = (
    '"region","ålder","kön","2024"\n'
    '"2505A0010 Arvidsjaur","30-34 år","män",60\n'
    '"2505A0010 Arvidsjaur","30-34 år","kvinnor",55\n'
    '"2505C0020 Arvidsjaur","80-84 år","kvinnor",40\n'
)


def test_population_by_age_band_lands_in_the_new_areas(boundary, tmp_path):
    population = tmp_path / "folkmangd.csv"
    population.write_text(POPULATION, encoding="utf-8")
    out, _err = run(
        three_desos(tmp_path), "--municipality", "2505", "--population", str(population)
    )
    assert "population 2024: saved=2 (area and age band)" in out
    counts = {
        (c.area.slug, c.age_band): c.count for c in PopulationCount.objects.select_related("area")
    }
    assert counts == {("2505a0010", "25_44"): 115, ("2505c0020", "80"): 40}
    assert PopulationCount.objects.first().source == "SCB (folkmangd.csv)"


def test_a_bad_population_line_undoes_the_areas_too(boundary, tmp_path):
    population = tmp_path / "folkmangd.csv"
    population.write_text(POPULATION + '"2505C0099","30-34 år","män",3\n', encoding="utf-8")
    err = fails(three_desos(tmp_path), "--municipality", "2505", "--population", str(population))
    assert "Befolkningsfilen: Rad 5: okänt område '2505C0099'." in err
    assert not ResidentialArea.objects.exists()
    assert not PopulationCount.objects.exists()


def test_a_layer_beside_hand_drawn_areas_changes_nothing_they_do(municipality, tmp_path):
    centrum = area_for_point(lat=CENTRUM[0], lon=CENTRUM[1])
    assert centrum.name == "Centrum"
    before = list(municipality.areas.values_list("slug", flat=True))
    desos = three_desos(tmp_path, first_size=600)
    out, _err = run(
        desos,
        "--municipality",
        "2505",
        "--as",
        "layer",
        "--households",
        households_file(tmp_path),
    )
    assert "created=3 updated=0 as layer" in out
    layer = ResidentialArea.all_kinds.filter(kind=AreaKind.STATISTICAL)
    assert sorted(layer.values_list("slug", flat=True)) == [
        "deso-2505a0010",
        "deso-2505c0020",
        "deso-2505c0030",
    ]
    assert layer.get(scb_code="2505A0010").households == 365
    # The DeSO around the centre is smaller than Centrum, yet points still land in
    # Centrum, and the municipality's residential areas are the hand-drawn ones alone.
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]) == centrum
    assert list(municipality.areas.values_list("slug", flat=True)) == before
    assert ResidentialArea.objects.filter(municipality=municipality).count() == len(before)
    # The same file as areas as well: both live side by side, each once.
    run(desos, "--municipality", "2505")
    assert ResidentialArea.all_kinds.filter(municipality=municipality).count() == len(before) + 6
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]).slug == "2505a0010"


def test_layer_takes_no_population_by_age(municipality, tmp_path):
    population = tmp_path / "folkmangd.csv"
    population.write_text(POPULATION, encoding="utf-8")
    err = fails(
        three_desos(tmp_path),
        "--municipality",
        "2505",
        "--as",
        "layer",
        "--population",
        str(population),
    )
    assert "bara läsas in till bostadsområden" in err


def test_regso_geojson_in_sweref99tm(boundary, tmp_path):
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(square(size=3000)),
                "properties": {
                    "RegSOkod": "2505R001",
                    "RegSOnamn": "Arvidsjaur centralort",
                    "Kommunkod": "2505",
                },
            },
            {
                "type": "Feature",
                "geometry": mapping(square(dx=-9000)),
                "properties": {"RegSOkod": "2510R001", "Kommunkod": "2510"},
            },
        ],
    }
    path = tmp_path / "regso.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, _err = run(str(path), "--municipality", "2505")
    assert "regso: created=1 updated=0" in out
    area = ResidentialArea.objects.get()
    assert (area.name, area.slug) == ("Arvidsjaur centralort", "2505r001")
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]) == area


def test_level_asked_for_must_be_in_the_file(boundary, tmp_path):
    err = fails(three_desos(tmp_path), "--municipality", "2505", "--level", "regso")
    assert "saknar kolumnen med REGSO-kod (någon av regsokod" in err


def test_no_features_of_the_municipality(boundary, tmp_path):
    gpkg = write_gpkg(tmp_path / "jokkmokk.gpkg", [deso_row("2510A0010", square())])
    assert "inga DESO-områden i kommun 2505" in fails(gpkg, "--municipality", "2505")


def test_refuses_other_crs_unknown_municipality_and_missing_files(boundary, tmp_path):
    rt90 = write_gpkg(
        tmp_path / "rt90.gpkg", [deso_row("2505A0010", square())], srs=(3021, "EPSG", 3021)
    )
    with pytest.raises(CommandError, match="stöds inte"):
        run(rt90, "--municipality", "2505")
    with pytest.raises(CommandError, match="Kommunen 9999 finns inte"):
        run(rt90, "--municipality", "9999")
    with pytest.raises(CommandError, match="Kan inte läsa .*: filen finns inte."):
        run(rt90, "--municipality", "2505", "--households", str(tmp_path / "nej.csv"))


def scb_2025_row(deso: str, regso: str, geom) -> dict:
    """A feature with the attribute columns of SCB's DeSO 2025 GeoPackage."""
    return {
        "objectid": "1",
        "objektidentitet": "00000000-0000-0000-0000-000000000000",
        "objekttyp": "deso",
        "desokod": deso,
        "regsokod": regso,
        "lanskod": "25",
        "kommunkod": deso[:4],
        "version": "2025_v2",
        "geom": geom,
    }


def test_deso_2025_file_read_as_regso_joins_the_deso(boundary, tmp_path):
    gpkg = write_gpkg(
        tmp_path / "DeSO_2025.gpkg",
        [
            scb_2025_row("2505C1010", "2505R001", square()),
            scb_2025_row("2505C1020", "2505R001", square(dx=1000)),
            scb_2025_row("2505A0010", "2505R002", square(dy=5000)),
        ],
    )
    out, _err = run(gpkg, "--municipality", "2505")
    assert "deso: created=3" in out
    out, _err = run(gpkg, "--municipality", "2505", "--level", "regso", "--as", "layer")
    assert "regso: created=2 updated=0 as layer" in out
    joined = ResidentialArea.all_kinds.get(slug="regso-2505r001")
    assert joined.name == "Arvidsjaurs kommun RegSO 2505R001"
    assert joined.shape.area == pytest.approx(
        sum(a.shape.area for a in ResidentialArea.objects.filter(slug__startswith="2505c"))
    )


def test_a_municipality_column_holding_a_name_is_not_taken_for_the_code(boundary, tmp_path):
    gpkg = write_gpkg(
        tmp_path / "deso.gpkg",
        [{"deso": "2505A0010", "kommun": "Arvidsjaur", "geom": square()}],
    )
    out, _err = run(gpkg, "--municipality", "2505")
    assert "created=1" in out


def test_a_geopackage_is_known_by_its_content_too(boundary, tmp_path):
    gpkg = write_gpkg(tmp_path / "deso.sqlite", [deso_row("2505A0010", square())])
    assert "created=1" in run(gpkg, "--municipality", "2505")[0]
    with pytest.raises(CommandError, match="Kunde inte läsa"):
        run(str(tmp_path / "saknas.geojson"), "--municipality", "2505")


def test_the_readme_example_files_import_as_a_layer(municipality):
    """The README's command, on its example files, beside the demo's residential areas."""
    examples = DEMO_DIR.parents[2] / "docs" / "examples"
    drawn = ResidentialArea.objects.count()
    out, _err = run(
        str(examples / "deso_exempel.gpkg"),
        "--municipality",
        "2505",
        "--households",
        str(examples / "deso_hushall_exempel.csv"),
        "--as",
        "layer",
    )
    assert "created=12" in out
    layer = ResidentialArea.all_kinds.filter(kind=AreaKind.STATISTICAL)
    assert layer.count() == 12 and ResidentialArea.objects.count() == drawn
    assert all(area.households > 0 for area in layer)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2, 3]", "ska vara en FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": [1]}]}',
            "Ingenting importerades",
        ),
    ],
)
def test_a_geojson_of_odd_shape_is_a_message_not_a_traceback(boundary, tmp_path, content,
                                                              message):
    path = tmp_path / "udda.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(path), "--municipality", "2505", "--as", "layer")
    assert not ResidentialArea.all_kinds.filter(municipality=boundary).exists()


def test_a_household_count_beyond_the_column_is_a_message(boundary, tmp_path):
    households = tmp_path / "hushall.csv"
    households.write_text(
        '"region";"2024"\n"2505A0010 Arvidsjaur";"99999999999999999999"\n', encoding="utf-8"
    )
    err = fails(three_desos(tmp_path), "--municipality", "2505", "--households", str(households))
    assert "Rad 2: antalet 99999999999999999999 är för stort." in err
    assert not ResidentialArea.all_kinds.filter(municipality=boundary).exists()

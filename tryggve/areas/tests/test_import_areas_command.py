"""The import_areas management command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.tests.test_areas_import import (
    BOWTIE,
    collection,
    demo_areas,
    demo_boundary,
    feature,
    to_sweref99tm,
)
from tryggve.conftest import CENTRUM


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def run(*args) -> str:
    out = StringIO()
    call_command("import_areas", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_boundary_then_areas_in_sweref99tm(tmp_path):
    boundary = write(tmp_path, "kommun.geojson", to_sweref99tm(demo_boundary(), with_crs=False))
    areas = write(tmp_path, "omraden.geojson", to_sweref99tm(demo_areas(), with_crs=False))

    out = run(
        boundary,
        "--boundary",
        "--municipality",
        "2505",
        "--name",
        "Arvidsjaurs kommun",
        "--police-area",
        "LPO Piteå Älvdal",
        "--srid",
        "3006",
    )
    assert "boundary of Arvidsjaurs kommun saved" in out
    assert Municipality.objects.get(code="2505").contains_point(*CENTRUM)

    assert "created=12 updated=0" in run(areas, "--municipality", "2505", "--srid", "3006")
    assert "created=0 updated=12" in run(areas, "--municipality", "2505")
    assert ResidentialArea.objects.count() == 12


@pytest.mark.django_db
def test_areas_need_the_boundary_first(tmp_path):
    with pytest.raises(CommandError, match="importera först dess gräns"):
        run(write(tmp_path, "a.geojson", demo_areas()), "--municipality", "2505")


@pytest.mark.django_db
def test_boundary_needs_a_name(tmp_path):
    with pytest.raises(CommandError, match="--name"):
        run(write(tmp_path, "k.geojson", demo_boundary()), "--boundary", "--municipality", "2505")
    assert not Municipality.objects.exists()


def test_broken_areas_file_imports_nothing_and_lists_errors(municipality, tmp_path):
    ResidentialArea.objects.all().delete()
    path = write(tmp_path, "a.geojson", collection(feature("Bra"), feature("Fjärilen", BOWTIE)))
    with pytest.raises(CommandError) as info:
        run(path, "--municipality", "2505")
    assert "Ingenting importerades" in str(info.value)
    assert "Objekt 2 (Fjärilen): Geometrin är trasig" in str(info.value)
    assert not ResidentialArea.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["{ inte json", json.dumps({"type": "Point"})])
def test_unreadable_file_is_a_command_error(tmp_path, content):
    path = tmp_path / "x.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        run(str(path), "--boundary", "--municipality", "2505", "--name", "X")


@pytest.mark.django_db
def test_only_wgs84_and_sweref_are_offered(tmp_path):
    with pytest.raises(CommandError):
        run(
            write(tmp_path, "k.geojson", demo_boundary()),
            "--municipality",
            "2505",
            "--srid",
            "3857",
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "som GeoJSON: fel på rad 1, tecken 1."),
        (b"\x00\xff\xfe garbage \x81", "som GeoJSON"),
        (b"[" * 100_000 + b"]" * 100_000, "för djupt i varandra"),
        (b"[1, 2, 3]", "GeoJSON Feature eller FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": [1]}', "Objekt 1 är ingen GeoJSON Feature"),
    ],
)
def test_a_file_that_is_no_geojson_is_one_line_in_words(municipality, tmp_path, content, message):
    path = tmp_path / "odd.geojson"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--municipality", "2505")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"households": "tio"}, "households är inget heltal: 'tio'"),
        ({"households": 10**20}, "households är för stort"),
        ({"name": "Å" * 101}, "namnet är längre än 100 tecken"),
    ],
)
def test_a_feature_with_odd_values_is_named_and_nothing_is_saved(
    municipality, tmp_path, props, message
):
    # Each was a traceback (int(), SQLite's integer, PostgreSQL's varchar(100)).
    before = ResidentialArea.all_kinds.count()
    path = write(tmp_path, "odd.geojson", collection(feature("Fint område"), feature(**props)))
    with pytest.raises(CommandError, match=message):
        run(path, "--municipality", "2505")
    assert ResidentialArea.all_kinds.count() == before


@pytest.mark.django_db
def test_a_file_with_a_bom_or_in_windows_1252_is_read(municipality, tmp_path):
    path = tmp_path / "bom.geojson"
    text = json.dumps(collection(feature("Åbacken")), ensure_ascii=False)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert "created=1" in run(str(path), "--municipality", "2505")
    path.write_bytes(text.replace("Åbacken", "Ängen").encode("cp1252"))
    assert "created=1" in run(str(path), "--municipality", "2505")
    assert ResidentialArea.objects.filter(name="Ängen", municipality=municipality).exists()

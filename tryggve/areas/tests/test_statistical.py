"""Reading SCB's statistical areas: GeoPackage without GDAL, GeoJSON, households CSV."""

import struct

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from tryggve.areas.statistical import (
    DESO,
    REGSO,
    HouseholdFileError,
    detect_level,
    feature_attributes,
    parse_gpkg_geometry,
    read_geojson_features,
    read_geopackage,
    read_households,
)
from tryggve.areas.tests.gpkg import gpkg_blob, write_gpkg
from tryggve.lib.geo import GeometryError

# Arvidsjaur's centre in SWEREF 99 TM (65.5900 N, 19.1800 E) and squares around it.
CENTRE_E, CENTRE_N = 692_600.0, 7_280_600.0


def square(dx: float = 0, dy: float = 0, size: float = 1000) -> Polygon:
    """A square of `size` metres whose lower-left corner lies (dx, dy) from a point half a
    square south-west of the centre, so square() holds the centre."""
    x, y = CENTRE_E - size / 2 + dx, CENTRE_N - size / 2 + dy
    return box(x, y, x + size, y + size)


def deso_row(code: str, geom, **extra) -> dict:
    return {
        "desokod": code,
        "kommunkod": code[:4],
        "kommunnamn": "Arvidsjaur",
        "geom": geom,
        **extra,
    }


@pytest.mark.parametrize("envelope", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("little", [True, False])
def test_geometry_headers_of_every_envelope_and_byte_order(envelope, little):
    geom = MultiPolygon([square(), square(dx=3000)])
    srs_id, read = parse_gpkg_geometry(gpkg_blob(geom, envelope=envelope, little=little))
    assert srs_id == 3006
    assert read.equals(geom)


def test_z_and_m_are_dropped():
    with_z = Polygon([(x, y, 310.0) for x, y in square().exterior.coords])
    _srs, read = parse_gpkg_geometry(gpkg_blob(with_z))
    assert not read.has_z
    assert read.equals(square())
    m_wkb = (
        struct.pack("<BII", 1, 2003, 1)
        + struct.pack("<I", 5)
        + b"".join(struct.pack("<ddd", x, y, 7.0) for x, y in square().exterior.coords)
    )
    header = b"GP" + bytes([0, 1]) + struct.pack("<i", 3006)
    _srs, read = parse_gpkg_geometry(header + m_wkb)
    assert read.equals(square())
    assert not shapely.has_m(read)


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"XX\x00\x01" + b"\x00" * 20, "GP"),
        (b"GP\x01\x01" + b"\x00" * 20, "version 1"),
        (b"GP\x00\x0b" + b"\x00" * 20, "envelope-kod 5"),
        (b"GP\x00\x11\xbe\x0b\x00\x00", "tom"),
        (b"GP\x00\x21\xbe\x0b\x00\x00", "utökade"),
        (b"GP\x00\x01\xbe\x0b\x00\x00\x01\x03", "WKB"),
    ],
)
def test_broken_geometry_headers_say_what_is_wrong(blob, message):
    with pytest.raises(GeometryError, match=message):
        parse_gpkg_geometry(blob)


def test_reads_a_geopackage_with_its_attributes(tmp_path):
    path = write_gpkg(
        tmp_path / "deso.gpkg",
        [deso_row("2505A0010", square()), deso_row("2505C0020", square(dx=2000))],
        blob_options={"envelope": 0, "little": False},
    )
    read = read_geopackage(path)
    assert read.srid == 3006
    assert [f.number for f in read.features] == [1, 2]
    assert read.features[0].properties["desokod"] == "2505A0010"
    assert read.features[1].geometry.equals(square(dx=2000))
    assert not any(f.error for f in read.features)


def test_geopackage_in_another_crs_is_refused(tmp_path):
    path = write_gpkg(
        tmp_path / "rt90.gpkg", [deso_row("2505A0010", square())], srs=(3021, "EPSG", 3021)
    )
    with pytest.raises(GeometryError, match=r"EPSG:3021\) stöds inte.*3006"):
        read_geopackage(path)


def test_geopackage_in_wgs84_is_accepted(tmp_path):
    path = write_gpkg(
        tmp_path / "wgs.gpkg",
        [deso_row("2505A0010", box(19.1, 65.5, 19.2, 65.6))],
        srs=(4326, "EPSG", 4326),
    )
    assert read_geopackage(path).srid == 4326


def test_several_layers_need_a_choice(tmp_path):
    path = write_gpkg(
        tmp_path / "two.gpkg", [deso_row("2505A0010", square())], extra_tables=("RegSO_2025",)
    )
    with pytest.raises(GeometryError, match="--layer: DeSO_2025, RegSO_2025"):
        read_geopackage(path)
    assert len(read_geopackage(path, layer="DeSO_2025").features) == 1
    with pytest.raises(GeometryError, match="'Nej' finns inte"):
        read_geopackage(path, layer="Nej")


def test_a_bad_feature_is_reported_by_number_not_raised(tmp_path):
    path = write_gpkg(
        tmp_path / "bad.gpkg",
        [
            deso_row("2505A0010", square()),
            deso_row("2505A0020", b"GP\x00\x11\xbe\x0b\x00\x00"),
            deso_row("2505A0030", gpkg_blob(square(), srs_id=4326)),
        ],
    )
    features = read_geopackage(path).features
    assert features[0].error == ""
    assert (features[1].number, features[1].error) == (2, "geometrin är tom")
    assert "koordinatsystem 4326" in features[2].error


def test_not_a_geopackage(tmp_path):
    path = tmp_path / "deso.gpkg"
    path.write_text("hej")
    with pytest.raises(GeometryError, match="ingen GeoPackage"):
        read_geopackage(path)
    with pytest.raises(GeometryError, match="Kunde inte läsa"):
        read_geopackage(tmp_path / "saknas.gpkg")


def test_geojson_in_sweref99tm():
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"regsokod": "2505R001", "regsonamn": "Centrum"},
                "geometry": shapely.geometry.mapping(square()),
            },
            {
                "type": "Feature",
                "properties": {"regsokod": "2505R002"},
                "geometry": {"type": "Point", "coordinates": [CENTRE_E, CENTRE_N]},
            },
        ],
    }
    read = read_geojson_features(data)
    assert read.srid == 3006
    assert read.features[0].geometry.equals(square())
    assert "Point" in read.features[1].error


def test_attribute_columns_of_scb_editions():
    # DeSO 2018: deso, kommun, kommunnamn, lan; DeSO 2025: desokod, kommunkod (any case).
    old = feature_attributes(
        {"DESO": "2505a0010", "Kommun": "2505", "KommunNamn": "Arvidsjaur", "lan": "25"}, DESO
    )
    assert (old.code, old.municipality_code, old.municipality_name) == (
        "2505A0010",
        "2505",
        "Arvidsjaur",
    )
    new = feature_attributes({"desokod": "0114C1010", "kommunkod": 114}, DESO)
    assert new.municipality_code == "0114"
    regso = feature_attributes({"regsokod": "2505R001", "regsonamn": "Arvidsjaur centrum"}, REGSO)
    assert (regso.code, regso.municipality_code, regso.name) == (
        "2505R001",
        "2505",
        "Arvidsjaur centrum",
    )
    with pytest.raises(ValueError, match="saknar kolumnen med DESO-kod.*desokod, deso"):
        feature_attributes({"kod": "2505A0010"}, DESO)
    with pytest.raises(ValueError, match="ingen DESO-kod"):
        feature_attributes({"deso": "Arvidsjaur"}, DESO)
    assert detect_level({"desokod", "regsokod"}) == DESO
    assert detect_level({"RegSOkod"}) == REGSO
    with pytest.raises(GeometryError, match="ingen kolumn med DeSO-kod"):
        detect_level({"namn"})


SCB_HOUSEHOLDS = (
    '"Antal hushåll efter region, hushållstyp och år"\n\n'
    '"region";"hushållstyp";"2023";"2024"\n'
    '"2505 Arvidsjaur";"totalt";"2800";"2810"\n'
    '"2505A0010 Arvidsjaur";"ensamstående utan barn";"200";"210"\n'
    '"2505A0010 Arvidsjaur";"sammanboende med barn";"150";"155"\n'
    '"2505C0020 Arvidsjaur";"totalt";"..";".."\n'
    '"2505C0020 Arvidsjaur";"ensamstående utan barn";"300";"305"\n'
    '"2505C0030";"totalt";"412";"420"\n'
)


def test_households_from_an_scb_export_with_bom_and_semicolons():
    data = b"\xef\xbb\xbf" + SCB_HOUSEHOLDS.encode("utf-8")
    table = read_households(data)
    assert table.year == 2024
    # The types are summed where no total is given; a suppressed total is no figure.
    assert table.by_code == {"2505A0010": 365, "2505C0030": 420}
    assert table.suppressed == {"2505C0020"}
    assert table.other_regions == 1
    assert table.lines["2505A0010"] == 5
    assert not table.errors
    assert read_households(data, year=2023).by_code["2505C0030"] == 412


def test_households_latin1_commas_and_a_year_column():
    text = "region,år,antal\n2505A0010 Arvidsjaur,2023,360\n2505A0010 Arvidsjaur,2024,365\n"
    text += "2505A0020 Östra,2024,x\nÖverkalix,2024,3\n"
    table = read_households(text.encode("latin-1"))
    assert table.year == 2024
    assert table.by_code == {"2505A0010": 365}
    assert table.errors == [
        "Rad 4: antalet 'x' är inget heltal från 0.",
        "Rad 5: 'Överkalix' är ingen DeSO- eller RegSO-kod.",
    ]


def test_households_file_without_what_is_needed():
    with pytest.raises(HouseholdFileError, match="region"):
        read_households(b"kod;antal\n1;2\n")
    with pytest.raises(HouseholdFileError, match="inget år 2019"):
        read_households(b"region;2024\n2505A0010;3\n", year=2019)
    with pytest.raises(HouseholdFileError, match="en kolumn per år"):
        read_households(b"region;hushallstyp;varde\n2505A0010;totalt;3\n")

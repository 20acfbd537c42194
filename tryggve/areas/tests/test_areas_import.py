"""areas_import and municipality_import: WGS84 and SWEREF 99 TM, all or nothing."""

import copy

import pytest
from pyproj import Transformer

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.selectors import area_for_point
from tryggve.areas.services import areas_import, load_geojson_file, municipality_import
from tryggve.conftest import CENTRUM, DEMO_DIR
from tryggve.lib.geo import GeometryError

SWEREF_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}


def demo_areas() -> dict:
    return load_geojson_file(DEMO_DIR / "arvidsjaur_omraden.geojson")


def demo_boundary() -> dict:
    return load_geojson_file(DEMO_DIR / "arvidsjaur_kommun.geojson")


def to_sweref99tm(data: dict, with_crs: bool = True) -> dict:
    """The same file as a surveyor would deliver it: coordinates in metres (EPSG:3006)."""
    transformer = Transformer.from_crs(4326, 3006, always_xy=True)
    out = copy.deepcopy(data)
    for feature in out["features"]:
        rings = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [
            [list(transformer.transform(lon, lat)) for lon, lat in ring] for ring in rings
        ]
    if with_crs:
        out["crs"] = SWEREF_CRS
    return out


def feature(name="Nytt område", geometry=None, **props):
    return {
        "type": "Feature",
        "properties": {"name": name, **props} if name is not None else props,
        "geometry": geometry
        or {
            "type": "Polygon",
            "coordinates": [
                [[19.0, 65.5], [19.01, 65.5], [19.01, 65.51], [19.0, 65.51], [19.0, 65.5]]
            ],  # noqa: E501
        },
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture
def boundary_only(db) -> Municipality:
    return municipality_import(data=demo_boundary(), code="2505", name="Arvidsjaurs kommun")


def areas_by_name():
    return {a.name: a for a in ResidentialArea.objects.all()}


def test_wgs84_import_creates_every_area_with_numbers(boundary_only):
    result = areas_import(data=demo_areas(), municipality=boundary_only)
    assert (result.created, result.updated, result.errors) == (12, 0, [])
    centrum = areas_by_name()["Centrum"]
    assert (centrum.households, centrum.population) == (320, 624)
    assert centrum.slug == "centrum"
    assert areas_by_name()["Östra Skogsbacken"].slug == "ostra-skogsbacken"
    assert centrum.min_lon == pytest.approx(19.171)
    assert centrum.max_lat == pytest.approx(65.5929)


@pytest.mark.parametrize("with_crs", [True, False], ids=["crs-member", "guessed"])
def test_sweref99tm_import_matches_the_wgs84_one(boundary_only, with_crs):
    areas_import(data=demo_areas(), municipality=boundary_only)
    wgs84 = {name: area.shape for name, area in areas_by_name().items()}
    ResidentialArea.objects.all().delete()

    result = areas_import(data=to_sweref99tm(demo_areas(), with_crs), municipality=boundary_only)
    assert result.errors == []
    assert result.created == 12
    for name, area in areas_by_name().items():
        assert area.min_lon < 180  # stored in degrees, not metres
        assert area.shape.symmetric_difference(wgs84[name]).area < 1e-9, name
    assert area_for_point(lat=CENTRUM[0], lon=CENTRUM[1]).name == "Centrum"


def test_explicit_srid_beats_the_guess(boundary_only):
    result = areas_import(
        data=to_sweref99tm(demo_areas(), with_crs=False), municipality=boundary_only, srid=3006
    )
    assert result.errors == []
    assert areas_by_name()["Centrum"].contains_point(*CENTRUM)


def test_sweref99tm_boundary_import(db):
    municipality = municipality_import(
        data=to_sweref99tm(demo_boundary()), code="2505", name="Arvidsjaurs kommun"
    )
    assert municipality.contains_point(*CENTRUM)
    assert not municipality.contains_point(59.3293, 18.0686)
    assert 18 < municipality.min_lon < municipality.max_lon < 21


def test_reimport_updates_instead_of_duplicating(boundary_only):
    areas_import(data=demo_areas(), municipality=boundary_only)
    data = demo_areas()
    data["features"][2]["properties"]["households"] = 333
    result = areas_import(data=data, municipality=boundary_only)
    assert (result.created, result.updated) == (0, 12)
    assert ResidentialArea.objects.count() == 12
    assert areas_by_name()["Centrum"].households == 333


def test_swedish_property_names_are_read(boundary_only):
    result = areas_import(
        data=collection(feature(name=None, namn="Åbacken", hushall="12", invanare=30)),
        municipality=boundary_only,
    )
    assert result.errors == []
    area = ResidentialArea.objects.get()
    assert (area.name, area.slug, area.households, area.population) == (
        "Åbacken",
        "abacken",
        12,
        30,
    )


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[19.0, 65.5], [19.01, 65.51], [19.01, 65.5], [19.0, 65.51], [19.0, 65.5]]],
}  # noqa: E501


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (feature("Fjärilen", BOWTIE), "Objekt 2 (Fjärilen): Geometrin är trasig"),
        (
            feature("Punkten", {"type": "Point", "coordinates": [19.0, 65.5]}),
            "Objekt 2 (Punkten): Geometrin är Point, men en polygon behövs.",
        ),
        (feature(name=None), "Objekt 2: saknar namn ('name')."),
        (feature(name="   "), "Objekt 2: saknar namn ('name')."),
        (feature("Minus", households=-5), "Objekt 2 (Minus): households får inte vara negativt"),
        (feature("Minus", population="-1"), "Objekt 2 (Minus): population får inte vara negativt"),
        (feature("Text", households="många"), "Objekt 2 (Text):"),
        (feature("Ingen", geometry={"type": "Polygon"}), "Objekt 2 (Ingen): Ogiltig geometri"),
        (
            feature("Skrivfel", households=19000, population=400),
            "Objekt 2 (Skrivfel): Fler hushåll (19000) än invånare (400) går inte",
        ),
        (
            feature(
                "Omkastat",
                {
                    "type": "Polygon",
                    "coordinates": [[[65.5, 19.0], [65.5, 19.01], [65.51, 19.01], [65.5, 19.0]]],
                },
            ),
            "Objekt 2 (Omkastat): Området ligger helt utanför",
        ),
    ],
    ids=[
        "bowtie",
        "point",
        "no-name",
        "blank-name",
        "neg-households",
        "neg-population",
        "text-households",
        "no-coordinates",
        "more-households-than-inhabitants",
        "outside-the-municipality",
    ],
)
def test_broken_feature_gives_a_clear_error_and_nothing_is_saved(boundary_only, bad, message):
    result = areas_import(data=collection(feature("Bra område"), bad), municipality=boundary_only)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(message)
    assert result.created == result.updated == 0
    assert not ResidentialArea.objects.exists()


def test_every_broken_feature_is_listed(boundary_only):
    result = areas_import(
        data=collection(feature("A", BOWTIE), feature(name=None), feature("C", households=-1)),
        municipality=boundary_only,
    )
    assert [e.split(":")[0] for e in result.errors] == ["Objekt 1 (A)", "Objekt 2", "Objekt 3 (C)"]


def test_a_broken_reimport_leaves_the_old_areas_untouched(boundary_only):
    areas_import(data=demo_areas(), municipality=boundary_only)
    data = demo_areas()
    data["features"][2]["properties"]["households"] = 1
    data["features"].append(feature("Fjärilen", BOWTIE))
    assert areas_import(data=data, municipality=boundary_only).errors
    assert areas_by_name()["Centrum"].households == 320


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "Polygon", "coordinates": []}, "Feature eller FeatureCollection"),
        ({"type": "FeatureCollection"}, "saknar en lista 'features'"),
        (
            {
                "type": "FeatureCollection",
                "features": [],
                "crs": {"properties": {"name": "EPSG:3857"}},
            },  # noqa: E501
            "Okänt koordinatsystem",
        ),
    ],
)
def test_not_a_feature_collection_is_refused(boundary_only, data, message):
    with pytest.raises(GeometryError, match=message):
        areas_import(data=data, municipality=boundary_only)


def test_single_feature_is_accepted(boundary_only):
    result = areas_import(data=feature("Ensam"), municipality=boundary_only)
    assert result.created == 1


def test_municipality_boundary_must_be_exactly_one_polygon(db):
    with pytest.raises(GeometryError, match="exakt en polygon"):
        municipality_import(data=collection(feature("A"), feature("B")), code="2505", name="X")
    with pytest.raises(GeometryError, match="polygon behövs"):
        municipality_import(
            data=feature("P", {"type": "Point", "coordinates": [19, 65]}), code="2505", name="X"
        )
    assert not Municipality.objects.exists()


def test_municipality_reimport_replaces_the_boundary(boundary_only):
    municipality_import(data=feature("Liten"), code="2505", name="Nytt namn", police_area="LPO")
    municipality = Municipality.objects.get()
    assert (municipality.name, municipality.police_area) == ("Nytt namn", "LPO")
    assert not municipality.contains_point(*CENTRUM)
    assert municipality.contains_point(65.505, 19.005)


def test_unreadable_file_is_a_geometry_error(tmp_path):
    path = tmp_path / "trasig.geojson"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(GeometryError, match="Kunde inte läsa"):
        load_geojson_file(path)
    with pytest.raises(GeometryError, match="Kunde inte läsa"):
        load_geojson_file(tmp_path / "finns-inte.geojson")

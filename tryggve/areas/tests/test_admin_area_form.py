"""The admin's forms for areas, streets and municipalities: the statistical layer's short
names, outlines read as the imports read them and stored with their box, and households
that cannot be true."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from tryggve.areas.admin import ResidentialAreaForm
from tryggve.areas.models import (
    AreaKind,
    Municipality,
    PopulationCount,
    ResidentialArea,
    Street,
)
from tryggve.areas.selectors import area_for_point
from tryggve.lib.geo import to_sweref


@pytest.mark.django_db
def test_the_admin_lists_and_opens_the_layer_too(municipality, superuser, layer_over_centrum):
    layer = layer_over_centrum
    listing = superuser.get("/admin/areas/residentialarea/?kind=statistical")
    assert listing.status_code == 200
    assert "Arvidsjaur DeSO 2505C0010" in listing.content.decode()
    assert superuser.get(f"/admin/areas/residentialarea/{layer.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_a_short_name_taken_by_the_layer_is_a_message(municipality, layer_over_centrum):
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    data = {
        "municipality": municipality.pk,
        "name": "Centrum",
        "households": 10,
        "population": 20,
        "kind": AreaKind.RESIDENTIAL,
        "scb_code": "",
        "geometry": json.dumps(centrum.geometry),
    }
    form = ResidentialAreaForm(data={**data, "slug": "deso-2505c0010"}, instance=centrum)
    assert not form.is_valid()
    assert "statistiskt område" in form.errors["slug"][0]
    assert ResidentialAreaForm(data={**data, "slug": "centrum"}, instance=centrum).is_valid()


# A square of about 480 × 560 m north-west of Arvidsjaur's centre, inside the municipality.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[19.0, 65.5], [19.01, 65.5], [19.01, 65.505], [19.0, 65.505], [19.0, 65.5]]],
}


def _area_data(municipality, **changes):
    return {
        "municipality": municipality.pk, "name": "Nybygget", "slug": "nybygget",
        "households": 120, "population": 260, "kind": AreaKind.RESIDENTIAL, "scb_code": "",
        "geometry": json.dumps(SQUARE), **changes,
    }


@pytest.mark.django_db
def test_a_new_area_is_saved_with_its_box_and_found_by_its_points(municipality, superuser):
    answer = superuser.post("/admin/areas/residentialarea/add/", _area_data(municipality))
    assert answer.status_code == 302
    area = ResidentialArea.objects.get(municipality=municipality, slug="nybygget")
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (19.0, 65.5, 19.01, 65.505)
    assert area_for_point(lat=65.5025, lon=19.005, codes=("2505",)) == area


@pytest.mark.django_db
def test_a_changed_outline_moves_the_box_with_it(municipality, superuser):
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    data = _area_data(
        municipality, name="Centrum", slug="centrum", households=centrum.households,
        population=centrum.population,
    )
    answer = superuser.post(f"/admin/areas/residentialarea/{centrum.pk}/change/", data)
    assert answer.status_code == 302
    centrum.refresh_from_db()
    assert (centrum.min_lon, centrum.max_lat) == (19.0, 65.505)
    assert area_for_point(lat=65.5025, lon=19.005, codes=("2505",)) == centrum


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ('{"type": "LineString", "coordinates": [[19.0, 65.5], [19.01, 65.5]]}', "polygon behövs"),
        ('{"type": "Polygon", "coordinates": []}', "tom"),
        ('{"type": "Polygon", "coordinates": [[[1, 2], [3]]]}', "ingen läsbar polygon"),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}',
            "trasig",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[1e9, 0], [2e9, 0], [2e9, 1], [1e9, 0]]]}',
            "utanför jorden",
        ),
    ],
)
def test_an_unusable_outline_is_a_message_and_nothing_is_saved(
    municipality, superuser, geometry, message
):
    answer = superuser.post(
        "/admin/areas/residentialarea/add/", _area_data(municipality, geometry=geometry)
    )
    assert answer.status_code == 200
    assert message in answer.context["adminform"].form.errors["geometry"][0]
    assert not ResidentialArea.all_kinds.filter(slug="nybygget").exists()


@pytest.mark.django_db
def test_more_households_than_inhabitants_is_refused(municipality):
    form = ResidentialAreaForm(
        data=_area_data(municipality, households=19000, population=400),
        instance=ResidentialArea(),
    )
    assert not form.is_valid()
    assert "Fler hushåll (19000) än invånare (400)" in form.errors["households"][0]


@pytest.mark.django_db
def test_households_beyond_the_municipalitys_adults_are_refused(municipality):
    # A typo for 190: the areas' denominators may not add up to more households than the
    # municipality has inhabitants from 16 (SCB's count; no population typed for the area).
    for band, count in (("16_24", 500), ("25_44", 1500), ("45_64", 1800), ("65_79", 1200)):
        PopulationCount.objects.create(
            municipality=municipality, age_band=band, year=2024, count=count
        )
    PopulationCount.objects.create(
        municipality=municipality, age_band="80", year=2023, count=90000
    )
    typo = _area_data(municipality, households=19000, population=0)
    form = ResidentialAreaForm(data=typo, instance=ResidentialArea())
    assert not form.is_valid()
    assert "fler än kommunens invånare från 16 år (5000)" in form.errors["households"][0]
    right = _area_data(municipality, households=190, population=0)
    assert ResidentialAreaForm(data=right, instance=ResidentialArea()).is_valid()


@pytest.mark.django_db
def test_a_statistical_area_is_not_added_to_the_residential_areas(municipality):
    # A RegSO of the layer holds households the residential areas count already: added to
    # theirs it went over the municipality's adults, and its name could not be corrected.
    PopulationCount.objects.create(
        municipality=municipality, age_band="25_44", year=2024, count=5000
    )
    regso = _area_data(
        municipality, name="Arvidsjaur RegSO", slug="regso-2505r001", households=4500,
        population=0, kind=AreaKind.STATISTICAL, scb_code="2505R001",
    )
    assert ResidentialAreaForm(data=regso, instance=ResidentialArea()).is_valid()
    residential = {**regso, "kind": AreaKind.RESIDENTIAL}
    form = ResidentialAreaForm(data=residential, instance=ResidentialArea())
    assert not form.is_valid()
    assert "fler än kommunens invånare från 16 år (5000)" in form.errors["households"][0]


@pytest.mark.django_db
def test_households_beyond_the_areas_own_adults_are_refused(municipality):
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    PopulationCount.objects.create(
        municipality=municipality, area=centrum, age_band="25_44", year=2024, count=150
    )
    data = _area_data(municipality, name="Centrum", slug="centrum", households=151, population=0)
    form = ResidentialAreaForm(data=data, instance=centrum)
    assert not form.is_valid()
    assert "områdets invånare från 16 år enligt SCB (150)" in form.errors["households"][0]


@pytest.mark.django_db
def test_a_street_is_a_line_or_a_point_with_its_box(municipality, superuser):
    point = {"type": "Point", "coordinates": [19.17, 65.59]}
    data = {"municipality": municipality.pk, "name": "Torget", "geometry": json.dumps(point)}
    assert superuser.post("/admin/areas/street/add/", data).status_code == 302
    torget = Street.objects.get(municipality=municipality, name="Torget")
    assert (torget.min_lon, torget.min_lat) == (19.17, 65.59)
    refused = superuser.post(
        "/admin/areas/street/add/", {**data, "name": "Rutan", "geometry": json.dumps(SQUARE)}
    )
    assert "linje (LineString) eller en punkt" in refused.context["adminform"].form.errors[
        "geometry"
    ][0]
    assert not Street.objects.filter(name="Rutan").exists()


@pytest.mark.django_db
def test_a_municipalitys_changed_outline_moves_its_box(municipality, superuser):
    page = superuser.get(f"/admin/areas/municipality/{municipality.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: field.value() for name, field in ((n, form[n]) for n in form.fields)
        if field.value() not in (None, "") and name != "logo"
    }
    bigger = {
        "type": "Polygon",
        "coordinates": [[[18.0, 65.0], [20.5, 65.0], [20.5, 66.3], [18.0, 66.3], [18.0, 65.0]]],
    }
    data.update(geometry=json.dumps(bigger), members=[])
    answer = superuser.post(f"/admin/areas/municipality/{municipality.pk}/change/", data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    municipality.refresh_from_db()
    assert (municipality.min_lon, municipality.max_lat) == (18.0, 66.3)


@pytest.mark.django_db
def test_an_outline_nested_thousands_deep_is_a_message_not_a_500(municipality, superuser):
    deep = "[" * 100_000 + "]" * 100_000
    answer = superuser.post(
        "/admin/areas/residentialarea/add/", _area_data(municipality, geometry=deep)
    )
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["geometry"]
    assert not ResidentialArea.all_kinds.filter(slug="nybygget").exists()


def _municipality_errors(municipality, **changes):
    for name, value in changes.items():
        setattr(municipality, name, value)
    try:
        municipality.full_clean()
    except ValidationError as refused:
        return refused.message_dict
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["personal", "admin", "Lagesbild", "static"])
def test_a_slug_that_is_a_page_of_the_site_is_refused(municipality, slug):
    # /personal/ served as Arjeplog's start page locked every other municipality's staff
    # (and the admin's login, which goes through /personal/) out.
    arjeplog = Municipality.objects.get(code="2506")
    assert "redan en sida i tjänsten" in _municipality_errors(arjeplog, slug=slug)["slug"][0]
    assert _municipality_errors(arjeplog, slug="arjeplog") == {}


@pytest.mark.django_db
def test_a_host_name_of_another_municipality_is_refused(municipality):
    municipality.hosts = "trygg.arvidsjaur.se"
    municipality.save()
    arjeplog = Municipality.objects.get(code="2506")
    errors = _municipality_errors(arjeplog, hosts="trygg.arjeplog.se TRYGG.arvidsjaur.se")
    assert "används redan av en annan kommun: trygg.arvidsjaur.se" in errors["hosts"][0]
    assert _municipality_errors(arjeplog, hosts="trygg.arjeplog.se") == {}
    assert _municipality_errors(municipality) == {}  # its own host is no clash


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["abcd", "250", "25 6"])
def test_a_code_that_is_no_municipality_code_is_refused(municipality, code):
    arjeplog = Municipality.objects.get(code="2506")
    assert "fyra siffror" in _municipality_errors(arjeplog, code=code)["code"][0]


def _at_a_corner(municipality, half_width: float, half_height: float) -> dict:
    """A rectangle (degrees) centred on a corner of the municipality's border."""
    border = municipality.shape
    x, y = (border.geoms[0] if hasattr(border, "geoms") else border).exterior.coords[0]
    w, h = half_width, half_height
    ring = [[x - w, y - h], [x + w, y - h], [x + w, y + h], [x - w, y + h], [x - w, y - h]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.django_db
def test_an_area_outside_its_municipality_is_refused(municipality):
    swapped = {  # the square with latitude and longitude swapped: the Arabian Sea
        "type": "Polygon",
        "coordinates": [[[y, x] for x, y in SQUARE["coordinates"][0]]],
    }
    form = ResidentialAreaForm(
        data=_area_data(municipality, geometry=json.dumps(swapped)), instance=ResidentialArea()
    )
    assert not form.is_valid()
    assert form.errors["geometry"] == [
        "Området ligger helt utanför Arvidsjaurs kommun. Kontrollera koordinaterna (är "
        "latitud och longitud omkastade?) och kommunen."
    ]
    # Over the border at one of its corners: a slip, or the wrong municipality.
    straddling = _at_a_corner(municipality, 0.02, 0.01)
    form = ResidentialAreaForm(
        data=_area_data(municipality, geometry=json.dumps(straddling)), instance=ResidentialArea()
    )
    assert not form.is_valid()
    message = form.errors["geometry"][0]
    assert re.fullmatch(
        r"\d+ % av området ligger utanför gränsen för Arvidsjaurs kommun\. Rita det inom "
        r"kommunen, eller välj den kommun det ligger i\.",
        message,
    ), message


@pytest.mark.django_db
def test_an_outline_names_its_system_as_in_the_imports(municipality):
    ring = [list(to_sweref(*point)) for point in SQUARE["coordinates"][0]]
    sweref = {"type": "Polygon", "coordinates": [ring]}
    named = {**sweref, "crs": {"type": "name", "properties": {"name": "EPSG:3006"}}}
    for geometry in (sweref, named):  # metres are SWEREF 99 TM, named or not
        form = ResidentialAreaForm(
            data=_area_data(municipality, geometry=json.dumps(geometry)),
            instance=ResidentialArea(),
        )
        assert form.is_valid(), form.errors
        assert round(form.instance.min_lon, 4) == 19.0
    mercator = {**sweref, "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}
    form = ResidentialAreaForm(
        data=_area_data(municipality, geometry=json.dumps(mercator)), instance=ResidentialArea()
    )
    assert not form.is_valid()
    assert "Okänt koordinatsystem 'EPSG:3857'" in form.errors["geometry"][0]


@pytest.mark.django_db
def test_a_stray_part_far_outside_is_refused_and_a_sliver_over_the_border_is_not(
    municipality,
):
    stray = {  # the square, and a tiny second part in Stockholm
        "type": "MultiPolygon",
        "coordinates": [
            SQUARE["coordinates"],
            [[[18.06, 59.33], [18.0605, 59.33], [18.0605, 59.3303], [18.06, 59.33]]],
        ],
    }
    form = ResidentialAreaForm(
        data=_area_data(municipality, geometry=json.dumps(stray)), instance=ResidentialArea()
    )
    assert not form.is_valid()
    assert form.errors["geometry"][0].startswith("En del av området ligger helt utanför")
    # A small area at the border's corner, mostly over a simplified border: within 250 m.
    sliver = _at_a_corner(municipality, 0.001, 0.0005)
    form = ResidentialAreaForm(
        data=_area_data(municipality, geometry=json.dumps(sliver), households=5, population=9),
        instance=ResidentialArea(),
    )
    assert form.is_valid(), form.errors

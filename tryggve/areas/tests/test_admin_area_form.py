"""The admin's residential-area form sees the statistical layer's short names too."""

import pytest

from tryggve.areas.admin import ResidentialAreaForm
from tryggve.areas.models import AreaKind, ResidentialArea


def layer_area(municipality, centrum) -> ResidentialArea:
    return ResidentialArea.all_kinds.create(
        municipality=municipality,
        name="Arvidsjaur DeSO 2505C0010",
        slug="deso-2505c0010",
        kind=AreaKind.STATISTICAL,
        geometry=centrum.geometry,
        min_lon=centrum.min_lon,
        min_lat=centrum.min_lat,
        max_lon=centrum.max_lon,
        max_lat=centrum.max_lat,
    )


@pytest.mark.django_db
def test_the_admin_lists_and_opens_the_layer_too(municipality, administrator):
    administrator.user.is_staff = administrator.user.is_superuser = True
    administrator.user.save()
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    layer = layer_area(municipality, centrum)
    listing = administrator.get("/admin/areas/residentialarea/?kind=statistical")
    assert listing.status_code == 200
    assert "Arvidsjaur DeSO 2505C0010" in listing.content.decode()
    assert administrator.get(f"/admin/areas/residentialarea/{layer.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_a_short_name_taken_by_the_layer_is_a_message(municipality):
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    layer_area(municipality, centrum)
    data = {
        "municipality": municipality.pk,
        "name": "Centrum",
        "households": 10,
        "population": 20,
        "kind": AreaKind.RESIDENTIAL,
        "scb_code": "",
        "geometry": '{"type": "Polygon", "coordinates": []}',
    }
    form = ResidentialAreaForm(data={**data, "slug": "deso-2505c0010"}, instance=centrum)
    assert not form.is_valid()
    assert "statistiskt område" in form.errors["slug"][0]
    assert ResidentialAreaForm(data={**data, "slug": "centrum"}, instance=centrum).is_valid()

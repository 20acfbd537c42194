"""The admin's residential-area form sees the statistical layer's short names too."""

import pytest

from tryggve.areas.admin import ResidentialAreaForm
from tryggve.areas.models import AreaKind, ResidentialArea


@pytest.mark.django_db
def test_the_admin_lists_and_opens_the_layer_too(municipality, administrator, layer_over_centrum):
    administrator.user.is_staff = administrator.user.is_superuser = True
    administrator.user.save()
    layer = layer_over_centrum
    listing = administrator.get("/admin/areas/residentialarea/?kind=statistical")
    assert listing.status_code == 200
    assert "Arvidsjaur DeSO 2505C0010" in listing.content.decode()
    assert administrator.get(f"/admin/areas/residentialarea/{layer.pk}/change/").status_code == 200


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
        "geometry": '{"type": "Polygon", "coordinates": []}',
    }
    form = ResidentialAreaForm(data={**data, "slug": "deso-2505c0010"}, instance=centrum)
    assert not form.is_valid()
    assert "statistiskt område" in form.errors["slug"][0]
    assert ResidentialAreaForm(data={**data, "slug": "centrum"}, instance=centrum).is_valid()

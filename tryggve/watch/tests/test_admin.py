"""The admin of watch areas: adding one stores its outline with its box (it was a 500),
its municipality is its own column as on the staff pages, and the threshold's range is
a message in words."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission

from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.watch.models import WatchArea

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[19.0, 65.5], [19.01, 65.5], [19.01, 65.505], [19.0, 65.505], [19.0, 65.5]]],
}


def _data(**changes):
    return {
        "name": "Nybygget", "slug": "nybygget", "municipality": "", "residential_area": "",
        "households": 40, "threshold_percent": 70, "streets": "Storgatan",
        "offered_0": "2026-11-02", "offered_1": "12:00", "geometry": json.dumps(SQUARE),
        **changes,
    }


def test_an_area_drawn_anew_is_saved_with_its_box(superuser, municipality):
    answer = superuser.post("/admin/watch/watcharea/add/", _data(municipality=municipality.pk))
    assert answer.status_code == 302
    area = WatchArea.objects.get(slug="nybygget")
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (19.0, 65.5, 19.01, 65.505)
    assert area.municipality == municipality


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"threshold_percent": 0}, "threshold_percent", "större än eller lika med 1"),
        ({"threshold_percent": 101}, "threshold_percent", "mindre än eller lika med 100"),
        ({"geometry": "[1, 2]"}, "geometry", "ingen läsbar polygon"),
        ({}, "municipality", "Välj kommunen"),
    ],
)
def test_bad_values_are_messages_and_nothing_is_saved(superuser, municipality, changes, field,
                                                      message):
    answer = superuser.post("/admin/watch/watcharea/add/", _data(**changes))
    assert answer.status_code == 200
    assert message in answer.context["adminform"].form.errors[field][0]
    assert not WatchArea.objects.filter(slug="nybygget").exists()


def test_a_residential_area_of_another_municipality_is_refused(superuser, municipality):
    centrum = ResidentialArea.objects.get(municipality=municipality, name="Centrum")
    arjeplog = Municipality.objects.get(code="2506")
    answer = superuser.post(
        "/admin/watch/watcharea/add/",
        _data(municipality=arjeplog.pk, residential_area=centrum.pk),
    )
    assert "hör till en annan kommun" in answer.context["adminform"].form.errors[
        "residential_area"
    ][0]
    assert superuser.post(
        "/admin/watch/watcharea/add/", _data(residential_area=centrum.pk)
    ).status_code == 302
    assert WatchArea.objects.get(slug="nybygget").municipality == municipality


def test_an_area_drawn_anew_in_arjeplog_is_arjeplogs_in_the_admin(
    administrator, municipality, arjeplog
):
    user = administrator.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="watch"))
    arjeplog.members.add(user)
    drawn = WatchArea(
        name="Ritat i Arjeplog", slug="ritat", municipality=arjeplog, households=9
    )
    drawn.set_geometry(ResidentialArea.objects.get(name="Laisvall").shape)
    drawn.save()
    listing = administrator.get("/admin/watch/watcharea/").context["cl"]
    assert [w.name for w in listing.result_list] == ["Ritat i Arjeplog"]
    arjeplog.members.remove(user)
    municipality.members.add(user)
    listing = administrator.get("/admin/watch/watcharea/").context["cl"]
    assert "Ritat i Arjeplog" not in [w.name for w in listing.result_list]

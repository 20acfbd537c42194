"""Where logged presence may count: a point must lie in a municipality whose pages the
officer may use. A point at sea (lat 0, lon 0) was saved and counted as hours in
Arvidsjaur, and an administrator of Arvidsjaur alone could add hours to Arjeplog's
follow-up by typing a point there."""

import pytest
from django.urls import reverse

from tryggve.analytics.models import PolicePresence
from tryggve.analytics.tests.test_police_area_maps import member_of
from tryggve.analytics.tests.test_presence_view import valid
from tryggve.conftest import ARJEPLOG

REFUSED = "Platsen ligger utanför de kommuner ni kan logga närvaro i."


@pytest.mark.parametrize(("lat", "lon"), [("0", "0"), ("59.3293", "18.0686"), ("-89", "179")])
def test_a_point_outside_every_municipality_is_refused_next_to_the_field(
    police_officer, municipality, lat, lon
):
    response = police_officer.post(reverse("analytics:presence"), valid(lat=lat, lon=lon))
    assert response.status_code == 400
    assert response.context["form"].errors["lat"] == [REFUSED]
    assert not PolicePresence.objects.exists()
    # What was typed is still there.
    assert 'value="Rundor kring skolan"' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "saved"),
    # The administrator belongs to Arvidsjaur alone; the police officer sees the police area.
    [("administrator", False), ("police_officer", True)],
)
def test_a_point_in_the_neighbour_counts_only_for_who_may_use_it(
    request, municipality, arjeplog, persona, saved
):
    client = member_of(request.getfixturevalue(persona), municipality)
    response = client.post(
        reverse("analytics:presence"), valid(lat=str(ARJEPLOG[0]), lon=str(ARJEPLOG[1]))
    )
    if saved:
        assert response.status_code == 302
        assert PolicePresence.objects.get().municipality == arjeplog
    else:
        assert response.status_code == 400
        assert response.context["form"].errors["lat"] == [REFUSED]
        assert not PolicePresence.objects.exists()

"""With routing off (one municipality served) a neighbour's reports kept beside it in the
database are not the API's: not listed, not readable by id (as `reports.reports_here`)."""

from __future__ import annotations

import pytest

from tryggve.areas.models import Municipality
from tryggve.areas.serving import serves_several
from tryggve.conftest import ARJEPLOG
from tryggve.open311.tests.helpers import json_of
from tryggve.reports.models import Report

pytestmark = pytest.mark.django_db


def test_a_neighbours_report_is_not_the_apis(client, municipality, make_report):
    ours = make_report(published=True, public_text="Vår lampa")
    theirs = make_report(published=True, public_text="Deras lampa")
    Report.objects.filter(pk=theirs.pk).update(
        municipality=Municipality.objects.get(code="2506"), lat=ARJEPLOG[0], lon=ARJEPLOG[1]
    )
    assert not serves_several()
    listed = json_of(client.get("/open311/v2/requests.json"))
    assert [r["service_request_id"] for r in listed] == [ours.reference]
    assert client.get(f"/open311/v2/requests/{theirs.reference}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{ours.reference}.json").status_code == 200

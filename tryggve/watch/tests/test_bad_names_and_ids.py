"""Names that reach mail subjects stay on one line; bad ids, boundaries and names are form
errors, never a 500; every aria-describedby on the sign-up form points at something."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tryggve.areas.models import ResidentialArea
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tests.aria import missing_describedby_ids
from tryggve.watch.models import Household, WatchArea

OFFER = {"name": "Lugnet", "households": "9", "streets": "Gatan"}


def offer(client, **change):
    data = {**OFFER, "residential_area": ResidentialArea.objects.first().pk, **change}
    return client.post("/personal/grannsamverkan/", data)


@pytest.mark.parametrize(
    "name", ["PT\nBcc: evil@example.org", "PT\rBcc: x", "PT\u2028x", "PT\tx", "PT\x1bx"]
)
def test_an_area_name_with_a_line_break_is_refused(police_officer, municipality, name):
    response = offer(police_officer, name=name)
    assert response.status_code == 400
    assert "utan radbrytningar" in response.content.decode()
    assert not WatchArea.objects.exists()


def test_the_admin_refuses_a_multi_line_name(area):
    area.name = "PT\nBcc: evil@example.org"
    with pytest.raises(ValidationError):
        area.full_clean()


def test_a_household_name_with_a_line_break_is_refused(client, area):
    response = client.post(
        f"/grannsamverkan/{area.slug}/",
        {
            "street": "Storgatan",
            "number": "1",
            "name": "A\nBcc: b",
            "email": "a@example.se",
            "residents": "1",
        },
    )
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_an_old_multi_line_area_name_does_not_break_sign_ups(client, area):
    WatchArea.objects.filter(pk=area.pk).update(name="PT\nBcc: evil@example.org")
    response = client.post(
        f"/grannsamverkan/{area.slug}/",
        {
            "street": "Storgatan",
            "number": "1",
            "name": "Alva",
            "email": "a@example.se",
            "residents": "1",
        },
    )
    assert response.status_code == 302
    assert OutgoingMail.objects.get(to="a@example.se").subject.endswith("PT Bcc: evil@example.org")


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808", "0", "-1", "x"])
def test_household_ids_a_database_cannot_hold_are_a_form_error(police_officer, area, join, pk):
    kept = join(area)
    response = police_officer.post(
        f"/personal/grannsamverkan/{area.slug}/anmalningar/",
        {"action": "remove", "households": [pk]},
    )
    assert response.status_code in (302, 400)
    assert Household.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 1100 + b"]" * 1100,
        b'{"type": "Polygon", "coordinates": ' + b"[" * 1100 + b"]" * 1100 + b"}",
        b'{"type": "Polygon", "coordinates": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_a_deeply_nested_boundary_is_a_form_error(police_officer, municipality, content):
    response = offer(
        police_officer,
        residential_area="",
        boundary=SimpleUploadedFile("g.geojson", content, "application/json"),
    )
    assert response.status_code == 400
    assert "Ogiltig" in response.content.decode()
    assert not WatchArea.objects.exists()


def test_every_aria_describedby_on_the_sign_up_form_exists(client, area):
    html = client.get(f"/grannsamverkan/{area.slug}/").content.decode()
    assert 'aria-describedby="id_volunteer_helptext"' in html  # the check has work to do
    assert missing_describedby_ids(html) == []
    invalid = client.post(f"/grannsamverkan/{area.slug}/", {"street": "", "name": ""})
    assert missing_describedby_ids(invalid.content.decode()) == []

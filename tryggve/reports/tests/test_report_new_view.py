import uuid

import pytest
from django.core import mail

from tryggve.conftest import CENTRUM, OUTSIDE
from tryggve.reports.models import Category, Report


def form_data(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "place_description": "",
        "category": Category.objects.get(slug="belysning").pk,
        "time_of_day": "evening",
        "severity": "3",
        "description": "Gatlampan är trasig.",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_resident_files_report_and_sees_receipt(
    citizen, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post("/rapportera/", form_data(contact_email="anna@example.se"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.area.name == "Centrum"
    receipt = citizen.get(response["Location"])
    assert report.reference in receipt.content.decode()
    assert "/rapport/" in receipt.content.decode()
    assert len(mail.outbox) == 1
    assert report.reference in mail.outbox[0].subject


@pytest.mark.django_db
def test_position_outside_municipality_is_refused_and_text_kept(citizen, municipality):
    response = citizen.post(
        "/rapportera/",
        form_data(lat=OUTSIDE[0], lon=OUTSIDE[1], description="Min text ska finnas kvar"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "utanför Arvidsjaurs kommun" in body
    assert "Min text ska finnas kvar" in body
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_double_submit_saves_once(citizen, municipality):
    data = form_data()
    first = citizen.post("/rapportera/", data)
    second = citizen.post("/rapportera/", data)
    assert first.status_code == second.status_code == 302
    assert Report.objects.count() == 1

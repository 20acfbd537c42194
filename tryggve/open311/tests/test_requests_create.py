"""POST requests: the web form's service, the key, the guard, the repeat rule, photos."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from PIL import Image

from tryggve.open311.models import Submission
from tryggve.open311.services import api_key_revoke
from tryggve.open311.tests import georeport_schemas as schemas
from tryggve.open311.tests.helpers import BASE, error_codes, json_of, xml
from tryggve.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, format="JPEG")
    return out.getvalue()


def test_a_post_files_a_report_through_the_web_forms_service(client, municipality, filing):
    filing.update(
        email="anna@example.org", first_name="Anna", last_name="Andersson", phone="070-123 45 67"
    )
    response = client.post(f"{BASE}/requests.json", filing)
    assert response.status_code == 201
    data = json_of(response)
    schemas.validate(schemas.POST_RESPONSE, data)
    report = Report.objects.get(reference=data[0]["service_request_id"])
    assert report.client == "Polisens app"
    assert report.category.slug == "belysning" and report.severity == 3
    assert report.time_of_day == "evening" and report.area.name == "Centrum"
    assert (report.contact_name, report.contact_email) == ("Anna Andersson", "anna@example.org")
    assert not report.published  # moderated like any other report
    assert report.events.get().kind == ReportEvent.Kind.CREATED
    assert [m.to for m in mail.outbox] == [["anna@example.org"]] or report.contact_email
    token = data[0]["token"]
    found = json_of(client.get(f"{BASE}/tokens/{token}.json"))
    schemas.validate(schemas.TOKENS, found)
    assert found[0]["service_request_id"] == report.reference


def test_the_longest_names_still_fit_the_reports_name_field(client, municipality, filing):
    """first_name and last_name (50 each) are stored as one name of at most 100
    characters; together they may not be longer (PostgreSQL would refuse it: a 500)."""
    filing.update(first_name="A" * 50, last_name="B" * 49)
    assert client.post(f"{BASE}/requests.json", filing).status_code == 201
    assert len(Report.objects.get().contact_name) == 100
    filing.update(last_name="B" * 50, device_id="telefon-2")
    response = client.post(f"{BASE}/requests.json", filing)
    assert response.status_code == 400 and error_codes(response) == [400]
    assert "last_name" in json_of(response)[0]["description"]
    assert Report.objects.count() == 1


def test_a_device_id_is_forgotten_once_no_retry_can_need_it(client, municipality, filing):
    """A device_id identifies the resident's phone and ties their reports together; it is
    kept only as long as a retry may come (DUPLICATE_MINUTES), then blanked."""
    from datetime import timedelta

    from django.utils import timezone

    from tryggve.open311.services import DUPLICATE_MINUTES

    client.post(f"{BASE}/requests.json", filing)
    assert Submission.objects.get().device_id == "telefon-1"  # a retry may still come
    Submission.objects.update(created=timezone.now() - timedelta(minutes=DUPLICATE_MINUTES + 1))
    filing.update(device_id="telefon-2", description="Mörkt vid kyrkan.")
    client.post(f"{BASE}/requests.json", filing)
    assert sorted(Submission.objects.values_list("device_id", flat=True)) == ["", "telefon-2"]


def test_xml_answer_and_a_place_in_words(client, municipality, filing):
    del filing["lat"], filing["long"]
    filing["address_string"] = "Bakom skolan"
    response = client.post(f"{BASE}/requests.xml", filing)
    assert response.status_code == 201
    request = xml(response).find("request")
    report = Report.objects.get(reference=request.findtext("service_request_id"))
    assert report.place_description == "Bakom skolan" and report.lat is None
    assert request.findtext("service_notice")


def test_the_same_device_and_description_files_once(client, municipality, filing):
    first = json_of(client.post(f"{BASE}/requests.json", filing))[0]
    again = json_of(client.post(f"{BASE}/requests.json", filing))[0]
    assert first["service_request_id"] == again["service_request_id"]
    assert first["token"] == again["token"]
    assert Report.objects.count() == 1
    filing["device_id"] = "telefon-2"
    other = json_of(client.post(f"{BASE}/requests.json", filing))[0]
    assert other["service_request_id"] != first["service_request_id"]


def test_a_photo_goes_through_the_image_pipeline(client, municipality, filing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    filing["media"] = SimpleUploadedFile("bild.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(f"{BASE}/requests.json", filing)
    assert response.status_code == 201
    photo = Report.objects.get().photos.get()
    assert not photo.approved and photo.width == 40


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_broken_photo_is_refused(client, municipality, filing, fmt):
    from django.core.files.uploadedfile import SimpleUploadedFile

    filing["media"] = SimpleUploadedFile("bild.jpg", b"not a photo", content_type="image/jpeg")
    response = client.post(f"{BASE}/requests.{fmt}", filing)
    assert response.status_code == 400 and error_codes(response) == [400]
    assert not Report.objects.exists()


def test_media_url_is_kept_for_staff_and_not_fetched(client, municipality, filing):
    filing["media_url"] = "https://example.org/bild.jpg"
    client.post(f"{BASE}/requests.json", filing)
    note = Report.objects.get().events.get(kind=ReportEvent.Kind.NOTE)
    assert "https://example.org/bild.jpg" in note.text and note.audience == "internal"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "change",
    [
        {"service_code": None},
        {"service_code": "finns-inte"},
        {"description": None},
        {"description": "x" * 4001},
        {"attribute[severity]": "5"},
        {"attribute[time_of_day]": None},
        {"lat": None},
        {"lat": None, "long": None},
        {"lat": "59.3293", "long": "18.0686"},  # Stockholm: outside the municipality
        {"lat": "nan"},
        {"email": "inte-en-adress"},
        {"phone": "ring mig"},
        {"media_url": "javascript:alert(1)"},
        {"description": "a\x00b"},
    ],
)
def test_bad_fields_are_400_and_file_nothing(client, municipality, filing, fmt, change):
    for name, value in change.items():
        if value is None:
            filing.pop(name)
        else:
            filing[name] = value
    response = client.post(f"{BASE}/requests.{fmt}", filing)
    assert response.status_code == 400, response.content
    assert set(error_codes(response)) == {400}
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_unknown_or_revoked_key_is_403(client, municipality, filing, api_key, fmt):
    for key in (None, "fel-nyckel", "x" * 1000):
        data = dict(filing)
        if key is None:
            data.pop("api_key")
        else:
            data["api_key"] = key
        response = client.post(f"{BASE}/requests.{fmt}", data)
        assert response.status_code == 403 and error_codes(response) == [403]
    api_key_revoke(api_key=api_key[0])
    response = client.post(f"{BASE}/requests.{fmt}", filing)
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_each_key_has_its_own_limit(client, municipality, filing, api_key):
    type(api_key[0]).objects.filter(pk=api_key[0].pk).update(requests_per_hour=2)
    for n in range(2):
        filing["device_id"] = f"telefon-{n}"
        assert client.post(f"{BASE}/requests.json", filing).status_code == 201
    filing["device_id"] = "telefon-3"
    response = client.post(f"{BASE}/requests.json", filing)
    assert response.status_code == 429 and error_codes(response) == [429]
    assert int(response["Retry-After"]) > 0
    assert Report.objects.count() == 2


def test_a_retry_at_the_keys_limit_still_answers_with_the_first_report(
    client, municipality, filing, api_key
):
    """A repeat files nothing, so it takes nothing of the key's limit: the client that lost
    the answer to its last allowed report gets it back instead of a 429."""
    type(api_key[0]).objects.filter(pk=api_key[0].pk).update(requests_per_hour=1)
    first = json_of(client.post(f"{BASE}/requests.json", filing))[0]
    again = client.post(f"{BASE}/requests.json", filing)
    assert again.status_code == 201
    assert json_of(again)[0]["service_request_id"] == first["service_request_id"]
    filing["device_id"] = "telefon-2"
    assert client.post(f"{BASE}/requests.json", filing).status_code == 429
    assert Report.objects.count() == 1


def test_the_address_limit_of_the_guard(client, municipality, filing, settings):
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, "open311": (1, 3600)}
    assert client.post(f"{BASE}/requests.json", filing).status_code == 201
    response = client.post(f"{BASE}/requests.xml", filing)
    assert response.status_code == 429 and error_codes(response) == [429]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_bodies_answer_with_the_error_list(client, municipality, filing, fmt):
    url = f"{BASE}/requests.{fmt}"
    broken = client.post(url, data=b"--x\r\nbroken", content_type="multipart/form-data")
    assert broken.status_code == 400 and error_codes(broken) == [400]
    as_json = client.post(url, data=b"{}", content_type="application/json")
    assert as_json.status_code == 415 and error_codes(as_json) == [415]
    huge = client.post(
        url,
        data=b"a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert huge.status_code == 413 and error_codes(huge) == [413]
    assert not Submission.objects.exists()

"""GET requests and requests/{id}: only published reports and only their public content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.open311.tests import georeport_schemas as schemas
from tryggve.open311.tests.helpers import BASE, children, error_codes, json_of, xml
from tryggve.reports.models import Audience, Report, ReportEvent, Status
from tryggve.reports.services import report_add_update, report_change_status

pytestmark = pytest.mark.django_db

PRIVATE = ["Kalle Svensson", "Anna Andersson", "anna@example.org", "070-123 45 67"]


def _ids(data) -> list[str]:
    return [item["service_request_id"] for item in data]


def test_only_published_reports_and_never_contact_details(client, published, unpublished):
    response = client.get(f"{BASE}/requests.json")
    data = json_of(response)
    schemas.validate(schemas.SERVICE_REQUESTS, data)
    assert _ids(data) == [published.reference]
    item = data[0]
    assert item["description"] == "Trasig gatlampa vid skolan."
    assert item["status"] == "open" and item["status_notes"] == "Mottagen"
    assert (item["lat"], item["long"]) == (published.public_lat, published.public_lon)
    assert schemas.is_w3c(item["requested_datetime"])
    assert item["requested_datetime"][-6:] in ("+01:00", "+02:00")
    text = response.content.decode()
    for private in PRIVATE:
        assert private not in text
    assert unpublished.reference not in text


def test_the_xml_list_has_the_spec_elements(client, published):
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert children(request) == schemas.SERVICE_REQUEST_FIELDS
    assert request.findtext("service_request_id") == published.reference
    assert request.findtext("status") == "open"


def test_status_maps_to_open_and_closed_with_the_swedish_status(client, published, case_handler):
    report_change_status(
        report=published,
        to_status=Status.RESOLVED,
        actor=case_handler.user,
        note="Lampan är lagad.",
    )
    item = json_of(client.get(f"{BASE}/requests/{published.reference}.json"))[0]
    assert item["status"] == "closed" and item["status_notes"] == "Åtgärdad"
    assert json_of(client.get(f"{BASE}/requests.json", {"status": "open"})) == []
    closed = json_of(client.get(f"{BASE}/requests.json", {"status": "closed"}))
    assert _ids(closed) == [published.reference]
    both = json_of(client.get(f"{BASE}/requests.json", {"status": "open,closed"}))
    assert _ids(both) == [published.reference]


def test_extensions_show_only_public_updates(client, published, case_handler):
    report_add_update(
        report=published,
        text="Internt: ring Kalle Svensson",
        to_resident=False,
        actor=case_handler.user,
    )
    report_add_update(
        report=published,
        text="Till dig: vi har sett det",
        to_resident=True,
        actor=case_handler.user,
    )
    ReportEvent.objects.create(
        report=published,
        kind=ReportEvent.Kind.PUBLIC_UPDATE,
        text="Lampan byts i veckan.",
        audience=Audience.PUBLIC,
    )
    plain = json_of(client.get(f"{BASE}/requests/{published.reference}.json"))[0]
    assert "extended_attributes" not in plain
    response = client.get(f"{BASE}/requests/{published.reference}.json", {"extensions": "true"})
    extended = json_of(response)[0]["extended_attributes"]
    assert extended["status"] == "Mottagen" and extended["category"] == "Belysning"
    texts = [note["description"] for note in extended["notes"]]
    assert "Lampan byts i veckan." in texts
    body = response.content.decode()
    assert "Kalle Svensson" not in body and "vi har sett det" not in body
    root = xml(client.get(f"{BASE}/requests/{published.reference}.xml", {"extensions": "true"}))
    notes = root.findall("request/extended_attributes/notes/note")
    assert "Lampan byts i veckan." in [n.findtext("description") for n in notes]


def test_only_approved_photos(client, published):
    from django.core.files.base import ContentFile

    from tryggve.open311.tests.test_requests_create import _jpeg
    from tryggve.reports.models import ReportPhoto

    hidden = ReportPhoto.objects.create(report=published, image=ContentFile(_jpeg(), name="a.jpg"))
    assert json_of(client.get(f"{BASE}/requests.json"))[0]["media_url"] == ""
    ReportPhoto.objects.filter(pk=hidden.pk).update(approved=True)
    url = json_of(client.get(f"{BASE}/requests.json"))[0]["media_url"]
    assert url.endswith(f"/karta/bild/{hidden.pk}/")


def test_filters(client, municipality, make_report, published):
    old = make_report(published=True, public_text="Gammal")
    Report.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=200))
    other = make_report(category="vegetation", published=True, public_text="Sly")
    assert set(_ids(json_of(client.get(f"{BASE}/requests.json")))) == {
        published.reference,
        other.reference,
    }
    by_code = json_of(client.get(f"{BASE}/requests.json", {"service_code": "vegetation"}))
    assert _ids(by_code) == [other.reference]
    start = (timezone.now() - timedelta(days=210)).isoformat()
    end = (timezone.now() - timedelta(days=150)).isoformat()
    window = json_of(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}))
    assert _ids(window) == [old.reference]
    by_id = json_of(
        client.get(
            f"{BASE}/requests.json",
            {"service_request_id": f"{old.reference},{other.reference}", "service_code": "x"},
        )
    )
    assert set(_ids(by_id)) == {old.reference, other.reference}
    first = json_of(client.get(f"{BASE}/requests.json", {"page_size": "1"}))
    second = json_of(client.get(f"{BASE}/requests.json", {"page_size": "1", "page": "2"}))
    assert len(first) == len(second) == 1 and first != second
    near = json_of(
        client.get(f"{BASE}/requests.json", {"lat": "65.59", "long": "19.18", "radius": "50"})
    )
    assert set(_ids(near)) == {published.reference, other.reference}
    far = json_of(
        client.get(f"{BASE}/requests.json", {"lat": "65.70", "long": "19.18", "radius": "50"})
    )
    assert far == []
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert json_of(client.get(f"{BASE}/requests.json", {"updated_after": future})) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "igår"},
        {"start_date": "2026-13-45T00:00:00Z"},
        {"end_date": "9999-12-31T23:59:59+14:00"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "9" * 40},
        {"page_size": "1001"},
        {"page_size": "١"},
        {"lat": "65.59"},
        {"lat": "nan", "long": "19"},
        {"lat": "1e400", "long": "19"},
        {"lat": "65.59", "long": "19.18", "radius": "-5"},
        {"service_request_id": ",".join(["x"] * 500)},
        {"service_code": "a\x00b"},
    ],
)
def test_hostile_parameters_are_400_error_lists(client, published, fmt, params):
    response = client.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 400
    assert error_codes(response) == [400]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_unpublished_request_is_404(client, published, unpublished, fmt):
    for reference in ("OTR-1999-00001", unpublished.reference, "x" * 300):
        response = client.get(f"{BASE}/requests/{reference}.{fmt}")
        assert response.status_code == 404
        assert error_codes(response) == [404]


def test_a_key_follows_what_it_filed_before_publication(client, unpublished, api_key, key):
    from tryggve.open311.models import Submission

    Submission.objects.create(
        api_key=api_key[0], report=unpublished, description_hash="x", token_hash="y"
    )
    url = f"{BASE}/requests/{unpublished.reference}.json"
    assert client.get(url).status_code == 404
    item = json_of(client.get(url, {"api_key": key}))[0]
    assert item["description"] == ""  # the resident's own words are never shown
    assert client.get(url, {"api_key": "wrong"}).status_code == 403


def test_the_list_takes_a_fixed_number_of_queries(
    client, published, make_report, django_assert_max_num_queries
):
    for _ in range(5):
        make_report(published=True, public_text="Fler")
    with django_assert_max_num_queries(6):
        data = json_of(client.get(f"{BASE}/requests.json", {"extensions": "true"}))
    assert len(data) == 6


def test_another_jurisdiction_does_not_list_this_municipalitys_reports_without_area(
    client, municipality, make_report, settings
):
    """A report placed in words (no residential area) belongs to the deployment's own
    municipality, not to every jurisdiction_id a client may name."""
    from tryggve.areas.models import Municipality

    other = Municipality.objects.get(pk=municipality.pk)
    other.pk, other.code, other.domain, other.name = None, "2581", "pitea.se", "Piteå"
    other.slug = "pitea"  # served (a row merely kept beside it is no jurisdiction)
    other.save()
    settings.MUNICIPALITY_ROUTING = True
    in_words = make_report(at=None, published=True, public_text="Mörkt bakom skolan.")
    in_area = make_report(published=True, public_text="Trasig lampa i Centrum.")
    for name, expected in (("arvidsjaur.se", {in_words, in_area}), ("pitea.se", set())):
        listed = json_of(client.get(f"{BASE}/requests.json", {"jurisdiction_id": name}))
        assert set(_ids(listed)) == {r.reference for r in expected}, name
        one = client.get(f"{BASE}/requests/{in_words.reference}.json", {"jurisdiction_id": name})
        assert one.status_code == (200 if expected else 404), name

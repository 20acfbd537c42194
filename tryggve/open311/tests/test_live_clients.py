"""Independent clients against a live server: the `georeport` package reads, plain
`requests` files a report that staff then handle in the inbox."""

from __future__ import annotations

import pytest
import requests
from django.urls import reverse
from georeport import GeoReport

from tryggve.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def categories(transactional_db):
    """The default categories: a transactional test starts from a flushed database, without
    what the data migration wrote."""
    from importlib import import_module

    from django.apps import apps

    import_module("tryggve.reports.migrations.0002_default_categories").create(apps, None)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_the_api(live_server, published, output_format):
    client = GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction="arvidsjaur.se", output_format=output_format
    )
    services = client.get_service_list()
    assert "belysning" in [s["service_code"] for s in services]
    definition = client.get_service_definition("belysning")
    assert definition["service_code"] == "belysning"
    found = client.get_service_requests(status="open")
    if output_format == "xml":  # xmltodict gives one dict for a list of one
        found = [found] if isinstance(found, dict) else found
    assert [r["service_request_id"] for r in found] == [published.reference]
    one = client.get_service_request(published.reference)
    assert one["service_request_id"] == published.reference
    assert one["description"] == "Trasig gatlampa vid skolan."


def test_a_report_posted_with_requests_is_handled_in_the_inbox(
    live_server, municipality, filing, case_handler
):
    response = requests.post(f"{live_server.url}/open311/v2/requests.json", data=filing, timeout=30)
    assert response.status_code == 201, response.text
    reference = response.json()[0]["service_request_id"]
    assert reference in case_handler.get(reverse("reports:staff_inbox")).content.decode()
    case = case_handler.get(reverse("reports:staff_case", args=[reference])).content.decode()
    assert "Polisens app" in case
    case_handler.post(
        reverse("reports:staff_moderate", args=[reference]),
        {"public_text": "Trasig gatlampa.", "published": "on"},
    )
    case_handler.post(
        reverse("reports:staff_status", args=[reference]),
        {"to_status": "resolved", "note": "Lampan är lagad."},
    )
    assert Report.objects.get(reference=reference).status == "resolved"
    item = requests.get(
        f"{live_server.url}/open311/v2/requests/{reference}.json", timeout=30
    ).json()[0]
    assert (item["status"], item["status_notes"]) == ("closed", "Åtgärdad")
    assert item["description"] == "Trasig gatlampa."

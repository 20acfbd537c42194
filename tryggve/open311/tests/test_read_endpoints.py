"""discovery, services and a service definition in both formats, against the spec's schemas."""

from __future__ import annotations

import pytest

from tryggve.open311.tests import georeport_schemas as schemas
from tryggve.open311.tests.helpers import BASE, children, error_codes, json_of, xml
from tryggve.reports.models import Category

pytestmark = pytest.mark.django_db


def test_discovery_json_fits_the_schema(client):
    data = json_of(client.get(f"{BASE}/discovery.json"))
    schemas.validate(schemas.DISCOVERY, data)
    endpoint = data["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]


def test_discovery_xml_uses_the_spec_names(client):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


def test_services_list_every_active_category_by_its_code(client, municipality):
    Category.objects.filter(slug="vegetation").update(active=False)
    data = json_of(client.get(f"{BASE}/services.json"))
    schemas.validate(schemas.SERVICE_LIST, data)
    codes = [s["service_code"] for s in data]
    assert "belysning" in codes and "vegetation" not in codes
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in data)
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert children(root.find("service")) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]


def test_service_definition_asks_what_the_web_form_asks(client):
    data = json_of(client.get(f"{BASE}/services/belysning.json"))
    schemas.validate(schemas.SERVICE_DEFINITION, data)
    attributes = {a["code"]: a for a in data["attributes"]}
    assert [v["key"] for v in attributes["time_of_day"]["values"]] == [
        "day",
        "evening",
        "night",
        "always",
    ]
    assert [v["key"] for v in attributes["severity"]["values"]] == ["1", "2", "3", "4"]
    assert attributes["severity"]["datatype"] == "singlevaluelist"
    assert attributes["place_description"]["datatype"] == "string"
    assert not attributes["place_description"]["required"]
    root = xml(client.get(f"{BASE}/services/belysning.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert children(attribute) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert children(attribute.find("values/value")) == ["key", "name"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["finns-inte", "a" * 300, "%00", "belysning%27--"])
def test_unknown_service_code_is_404_in_the_list_format(client, fmt, code):
    response = client.get(f"{BASE}/services/{code}.{fmt}")
    assert response.status_code == 404
    assert error_codes(response) == [404]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_by_code_or_domain_and_404_when_unknown(client, municipality, fmt):
    for name in ("2505", "arvidsjaur.se", "ARVIDSJAUR.SE"):
        assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": name}).status_code == 200
    response = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "pitea.se"})
    assert response.status_code == 404
    assert error_codes(response) == [404]


def test_jurisdiction_is_required_when_two_municipalities_are_served(
    client, municipality, settings
):
    from tryggve.areas.models import Municipality

    other = Municipality.objects.get(pk=municipality.pk)
    other.pk, other.code, other.domain, other.name = None, "2581", "pitea.se", "Piteå"
    other.slug = "pitea"  # served (a row merely kept beside it is no jurisdiction)
    other.save()
    settings.MUNICIPALITY_ROUTING = True
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 400
    assert error_codes(response) == [400]
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "pitea.se"}).status_code == 200


def test_openapi_and_the_human_page(client):
    spec = client.get(f"{BASE}/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert f"{BASE}/requests.xml" in spec["paths"]
    page = client.get("/open311/")
    assert page.status_code == 200
    assert "curl" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/open311/"})
    assert "Addresses" in client.get("/open311/").content.decode()

"""Reading the API's answers in the tests: JSON, or XML with the spec's element names."""

from __future__ import annotations

from xml.etree import ElementTree as ET

BASE = "/open311/v2"


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)  # noqa: S314  (our own answer, in a test)


def json_of(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def error_codes(response) -> list[int]:
    """The codes of an error list in either format."""
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        assert all(children(e) == ["code", "description"] for e in root)
        return [int(e.findtext("code")) for e in root]
    data = json_of(response)
    assert all(set(item) == {"code", "description"} and item["description"] for item in data)
    return [item["code"] for item in data]

"""Whatever reaches /open311/v2/ answers with the spec's error list, never a page."""

from __future__ import annotations

import pytest

from tryggve.open311.tests.helpers import BASE, error_codes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "",
        "nope",
        "requests",
        "requests.csv",
        "requests.json/",
        "services/.json",
        "requests/a/b.json",
        "x.xml",
        "%0a.json",
        "../admin/.xml",
    ],
)
def test_unknown_addresses_are_404_lists(client, path):
    for method in ("get", "post", "put", "delete"):
        response = getattr(client, method)(f"{BASE}/{path}")
        assert response.status_code == 404, (method, path)
        assert error_codes(response) == [404]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "resource",
    ["discovery", "services", "services/belysning", "requests/OTR-2026-00001", "tokens/abc"],
)
def test_wrong_methods_are_405_lists(client, fmt, resource):
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(client, method)(f"{BASE}/{resource}.{fmt}")
        assert response.status_code == 405, (method, resource)
        assert error_codes(response) == [405]
        assert "GET" in response["Allow"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_takes_only_get_and_post(client, fmt):
    response = client.put(f"{BASE}/requests.{fmt}")
    assert response.status_code == 405 and error_codes(response) == [405]


def test_an_accept_header_never_changes_the_format(client):
    response = client.get(f"{BASE}/discovery.xml", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_token_is_404(client, fmt):
    response = client.get(f"{BASE}/tokens/{'a' * 40}.{fmt}")
    assert response.status_code == 404 and error_codes(response) == [404]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_host_header_is_a_400_list_not_a_page(client, fmt, settings):
    """Django refuses a Host outside ALLOWED_HOSTS before any view; the API still answers
    with its error list, the rest of the site with Django's page."""
    settings.DEBUG = False
    response = client.get(f"{BASE}/services.{fmt}", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert error_codes(response) == [400]
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and b"<" in page.content

"""The API under a municipality's path prefix or host name: its own error list for an
oversized body, and only the municipalities served at that address as jurisdiction_id."""

from __future__ import annotations

import pytest

from tryggve.areas.models import Municipality
from tryggve.open311.middleware import is_api_path
from tryggve.open311.tests.helpers import error_codes, json_of

pytestmark = pytest.mark.django_db

HUGE = str(50 * 1024 * 1024)


def _huge_post(client, url, **extra):
    return client.post(
        url,
        data=b"a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=HUGE,
        **extra,
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_oversized_body_under_a_path_prefix_gets_the_error_list(client, arjeplog, fmt):
    response = _huge_post(client, f"/arjeplog/open311/v2/requests.{fmt}")
    assert response.status_code == 413 and error_codes(response) == [413]
    by_host = _huge_post(client, f"/open311/v2/requests.{fmt}", HTTP_HOST="trygg.arjeplog.se")
    assert by_host.status_code == 413 and error_codes(by_host) == [413]


def test_an_oversized_body_elsewhere_still_gets_the_sites_page(client, arjeplog):
    for url in ("/arjeplog/rapport/", "/inte-en-kommun/open311/v2/requests.json"):
        response = _huge_post(client, url)
        assert response.status_code == 413, url
        assert response["Content-Type"].startswith("text/html"), url


def test_the_api_path_is_recognised_by_the_routing_table(arjeplog, settings):
    assert is_api_path("/open311/v2/requests.json")
    assert is_api_path("/arjeplog/open311/v2/requests.json")
    assert not is_api_path("/arvidsjaur/open311/v2/requests.json")  # no such slug
    assert not is_api_path("/arjeplog/rapport/open311/v2/")
    settings.MUNICIPALITY_ROUTING = False
    assert not is_api_path("/arjeplog/open311/v2/requests.json")


def _codes(response) -> set[str]:
    return {s["service_code"] for s in json_of(response)}


def test_a_municipalitys_own_site_accepts_only_its_own_jurisdiction(client, arjeplog):
    from tryggve.reports.models import Category

    Category.objects.filter(municipality=arjeplog, slug="belysning").update(active=False)
    for base, extra in (
        ("/arjeplog/open311/v2", {}),
        ("/open311/v2", {"HTTP_HOST": "trygg.arjeplog.se"}),
    ):
        # The site names the municipality: no jurisdiction_id needed, Arjeplog's services.
        plain = client.get(f"{base}/services.json", **extra)
        assert plain.status_code == 200, base
        assert "belysning" not in _codes(plain), base
        for name in ("2506", "arjeplog.se"):
            named = client.get(f"{base}/services.json", {"jurisdiction_id": name}, **extra)
            assert named.status_code == 200, (base, name)
        for name in ("2505", "arvidsjaur.se"):
            other = client.get(f"{base}/services.json", {"jurisdiction_id": name}, **extra)
            assert other.status_code == 404 and error_codes(other) == [404], (base, name)
            listed = client.get(f"{base}/requests.json", {"jurisdiction_id": name}, **extra)
            assert listed.status_code == 404, (base, name)


def test_the_main_address_accepts_every_served_municipality_and_no_other_row(
    client, municipality, arjeplog
):
    # A neighbour's boundary kept for reference: a row, but not served here.
    other = Municipality.objects.get(pk=municipality.pk)
    other.pk, other.code, other.domain, other.name = None, "2581", "pitea.se", "Piteå"
    other.slug = other.hosts = ""
    other.save()
    for name, status in (("2505", 200), ("arjeplog.se", 200), ("pitea.se", 404), ("2581", 404)):
        response = client.get("/open311/v2/services.json", {"jurisdiction_id": name})
        assert response.status_code == status, name
    assert "belysning" in _codes(
        client.get("/open311/v2/services.json", {"jurisdiction_id": "arjeplog.se"})
    )
    page = client.get("/open311/").content.decode()
    assert "arjeplog.se" in page and "arvidsjaur.se" in page and "pitea.se" not in page


def test_one_municipality_served_needs_and_accepts_no_other_row(client, municipality):
    other = Municipality.objects.get(pk=municipality.pk)
    other.pk, other.code, other.domain, other.name = None, "2581", "pitea.se", "Piteå"
    other.save()
    assert client.get("/open311/v2/services.json").status_code == 200
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "2505"}).status_code == 200
    response = client.get("/open311/v2/services.json", {"jurisdiction_id": "pitea.se"})
    assert response.status_code == 404 and error_codes(response) == [404]
    assert "pitea.se" not in client.get("/open311/").content.decode()

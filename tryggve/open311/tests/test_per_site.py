"""The API at each site of a deployment serving several municipalities: links that point
at the site called, tokens only at the report's own site, and the notice of a POST whose
position routed the report to another served municipality."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

import pytest

from tryggve.areas.models import Municipality
from tryggve.conftest import ARJEPLOG
from tryggve.open311.tests.helpers import error_codes, json_of, xml
from tryggve.reports.models import Category, Report

pytestmark = pytest.mark.django_db

SITE = "https://trygg.example.se"
HOST = {"HTTP_HOST": "trygg.arjeplog.se"}
MAIN = "/open311/v2"
PREFIXED = "/arjeplog/open311/v2"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def arjeplog_filing(arjeplog, filing):
    """`filing` with a key of Arjeplog's, for posting at Arjeplog's own address (a key
    files for its own municipality only)."""
    from tryggve.open311.services import api_key_create

    _api_key, key = api_key_create(name="Arjeplogs app", municipality=arjeplog)
    return {**filing, "api_key": key}


@pytest.mark.parametrize(
    ("path", "extra", "base"),
    [
        (MAIN, {}, f"{SITE}/open311/v2"),
        (PREFIXED, {}, f"{SITE}/arjeplog/open311/v2"),
        (MAIN, HOST, "https://trygg.arjeplog.se/open311/v2"),
    ],
)
def test_links_point_at_the_site_called(client, arjeplog, site_url, path, extra, base):
    root = base.removesuffix("/open311/v2")
    page = client.get(path.removesuffix("v2"), **extra).content.decode()
    assert f'curl "{base}/services.json' in page
    assert f"{base}/requests.json \\" in page
    assert f'href="{path}/openapi.json"' in page
    found = json_of(client.get(f"{path}/discovery.json", **extra))
    assert [e["url"] for e in found["endpoints"]] == [base]
    assert found["contact"].endswith(f" {root}/open311/")
    assert found["key_service"].endswith(f" {root}/open311/")
    root_xml = xml(client.get(f"{path}/discovery.xml", **extra))
    assert root_xml.findtext("endpoints/endpoint/url") == base
    spec = client.get(f"{path}/openapi.json", **extra).json()
    assert spec["servers"] == [{"url": root}]
    # Another site's address appears nowhere.
    elsewhere = f"{SITE}/open311/" if root != SITE else f"{SITE}/arjeplog/"
    assert elsewhere not in page and elsewhere not in str(found)


@pytest.mark.parametrize(
    ("path", "extra", "code", "prefix"),
    [(MAIN, {}, "2505", "OTR"), (PREFIXED, {}, "2506", "ARJ"), (MAIN, HOST, "2506", "ARJ")],
)
def test_the_examples_work_as_written(client, arjeplog, site_url, path, extra, code, prefix):
    """The help page's GET examples answer 200 at the site called (the main address serves
    several municipalities, so they name jurisdiction_id), and its POST example's position
    and category are that site's municipality's."""
    Municipality.objects.filter(code="2506").update(reference_prefix="ARJ")
    page = html.unescape(client.get(path.removesuffix("v2"), **extra).content.decode())
    gets = re.findall(r'curl "(https://[^"]+)"', page)
    assert len(gets) == 3, gets
    for url in gets:
        address = urlsplit(url)
        response = client.get(f"{address.path}?{address.query}", **extra)
        assert response.status_code == 200, (url, response.content[:300])
    lat = float(re.search(r"-d lat=([0-9.]+)", page).group(1))
    lon = float(re.search(r"-d long=([0-9.]+)", page).group(1))
    assert Municipality.objects.get(code=code).contains_point(lat, lon)
    slug = re.search(r"-d service_code=([\w-]+)", page).group(1)
    assert Category.objects.for_code(code).filter(slug=slug).exists()
    assert re.search(rf"/requests/{prefix}-\d{{4}}-00042\.json", page)
    assert ("jurisdiction_id=" in page) == (path == MAIN and not extra)


@pytest.mark.parametrize("extra", [{}, HOST])
def test_arjeplogs_description_names_arjeplog_not_arvidsjaur(client, arjeplog, extra):
    """The OpenAPI description at Arjeplog's address: its own code, domain and reference
    series in the examples, nothing of Arvidsjaur's."""
    arjeplog.reference_prefix = "ARJ"
    arjeplog.save()
    path = PREFIXED if not extra else MAIN
    text = client.get(f"{path}/openapi.json", **extra).content.decode()
    assert "2505" not in text and "arvidsjaur" not in text.lower() and "OTR-" not in text
    spec = json_of(client.get(f"{path}/openapi.json", **extra))
    one = spec["paths"]["/open311/v2/requests/{service_request_id}.json"]["get"]
    assert one["parameters"][0]["description"].startswith("ARJ-")
    jurisdiction = next(p for p in one["parameters"] if p["name"] == "jurisdiction_id")
    assert "(2506)" in jurisdiction["description"]
    assert "(arjeplog.se)" in jurisdiction["description"]
    main = json_of(client.get(f"{MAIN}/openapi.json"))
    assert "(2505)" in json.dumps(main)


def _file(client, path, filing, extra=None, **fields):
    response = client.post(f"{path}/requests.json", {**filing, **fields}, **(extra or {}))
    assert response.status_code == 201, response.content
    return json_of(response)[0]


def _status(client, url, extra=None, **query):
    response = client.get(url, query, **(extra or {}))
    if response.status_code == 404:
        assert error_codes(response) == [404]
    return response.status_code


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_resolves_only_at_its_reports_site(client, arjeplog, filing, arjeplog_filing, fmt):
    at_arjeplog = _file(client, PREFIXED, arjeplog_filing, lat=ARJEPLOG[0], long=ARJEPLOG[1])
    at_arvidsjaur = _file(client, MAIN, filing, jurisdiction_id="2505", device_id="t-2")
    assert Report.objects.get(reference=at_arjeplog["service_request_id"]).municipality == arjeplog

    mine = f"tokens/{at_arjeplog['token']}.{fmt}"
    theirs = f"tokens/{at_arvidsjaur['token']}.{fmt}"
    assert _status(client, f"{PREFIXED}/{mine}") == 200
    assert _status(client, f"/open311/v2/{mine}", HOST) == 200
    assert _status(client, f"{MAIN}/{mine}", jurisdiction_id="2506") == 200
    assert _status(client, f"{MAIN}/{mine}", jurisdiction_id="2505") == 404
    assert _status(client, f"{MAIN}/{theirs}", jurisdiction_id="2505") == 200
    assert _status(client, f"{PREFIXED}/{theirs}") == 404
    assert _status(client, f"/open311/v2/{theirs}", HOST) == 404
    assert _status(client, f"{MAIN}/{theirs}", jurisdiction_id="2506") == 404
    answer = client.get(f"{PREFIXED}/{mine}")
    ids = (
        [e.findtext("service_request_id") for e in xml(answer)]
        if fmt == "xml"
        else [e["service_request_id"] for e in json_of(answer)]
    )
    assert ids == [at_arjeplog["service_request_id"]]


def test_a_normal_post_gets_no_routing_notice(client, arjeplog, filing, arjeplog_filing):
    filed = _file(client, PREFIXED, arjeplog_filing, lat=ARJEPLOG[0], long=ARJEPLOG[1])
    assert filed["service_notice"] == (
        f"Tack! Rapporten har diarienummer {filed['service_request_id']}."
    )
    filed = _file(client, MAIN, filing, jurisdiction_id="2505", device_id="t-2")
    assert filed["service_notice"] == (
        f"Tack! Rapporten har diarienummer {filed['service_request_id']}."
    )


def test_a_post_routed_to_the_main_address_says_where_to_read_it(
    client, municipality, arjeplog, arjeplog_filing
):
    # Filed at Arjeplog's site, at a position in Arvidsjaur (the `filing` default).
    key = arjeplog_filing["api_key"]
    filed = _file(client, PREFIXED, arjeplog_filing)
    reference = filed["service_request_id"]
    assert Report.objects.get(reference=reference).municipality == municipality
    notice = filed["service_notice"]
    assert "Arvidsjaurs kommun" in notice and reference in notice
    # Arvidsjaur is served at the main address, which serves several: name it there.
    assert f"http://testserver{MAIN} (jurisdiction_id=2505)" in notice
    # The filing site does not answer for it (it belongs to the other site); there it does.
    one = f"requests/{reference}.json"
    assert _status(client, f"{PREFIXED}/{one}", api_key=key) == 404
    assert _status(client, f"{PREFIXED}/tokens/{filed['token']}.json") == 404
    assert _status(client, f"{MAIN}/{one}", api_key=key, jurisdiction_id="2505") == 200
    assert _status(client, f"{MAIN}/tokens/{filed['token']}.json", jurisdiction_id="2505") == 200
    listed = json_of(client.get(f"{PREFIXED}/requests.json", {"api_key": key}))
    assert reference not in {r["service_request_id"] for r in listed}


def test_a_post_routed_to_a_municipalitys_own_host(client, arjeplog, filing, key, site_url):
    filed = _file(client, MAIN, filing, jurisdiction_id="2505", lat=ARJEPLOG[0], long=ARJEPLOG[1])
    reference = filed["service_request_id"]
    assert Report.objects.get(reference=reference).municipality == arjeplog
    notice = filed["service_notice"]
    assert "Arjeplogs kommun" in notice and reference in notice
    assert notice.endswith(": https://trygg.arjeplog.se/open311/v2.")
    assert "jurisdiction_id" not in notice
    one = f"requests/{reference}.json"
    assert _status(client, f"{MAIN}/{one}", api_key=key, jurisdiction_id="2505") == 404
    assert _status(client, f"/open311/v2/{one}", HOST, api_key=key) == 200
    # A repeat of the same POST (a lost answer) gets the same notice.
    again = _file(client, MAIN, filing, jurisdiction_id="2505", lat=ARJEPLOG[0], long=ARJEPLOG[1])
    assert again == filed


def test_the_routing_notice_is_translated(client, arjeplog, arjeplog_filing):
    client.post("/i18n/setlang/", {"language": "en", "next": "/open311/"})
    filed = _file(client, PREFIXED, arjeplog_filing)
    assert filed["service_notice"].startswith("Thank you! The place lies in Arvidsjaurs kommun")


def test_a_report_outside_every_area_is_found_at_its_municipalitys_address(
    client, arjeplog, make_report
):
    """Its position made it Arjeplog's though no residential area holds it: the main
    address with jurisdiction_id=2506 and Arjeplog's own address find it, listed and by id."""
    report = make_report(published=True)
    Report.objects.filter(pk=report.pk).update(
        municipality=arjeplog, area=None, lat=66.20, lon=17.50
    )
    for path, query in [(MAIN, "?jurisdiction_id=2506"), (PREFIXED, ""),
                        (PREFIXED, "?jurisdiction_id=2506")]:
        listed = json_of(client.get(f"{path}/requests.json{query}"))
        assert report.reference in [r["service_request_id"] for r in listed], (path, query)
        one = client.get(f"{path}/requests/{report.reference}.json{query}")
        assert one.status_code == 200, (path, query)
    # Not Arvidsjaur's.
    theirs = client.get(f"{MAIN}/requests/{report.reference}.json?jurisdiction_id=2505")
    assert theirs.status_code == 404

"""The Content-Security-Policy header and its report endpoint (issue 8, item 7)."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client

from tryggve.lib.middleware import tile_source

REPORT = {
    "csp-report": {
        "document-uri": "https://trygg.example.se/karta/",
        "violated-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
    }
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def post(client, body, content_type="application/csp-report", **extra):
    return client.generic("POST", "/csp-report/", body, content_type=content_type, **extra)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/rapportera/", "/karta/", "/personal/logga-in/"])
def test_every_page_carries_the_policy(client, municipality, settings, path):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.se/{z}/{x}/{y}.png"
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: https://*.tiles.example.se"
    assert directives["report-uri"] == "/csp-report/"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize(
    "url,source",
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.se:8443/{z}/{x}/{y}.png", "https://*.tile.example.se:8443"),
        ("/static/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source_from_the_tile_url(url, source):
    assert tile_source(url) == source


def test_a_report_is_logged_on_one_line(caplog):
    forged = json.loads(json.dumps(REPORT))
    forged["csp-report"]["document-uri"] = "https://x/\nINFO forged line"
    with caplog.at_level(logging.WARNING, logger="tryggve.csp"):
        response = post(Client(), json.dumps(forged))
    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "tryggve.csp"]
    message = record.getMessage()
    assert "violated-directive=script-src-elem" in message
    assert "\n" not in message


def test_a_report_from_a_private_link_logs_no_token_or_query(caplog):
    report = json.loads(json.dumps(REPORT))
    token = "Zq3xV9pL2mN8kR4tY7wB1cD5fG6hJ0sA"
    report["csp-report"]["document-uri"] = f"https://x.invalid/rapport/{token}/?e=anna#x"
    with caplog.at_level(logging.WARNING, logger="tryggve.csp"):
        assert post(Client(), json.dumps(report)).status_code == 204
    (record,) = [r for r in caplog.records if r.name == "tryggve.csp"]
    message = record.getMessage()
    assert "document-uri=https://x.invalid/rapport/Zq3x…/ " in message
    assert token not in message and "anna" not in message


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'{"csp-report": 3}', b"\xff\xfe", b"{" * 5000, b"[" * 8000],
)
def test_garbage_is_a_400_never_a_500(body):
    assert post(Client(), body).status_code == 400


def test_large_bodies_are_refused():
    assert post(Client(), b"x" * 9000).status_code == 413


# The 405 page shows the municipality's public identity (tryggve.areas.identity), read once
# from the database and then cached.
@pytest.mark.django_db
def test_only_post_and_no_csrf_token_needed():
    assert Client().get("/csp-report/").status_code == 405
    client = Client(enforce_csrf_checks=True)
    assert post(client, json.dumps(REPORT)).status_code == 204


def test_one_address_is_limited(settings):
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, "csp_report": (3, 60)}
    client = Client()
    answers = [post(client, json.dumps(REPORT)).status_code for _ in range(5)]
    assert answers == [204, 204, 204, 429, 429]
    other = post(client, json.dumps(REPORT), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 204

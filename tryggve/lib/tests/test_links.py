"""Absolute links (item: links pointed at port 8000 whatever the server's port was)."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory

from tryggve.lib.links import absolute_url


def test_site_url_wins(settings):
    settings.SITE_URL = "https://trygg.arvidsjaur.se/"
    request = RequestFactory().get("/", HTTP_HOST="other.example:9000")
    assert absolute_url("/karta/", request) == "https://trygg.arvidsjaur.se/karta/"
    assert absolute_url("reports:map") == "https://trygg.arvidsjaur.se/karta/"


def test_without_site_url_a_view_follows_the_request(settings):
    settings.SITE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8101")
    assert absolute_url("reports:tracking", request, args=["abc"]) == (
        "http://127.0.0.1:8101/rapport/abc/"
    )


def test_without_site_url_or_request_links_follow_port(settings, monkeypatch):
    settings.SITE_URL = ""
    monkeypatch.setenv("PORT", "8101")
    assert absolute_url("reports:new", query={"a": "1 2"}) == (
        "http://127.0.0.1:8101/rapportera/?a=1+2"
    )


@pytest.mark.django_db
def test_mailed_tracking_link_follows_port(
    settings, monkeypatch, make_report, django_capture_on_commit_callbacks
):
    """`PORT=8101 make run`: the receipt mail links to 8101, where the site is served."""
    settings.SITE_URL = ""
    monkeypatch.setenv("PORT", "8101")
    with django_capture_on_commit_callbacks(execute=True):
        make_report(contact_email="anna@example.se")
    (receipt,) = mail.outbox
    links = re.findall(r"https?://\S+", receipt.body)
    assert links and all(link.startswith("http://127.0.0.1:8101/rapport/") for link in links)


@pytest.mark.django_db
def test_receipt_page_links_to_the_host_the_resident_used(settings, citizen, make_report):
    settings.SITE_URL = ""
    report = make_report()
    session = citizen.session
    session["last_receipt"] = report.reference
    session["receipt_token"] = report.tracking_token
    session.save()
    page = citizen.get("/rapportera/kvitto/", HTTP_HOST="127.0.0.1:8101").content.decode()
    assert f"http://127.0.0.1:8101/rapport/{report.tracking_token}/" in page
    assert "127.0.0.1:8000" not in page


def test_without_site_url_a_municipalitys_own_host_still_wins(settings):
    """A link written for a municipality served at its own host name (`serving_for`) goes
    to that host, not to the host of the request that wrote it (issue 14)."""
    from tryggve.lib import tenancy

    settings.SITE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8101")
    with tenancy.serving("2506", host="trygg.arjeplog.se"):
        assert absolute_url("reports:new", request) == "http://trygg.arjeplog.se/rapportera/"
        assert absolute_url("reports:new") == "http://trygg.arjeplog.se/rapportera/"

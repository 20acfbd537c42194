"""The receipt after filing a report: its tracking link, retries, and no token left behind
in the session (issue 8, items 10 and 11)."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tryggve.conftest import ARJEPLOG
from tryggve.reports.models import Report, hash_token
from tryggve.reports.tests.test_report_new_view import form_data

LINK = re.compile(r'class="tracking-link" href="(/rapport/([^"/]+)/)"')


def tracking_link(client) -> tuple[str, str] | None:
    match = LINK.search(client.get("/rapportera/kvitto/").content.decode())
    return match.groups() if match else None


@pytest.mark.django_db
def test_a_retry_whose_first_attempt_committed_shows_the_link(citizen, municipality):
    data = form_data()
    # The first attempt commits, but its answer never reaches the browser (a dropped
    # connection): the resident presses send again in a fresh session.
    Client().post("/rapportera/", data)
    assert Report.objects.count() == 1
    response = citizen.post("/rapportera/", data)
    assert response.status_code == 302
    assert Report.objects.count() == 1
    path, token = tracking_link(citizen)
    report = Report.objects.get()
    assert report.tracking_token_hash == hash_token(token)
    assert report.reference in citizen.get(path).content.decode()


@pytest.mark.django_db
def test_what_the_database_keeps_of_the_form_does_not_open_the_link(citizen, municipality):
    """The report kept its form's key, and the form sent again with that key shows the
    receipt with the link: whoever read the database (a backup) could open every resident's
    private page from the public form. It keeps a keyed hash now, which posted as a key
    files a new report and shows that one's link, never the resident's."""
    data = form_data(description="Mörk gångtunnel vid skolan", contact_name="Anna Andersson")
    citizen.post("/rapportera/", data)
    _path, token = tracking_link(citizen)
    report = Report.objects.get()
    assert str(report.submission_key) != data["submission_key"]
    stolen = str(Report.objects.values_list("submission_key", flat=True).get())
    outsider = Client()
    response = outsider.post("/rapportera/", form_data(submission_key=stolen, description="x"))
    assert response.status_code == 302
    path, other = tracking_link(outsider)
    assert other != token
    assert "Anna Andersson" not in outsider.get(path).content.decode()
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_no_plaintext_token_lingers_in_the_session(citizen, municipality):
    citizen.post("/rapportera/", form_data())
    _path, token = tracking_link(citizen)
    # After the receipt has been shown, no session in the database holds the token.
    for session in Session.objects.all():
        assert token not in repr(session.get_decoded())
    # A reload shows the receipt without the link, and says where the link is.
    body = citizen.get("/rapportera/kvitto/").content.decode()
    assert Report.objects.get().reference in body
    assert "/rapport/" not in body
    assert "visas den bara en gång" in body


@pytest.mark.django_db
def test_another_form_key_gets_another_token(citizen, municipality):
    citizen.post("/rapportera/", form_data())
    _path, first = tracking_link(citizen)
    citizen.post("/rapportera/", form_data(description="Annan plats", confirm_new="1"))
    _path, second = tracking_link(citizen)
    assert first != second and Report.objects.count() == 2


# A report routed to another municipality (issue 14) ----------------------------------------

ANY_LINK = re.compile(r'class="tracking-link" href="([^"]+)">([^<]+)</a>')


def receipt_link(client, path: str = "/rapportera/kvitto/") -> tuple[str, str]:
    """The receipt's tracking link: its href and the address it shows."""
    return ANY_LINK.search(client.get(path).content.decode()).groups()


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://trygg.example.se"


@pytest.mark.django_db
def test_a_report_routed_to_arjeplog_links_to_arjeplogs_host(citizen, site, arjeplog):
    citizen.post("/rapportera/", form_data(lat=ARJEPLOG[0], lon=ARJEPLOG[1]))
    report = Report.objects.get()
    assert report.municipality == arjeplog
    href, shown = receipt_link(citizen)
    assert href == shown
    assert href.startswith("https://trygg.arjeplog.se/rapport/")
    token = href.rstrip("/").rsplit("/", 1)[1]
    assert report.tracking_token_hash == hash_token(token)
    assert citizen.get(f"/rapport/{token}/", HTTP_HOST="trygg.arjeplog.se").status_code == 200


@pytest.mark.django_db
def test_without_a_host_name_the_link_carries_arjeplogs_prefix(citizen, site, arjeplog):
    arjeplog.hosts = ""
    arjeplog.save()
    citizen.post("/rapportera/", form_data(lat=ARJEPLOG[0], lon=ARJEPLOG[1]))
    href, shown = receipt_link(citizen)
    assert href == shown
    assert href.startswith("https://trygg.example.se/arjeplog/rapport/")
    path = href.removeprefix("https://trygg.example.se")
    assert Report.objects.get().reference in citizen.get(path).content.decode()


@pytest.mark.django_db
def test_a_report_routed_from_arjeplogs_form_to_arvidsjaur_drops_the_prefix(
    citizen, site, arjeplog, municipality
):
    category = arjeplog.categories.get(slug="belysning")
    citizen.post("/arjeplog/rapportera/", form_data(category=category.pk))
    assert Report.objects.get().municipality == municipality
    href, shown = receipt_link(citizen, "/arjeplog/rapportera/kvitto/")
    assert shown.startswith("https://trygg.example.se/rapport/")
    assert href == shown
    assert citizen.get(href.removeprefix("https://trygg.example.se")).status_code == 200


@pytest.mark.django_db
def test_a_report_kept_where_it_was_filed_links_there(citizen, site, arjeplog):
    category = arjeplog.categories.get(slug="belysning")
    citizen.post(
        "/arjeplog/rapportera/",
        form_data(category=category.pk, lat=ARJEPLOG[0], lon=ARJEPLOG[1]),
    )
    href, shown = receipt_link(citizen, "/arjeplog/rapportera/kvitto/")
    assert href.startswith("/arjeplog/rapport/")
    assert shown == f"https://trygg.example.se{href}"

"""Protections every response or login relies on, named in docs/security.md: framing,
content sniffing, referrer, session fixation, and SQL passed as data."""

import pytest
from django.test import Client

from tryggve.reports.models import Report


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/karta/", "/personal/logga-in/"])
def test_pages_cannot_be_framed_or_sniffed(client, municipality, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_gives_a_new_session_key(django_user_model):
    """Session fixation: a key planted before login is worthless after it."""
    django_user_model.objects.create_user(username="hanna", password="a-long-test-password")
    client = Client()
    client.get("/personal/logga-in/")
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    client.post("/personal/logga-in/", {"username": "hanna", "password": "a-long-test-password"})
    assert client.cookies["sessionid"].value != planted


SQL = ["' OR 1=1 --", "1; DROP TABLE reports_report; --", '" UNION SELECT password FROM auth_user']


@pytest.mark.django_db
@pytest.mark.parametrize("value", SQL)
def test_sql_in_search_and_filters_is_only_data(case_handler, make_report, value):
    report = make_report(published=True, public_text="Lampa")
    assert report.reference in case_handler.get("/personal/arenden/").content.decode()
    inbox = case_handler.get("/personal/arenden/", {"q": value})
    assert inbox.status_code == 200
    assert report.reference not in inbox.content.decode()  # matched as text: nothing
    api = case_handler.get("/api/reports.geojson", {"category": value, "status": value})
    assert api.status_code in (200, 400)
    assert Report.objects.count() == 1

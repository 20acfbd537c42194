"""While the database is down, pages answer 503 with a page in the visitor's language and
Retry-After, the JSON API a JSON 503: never an HTML 500 (issue 8, item 10)."""

import json
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client


@contextmanager
def database_down(error=OperationalError):
    def refuse(self, *args, **kwargs):
        raise error("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with mock.patch.object(CursorWrapper, "_execute_with_wrappers", refuse):
        yield


PAGES = ["/", "/rapportera/", "/karta/", "/grannsamverkan/", "/lagesbild/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_pages_answer_503_in_swedish_with_retry_after(municipality, path, error, settings):
    client = Client(raise_request_exception=False)
    with database_down(error):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "Tjänsten är tillfälligt otillgänglig" in page
    assert '<html lang="sv">' in page


@pytest.mark.django_db
def test_the_page_is_in_english_when_english_is_chosen(municipality):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    with database_down():
        response = client.get("/karta/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "The service is temporarily unavailable" in page
    assert '<html lang="en">' in page


@pytest.mark.django_db
def test_the_api_answers_json(municipality):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/api/reports.geojson")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"] == "service_unavailable"
    assert response["Retry-After"]


@pytest.mark.django_db
def test_a_form_post_answers_503_too(municipality):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post("/rapportera/", {"description": "Trasig lampa"})
    assert response.status_code == 503


@pytest.mark.django_db
def test_staff_pages_with_a_session_answer_503(case_handler):
    """The session and user are read in middleware, before any view runs."""
    case_handler.raise_request_exception = False
    with database_down():
        response = case_handler.get("/personal/arenden/")
    assert response.status_code == 503
    assert "Tjänsten är tillfälligt otillgänglig" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_are_still_a_500(municipality):
    client = Client(raise_request_exception=False)
    with mock.patch("tryggve.reports.views.render", side_effect=RuntimeError("a bug")):
        response = client.get("/karta/")
    assert response.status_code == 500


def test_connections_are_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_a_database_gone_when_the_session_is_saved_answers_503_not_400(municipality, settings):
    """The session was read, then PostgreSQL went away before it was saved (every request
    saves it): Django's store calls that "session deleted" and answered 400."""
    from django.contrib.sessions.models import Session

    client = Client(raise_request_exception=False)
    session = client.session
    session["watch_signed_up"] = "centrum"
    session.save()
    gone = OperationalError("terminating connection due to administrator command")
    with mock.patch.object(Session, "save", side_effect=gone):
        response = client.get("/personuppgifter/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)


@pytest.mark.django_db
def test_a_session_deleted_meanwhile_is_still_refused(municipality):
    from django.contrib.sessions.models import Session
    from django.db import DatabaseError

    client = Client(raise_request_exception=False)
    session = client.session
    session["watch_signed_up"] = "centrum"
    session.save()
    deleted = DatabaseError("Forced update did not affect any rows.")
    with mock.patch.object(Session, "save", side_effect=deleted):
        response = client.get("/personuppgifter/")
    assert response.status_code == 400

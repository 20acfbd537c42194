"""Staff sessions end after 8 hours without a request, and when the browser closes
(issue 8, item 10)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

EIGHT_HOURS = timedelta(hours=8)


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client, django_user_model):
    django_user_model.objects.create_user(username="hanna", password="a-long-test-password")
    response = client.post(
        "/personal/logga-in/", {"username": "hanna", "password": "a-long-test-password"}
    )
    cookie = response.cookies["sessionid"]
    assert cookie.value
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie


@pytest.mark.django_db
def test_every_request_moves_the_eight_hours_on(case_handler):
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert case_handler.get("/personal/arenden/").status_code == 200
    left = Session.objects.get().expire_date - timezone.now()
    assert EIGHT_HOURS - timedelta(minutes=1) < left <= EIGHT_HOURS


@pytest.mark.django_db
def test_after_eight_idle_hours_the_staff_member_logs_in_again(case_handler):
    assert case_handler.get("/personal/arenden/").status_code == 200
    # The last request was 8 hours and a minute ago.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = case_handler.get("/personal/arenden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/personal/logga-in/")

"""Login edge cases that once gave HTTP 500 or weakened enrolment (issue 8, items 9 and 11)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

PASSWORD = "a-long-test-password"


@pytest.fixture
def handler(django_user_model):
    user = django_user_model.objects.create_user(username="hanna", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="case_handler")[0])
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["abc", "reports:start", "//evil.example/", "javascript:alert(1)", "\\\\evil"]
)
def test_next_that_is_not_a_path_goes_to_the_staff_start(client, handler, settings, target):
    settings.STAFF_REQUIRE_OTP = False
    settings.DEMO = True
    response = client.post(
        f"/personal/logga-in/?next={target}",
        {"username": "hanna", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/personal/"


@pytest.mark.django_db
def test_next_path_with_query_is_kept(client, handler, settings):
    settings.STAFF_REQUIRE_OTP = False
    settings.DEMO = True
    response = client.post(
        "/personal/logga-in/",
        {"username": "hanna", "password": PASSWORD, "next": "/personal/arenden/?status=new"},
    )
    assert response["Location"] == "/personal/arenden/?status=new"


@pytest.mark.django_db
def test_next_on_the_login_page_is_not_echoed_when_bad(client):
    page = client.get("/personal/logga-in/?next=abc")
    assert page.status_code == 200
    assert 'value="abc"' not in page.content.decode()


@pytest.mark.django_db
def test_overlong_username_is_a_form_error(client):
    response = client.post("/personal/logga-in/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert "högst 150 tecken" in response.content.decode()


def _secret(page) -> str:
    found = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page.content.decode())
    assert found, "the enrolment page shows the secret"
    return found.group(1)


@pytest.mark.django_db
def test_enrolment_secret_is_the_same_on_every_login_until_confirmed(handler):
    secrets = []
    for _ in range(3):
        client = Client()
        response = client.post("/personal/logga-in/", {"username": "hanna", "password": PASSWORD})
        page = client.get(response["Location"])
        secrets.append(_secret(page))
    assert secrets[0] == secrets[1] == secrets[2]

"""API keys: the staff page (administrators only), revoking, and the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tryggve.lib.tokens import hash_token
from tryggve.open311.models import ApiKey
from tryggve.open311.services import api_key_find

pytestmark = pytest.mark.django_db


def test_the_command_prints_the_key_once_as_the_last_word():
    out = StringIO()
    call_command("open311_key", "create", "Polisens app", "--per-hour", "5", stdout=out)
    key = out.getvalue().split()[-1]
    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_token(key) and key not in str(stored.__dict__)
    assert stored.requests_per_hour == 5 and api_key_find(key=key, municipality=None) == stored
    listing = StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert "Polisens app" in listing.getvalue() and key not in listing.getvalue()
    call_command("open311_key", "revoke", str(stored.pk), stdout=StringIO())
    assert api_key_find(key=key, municipality=None) is None


def test_staff_page_is_for_administrators_only(client, case_handler, police_officer, administrator):
    url = reverse("open311:staff_keys")
    assert client.get(url).status_code == 302
    assert case_handler.get(url).status_code == 403
    assert police_officer.post(url, {"name": "X", "requests_per_hour": 5}).status_code == 403
    assert not ApiKey.objects.exists()
    assert administrator.get(url).status_code == 200


def test_an_administrator_creates_sees_once_and_revokes_a_key(administrator):
    url = reverse("open311:staff_keys")
    response = administrator.post(
        url, {"name": "Nationella appen", "requests_per_hour": "30"}, follow=True
    )
    key = response.context["new_key"]["key"]
    assert key in response.content.decode()
    assert api_key_find(key=key, municipality=None).name == "Nationella appen"
    again = administrator.get(url).content.decode()
    assert key not in again and key[:6] in again
    stored = ApiKey.objects.get()
    administrator.post(reverse("open311:staff_key_revoke", args=[stored.pk]))
    assert api_key_find(key=key, municipality=None) is None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "requests_per_hour": "5"},
        {"name": "   ", "requests_per_hour": "5"},
        {"name": "X", "requests_per_hour": "0"},
        {"name": "X", "requests_per_hour": "tio"},
        {"name": "X" * 101, "requests_per_hour": "5"},
    ],
)
def test_bad_input_shows_a_message_and_saves_nothing(administrator, data):
    response = administrator.post(reverse("open311:staff_keys"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiKey.objects.exists()

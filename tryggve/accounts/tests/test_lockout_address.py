"""django-axes locks by username and the client's address, taken the same way as the public
forms' guard (TRUSTED_PROXY_COUNT): one visitor cannot lock staff out (issue 8, item 4)."""

import pytest
from django.test import Client

from tryggve.accounts.tests.test_login_view import PASSWORD, handler  # noqa: F401

LOGIN = "/personal/logga-in/"


@pytest.mark.django_db
def test_behind_the_proxy_an_attacker_locks_only_itself(settings, handler):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # nginx on the same machine
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.66", **proxy)
    for _ in range(5):
        attacker.post(LOGIN, {"username": "hanna", "password": "fel"})
    assert attacker.post(LOGIN, {"username": "hanna", "password": PASSWORD}).status_code == 429
    staff = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    response = staff.post(LOGIN, {"username": "hanna", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_the_header_cannot_claim_the_staff_address(settings, handler):  # noqa: F811
    """Also true before the guard (axes read REMOTE_ADDR); kept so that nobody points axes
    at a header again."""
    settings.TRUSTED_PROXY_COUNT = 0
    attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="203.0.113.66")
    for _ in range(5):
        attacker.post(LOGIN, {"username": "hanna", "password": "fel"})
    staff = Client(REMOTE_ADDR="198.51.100.7")
    assert staff.post(LOGIN, {"username": "hanna", "password": PASSWORD}).status_code == 302

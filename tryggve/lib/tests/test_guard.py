"""The guard's parts: the client's address, limits per address, the outbox's rules for text
a stranger typed and for SMS numbers (tryggve/lib/guard.py, mail.py, sms.py)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tryggve.lib import sms
from tryggve.lib.guard import _address_key, client_ip, stamp_age
from tryggve.lib.mail import mail_deliver, sms_queue
from tryggve.lib.models import OutgoingMail
from tryggve.lib.sms import NotSwedishMobile, swedish_mobile
from tryggve.lib.tests.guard_helpers import set_limit, shown_seconds_ago


def request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "203.0.113.5"),  # no proxy: the header is the client's own words
        (0, None, "203.0.113.5"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the proxy appended the real one
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (1, "not-an-address", "203.0.113.5"),
        (2, "198.51.100.7", "203.0.113.5"),  # fewer entries than proxies: not through them
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(forwarded=forwarded)) == expected


def test_axes_uses_the_same_address():
    from axes.helpers import get_client_ip_address

    assert get_client_ip_address(request(forwarded="6.6.6.6")) == "203.0.113.5"


def test_an_ipv6_household_is_one_bucket_and_no_address_is_kept():
    assert _address_key("2001:db8:1:2::1") == _address_key("2001:db8:1:2:ffff::9")
    assert _address_key("2001:db8:1:3::1") != _address_key("2001:db8:1:2::1")
    assert "203.0.113.5" not in _address_key("203.0.113.5")


def test_form_stamps_are_signed():
    assert stamp_age(shown_seconds_ago(60)) >= 59
    assert stamp_age("1795856815:forged:sig") is None
    assert stamp_age("") is None


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("070-123 45 67", "+46701234567"),
        ("0701234567", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 73-123 45 67", "+46731234567"),
        ("(076) 123 45 67", "+46761234567"),
        ("08-123 45 67", None),  # a landline
        ("0900-123 45 67", None),  # premium rate
        ("+1 555 123 4567", None),
        ("+44 7700 900123", None),
        ("070-123 45 6", None),
        ("", None),
    ],
)
def test_swedish_mobile(typed, normalised):
    assert swedish_mobile(typed) == normalised


@pytest.mark.django_db
def test_the_outbox_refuses_sms_to_other_numbers():
    with pytest.raises(NotSwedishMobile):
        sms_queue(to="+1 555 123 4567", body="Hej")
    assert not OutgoingMail.objects.exists()
    assert sms_queue(to="070-123 45 67", body="Hej").to == "+46701234567"


@pytest.mark.django_db
def test_a_stored_sms_to_another_number_is_never_sent():
    row = OutgoingMail.objects.create(channel=OutgoingMail.Channel.SMS, to="+15551234567", body="x")
    assert mail_deliver(mail_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.FAILED
    assert not sms.outbox


@pytest.mark.django_db
@pytest.mark.urls("tryggve.lib.tests.guard_urls")
def test_nothing_a_stranger_typed_leaves_in_a_mail_or_sms(client):
    """Whatever a future view puts in a message, the outbox removes the sender's words."""
    client.post("/echo/", {"name": "Anna Andersson", "words": "Ring 0900-123 vinn pris!"})
    mail = OutgoingMail.objects.get(channel=OutgoingMail.Channel.EMAIL)
    text = OutgoingMail.objects.get(channel=OutgoingMail.Channel.SMS)
    for message in (mail, text):
        content = message.subject + message.body
        assert "Anna" not in content and "vinn pris" not in content
        assert "https://trygg.example/bekrafta/AbC123/" in content  # our link stays whole
    assert mail.body.startswith("Hej [")


@pytest.mark.django_db
@pytest.mark.urls("tryggve.lib.tests.guard_urls")
def test_the_limit_counts_in_the_cache_per_address(client):
    set_limit("report", 1)
    assert client.post("/echo/", REMOTE_ADDR="198.51.100.1").status_code == 200
    assert client.post("/echo/", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.post("/echo/", REMOTE_ADDR="198.51.100.2").status_code == 200

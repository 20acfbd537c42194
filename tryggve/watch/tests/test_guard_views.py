"""Every anonymous POST of neighbourhood watch goes through the guard (issue 8, item 4):
sign-up (with volunteering), confirm and leave are limited per address, bots save nothing,
and SMS go only to Swedish mobile numbers, never with the sender's name."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tryggve.lib import sms
from tryggve.lib.guard import HONEYPOT_FIELD, STARTED_FIELD, new_stamp
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tests.guard_helpers import (
    assert_limited,
    assert_refused_as_bot,
    human,
    set_limit,
)
from tryggve.watch.models import Household
from tryggve.watch.tests.test_public_views import VALID, area_url, field_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_sixth_sign_up_in_an_hour_gets_429_and_keeps_the_form(client, area, language):
    if language == "en":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for n in range(5):  # the default: five an hour from one address
        response = client.post(area_url(area), {**VALID, "number": str(n + 1)})
        assert response.status_code == 302
    response = client.post(
        area_url(area), {**VALID, "number": "77 C", "name": "Sjätte Hushållet", "volunteer": "on"}
    )
    assert_limited(response, "77 C", "Sjätte Hushållet", english=language == "en")
    assert response.context["form"]["volunteer"].value()  # the box is still ticked
    assert Household.objects.count() == 5
    assert OutgoingMail.objects.count() == 5


def test_confirm_past_the_limit(client, area, sign_up):
    set_limit("watch_confirm", 1)
    first, second = sign_up(area), sign_up(area)
    assert client.post(f"/grannsamverkan/bekrafta/{first.confirm_token}/").status_code == 200
    response = client.post(f"/grannsamverkan/bekrafta/{second.confirm_token}/")
    assert_limited(response)
    # The page offers the same button again; nothing was confirmed.
    assert 'action="/grannsamverkan/bekrafta/' in response.content.decode()
    second.refresh_from_db()
    assert second.confirmed is None


def test_leave_past_the_limit(client, area, join):
    set_limit("watch_leave", 1)
    first, second = join(area), join(area)
    assert client.post(f"/grannsamverkan/mitt-hushall/{first.manage_token}/lamna/").status_code
    response = client.post(f"/grannsamverkan/mitt-hushall/{second.manage_token}/lamna/")
    assert_limited(response)
    assert Household.objects.filter(pk=second.pk).exists()


# Bots --------------------------------------------------------------------------------------


@pytest.fixture
def endpoints(area, sign_up, join):
    pending, member = sign_up(area), join(area)
    return {
        "sign_up": (area_url(area), {**VALID, "number": "40", "volunteer": "on"}),
        "confirm": (f"/grannsamverkan/bekrafta/{pending.confirm_token}/", {}),
        "leave": (f"/grannsamverkan/mitt-hushall/{member.manage_token}/lamna/", {}),
    }


def _snapshot():
    return (
        list(Household.objects.order_by("pk").values_list("pk", "confirmed")),
        OutgoingMail.objects.count(),
    )


@pytest.mark.parametrize("name", ["sign_up", "confirm", "leave"])
@pytest.mark.parametrize("trap", ["honeypot", "too-fast", "no-stamp"])
def test_bots_are_refused_and_nothing_is_saved(guard_on, endpoints, name, trap):
    url, data = endpoints[name]
    before = _snapshot()
    posted = human(**data)
    if trap == "honeypot":
        posted[HONEYPOT_FIELD] = "https://spam.example"
    elif trap == "too-fast":
        posted[STARTED_FIELD] = new_stamp()
    else:
        del posted[STARTED_FIELD]
    assert_refused_as_bot(Client().post(url, posted))
    assert _snapshot() == before
    # A person's browser, with the checks just as on, gets through.
    assert Client().post(url, human(**data)).status_code in (200, 302)
    assert _snapshot() != before


# Text messages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["+1 555 123 4567", "08-123 45 67", "0900-123 45 67", "+44 7700 900123"]
)
def test_sign_up_refuses_numbers_that_are_not_swedish_mobiles(client, area, phone):
    response = client.post(area_url(area), {**VALID, "email": "", "phone": phone})
    assert "svenskt mobilnummer" in field_error(response, "phone")
    assert phone in response.content.decode()  # what was typed stays
    assert not Household.objects.exists()
    assert not OutgoingMail.objects.exists() and not sms.outbox


def test_the_confirmation_sms_goes_to_the_mobile_without_the_name(client, area):
    response = client.post(
        area_url(area),
        {**VALID, "email": "", "phone": "070-123 45 67", "name": "Klicka på evil.example"},
    )
    assert response.status_code == 302
    assert Household.objects.get().phone == "+46701234567"
    message = OutgoingMail.objects.get(channel=OutgoingMail.Channel.SMS)
    assert message.to == "+46701234567"
    assert "/grannsamverkan/bekrafta/" in message.body
    assert "Klicka" not in message.body and "evil.example" not in message.body


def test_the_confirmation_mail_carries_nothing_the_sender_wrote(client, area):
    client.post(area_url(area), {**VALID, "name": "Vinn en iPhone på prize.example"})
    mail = OutgoingMail.objects.get()
    assert "iPhone" not in mail.body + mail.subject
    assert "prize.example" not in mail.body + mail.subject

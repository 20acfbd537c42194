"""A confirmation link is good for a week, as the mail says."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.watch.models import Household
from tryggve.watch.tests.conftest import token_from_outbox


@pytest.mark.django_db
def test_an_old_confirmation_link_is_refused_with_a_message(client, area, sign_up):
    household = sign_up(area)
    token = token_from_outbox(household.email)
    Household.objects.filter(pk=household.pk).update(created=timezone.now() - timedelta(days=8))
    response = client.post(f"/grannsamverkan/bekrafta/{token}/")
    assert response.status_code == 410
    assert "Länken har gått ut" in response.content.decode()
    household.refresh_from_db()
    assert household.confirmed is None


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_shows_no_address(client, area, sign_up, method):
    """Issue 8 item 11: whoever holds an old link learns nothing from it."""
    household = sign_up(area, number="17", name="Gammal Länk")
    Household.objects.filter(pk=household.pk).update(created=timezone.now() - timedelta(days=8))
    response = getattr(client, method)(f"/grannsamverkan/bekrafta/{household.confirm_token}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "Länken har gått ut" in html
    for secret in ("Storgatan", "17", area.name, "Gammal"):
        assert secret not in html.split("<main", 1)[-1].split("</main>")[0]
    assert "Ja, vi vill vara med" not in html

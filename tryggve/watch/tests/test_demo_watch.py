"""The demo's started watch area does not fill the outbox with mail to invented households."""

from io import StringIO

import pytest
from django.core.management import call_command

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import WatchArea, WatchState

pytestmark = pytest.mark.django_db


def test_the_demo_starts_an_area_without_mailing_every_invented_household():
    call_command("load_demo", stdout=StringIO())
    started = WatchArea.objects.filter(state=WatchState.ACTIVE)
    assert started.exists()
    for area in started:
        assert area.households_set.confirmed().count() > 100
        invented = OutgoingMail.objects.filter(to__endswith=f".{area.slug}@example.se")
        assert not invented.exists()
    # The make run console shows a handful of mails, not one per household.
    assert OutgoingMail.objects.count() < 20

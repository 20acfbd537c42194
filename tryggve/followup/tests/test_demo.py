"""The demo's follow-up: Arvidsjaur's promise with its four commitments, a year of
activities and progress, indicator values and two dialogues; once, and labelled as demo."""

import datetime

import pytest

from tryggve.followup.demo import load_demo_followup
from tryggve.followup.models import (
    Activity,
    ActivityStatus,
    ActivityUpdate,
    Dialogue,
    ManualIndicatorEntry,
    Promise,
)

pytestmark = pytest.mark.django_db


def test_the_demo_is_seeded_once_and_labelled(municipality, citizen, today):
    load_demo_followup(municipality=municipality, today=today)
    current = Promise.objects.current(today)
    assert [c.title for c in current.commitments.all()] == [
        "Polisens ökade synlighet och närvaro",
        "Grannsamverkan",
        "Trygga fysiska platser",
        "Uppföljning",
    ]
    assert "minst 70 % av de boende" in current.text
    assert Promise.objects.filter(is_demo=True).count() == 2
    assert Activity.objects.filter(commitment__promise=current).count() == 10
    assert ActivityUpdate.objects.published().exists()
    assert Dialogue.objects.filter(is_demo=True).count() == 2
    # Nothing dated after today.
    assert not ActivityUpdate.objects.filter(date__gt=today).exists()
    assert not ManualIndicatorEntry.objects.filter(date__gt=today).exists()
    assert "Demodata:" in citizen.get("/medborgarloften/").content.decode()
    assert load_demo_followup(municipality=municipality, today=today) == (
        "follow-up already loaded"
    )
    assert Promise.objects.count() == 2


def test_early_in_the_year_nothing_is_done_yet(municipality):
    today = datetime.date(2026, 1, 15)
    load_demo_followup(municipality=municipality, today=today)
    statuses = set(Activity.objects.values_list("status", flat=True))
    assert statuses <= {ActivityStatus.PLANNED, ActivityStatus.ONGOING}
    assert not ActivityUpdate.objects.exists()


def test_late_in_the_year_the_stopped_activities_say_why(municipality):
    load_demo_followup(municipality=municipality, today=datetime.date(2026, 12, 15))
    stopped = Activity.objects.filter(
        status__in=[ActivityStatus.POSTPONED, ActivityStatus.CANCELLED]
    )
    assert stopped.count() == 2
    assert all(activity.status_reason for activity in stopped)
    assert Activity.objects.filter(status=ActivityStatus.DONE).count() == 3

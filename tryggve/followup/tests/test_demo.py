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


def test_load_demo_links_the_progress_to_what_the_demo_holds(db):
    """Through the whole demo: the evidence points at the demo's watch area, survey,
    lighting reports and police presence, and a second run adds nothing."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from tryggve.followup.demo import ACTIVITIES
    from tryggve.followup.models import EvidenceLink

    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    # The kinds whose activity has progress by today (the demo leaves out later dates).
    expected = {
        evidence
        for *_, updates, evidence in ACTIVITIES
        if evidence and any(datetime.date(today.year, m, d) <= today for m, d, *_ in updates)
    }
    assert set(EvidenceLink.objects.values_list("kind", flat=True)) == expected
    assert all(link.label for link in EvidenceLink.objects.all())
    links = EvidenceLink.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert EvidenceLink.objects.count() == links
    assert Promise.objects.count() == 2


def test_demo_activities_carry_themes_for_you_said_we_did(municipality, today):
    from tryggve.followup.demo import ACTIVITY_THEMES

    load_demo_followup(municipality=municipality, today=today)
    current = Promise.objects.current(today)
    themed = dict(
        Activity.objects.filter(commitment__promise=current)
        .exclude(theme="")
        .values_list("title", "theme")
    )
    assert themed == ACTIVITY_THEMES

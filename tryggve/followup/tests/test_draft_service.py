"""`promise_draft_next`: next year's unpublished promise with the same commitments and the
unfinished activities carried over, each with a history row; once per promise; scoped."""

import datetime

import pytest

from tryggve.followup.models import Activity, ActivityEvent, ActivityStatus, Party, Promise
from tryggve.followup.services import (
    FollowupRefused,
    activity_set_status,
    promise_draft_next,
)

pytestmark = pytest.mark.django_db
ADMIN = {"administrator"}


def _with_status(make_activity, status: str, **kwargs) -> Activity:
    activity = make_activity(title=f"Aktivitet {status}", **kwargs)
    if status != ActivityStatus.PLANNED:
        activity_set_status(
            activity=activity, status=status, actor=None, roles=ADMIN, reason="Skäl"
        )
    return activity


def test_carries_over_only_unfinished_activities(promise, make_activity):
    for status in ActivityStatus.values:
        _with_status(
            make_activity,
            status,
            theme="belysning",
            planned_start=datetime.date(promise.period_start.year, 3, 1),
        )
    draft = promise_draft_next(promise=promise, actor=None, roles=ADMIN)
    assert draft.published is False
    assert draft.period_start == datetime.date(promise.period_start.year + 1, 1, 1)
    assert draft.drafted_from == promise
    assert [c.title for c in draft.commitments.all()] == [
        c.title for c in promise.commitments.all()
    ]
    carried = Activity.objects.filter(commitment__promise=draft)
    assert sorted(a.title for a in carried) == [
        "Aktivitet ongoing",
        "Aktivitet planned",
        "Aktivitet postponed",
    ]
    for activity in carried:
        assert activity.status == ActivityStatus.PLANNED
        assert activity.theme == "belysning"
        assert activity.planned_start == datetime.date(promise.period_start.year + 1, 3, 1)
        event = activity.events.get()
        assert event.kind == ActivityEvent.Kind.CREATED
        assert event.text == f"Överförd från {promise.period_start.year}"
    # The source promise is untouched.
    assert Activity.objects.filter(commitment__promise=promise).count() == 5


def test_drafting_twice_gives_one_draft(promise, make_activity):
    make_activity(Party.POLICE)
    first = promise_draft_next(promise=promise, actor=None, roles=ADMIN)
    second = promise_draft_next(promise=promise, actor=None, roles={"police_officer"})
    assert first == second
    assert Promise.objects.filter(drafted_from=promise).count() == 1
    assert Activity.objects.filter(commitment__promise=first).count() == 1


def test_council_reader_may_not_draft(promise):
    with pytest.raises(FollowupRefused):
        promise_draft_next(promise=promise, actor=None, roles={"council_reader"})
    assert not Promise.objects.filter(drafted_from=promise).exists()


def test_draft_stays_in_the_promises_municipality(promise, other_promise, make_activity):
    make_activity()
    draft = promise_draft_next(promise=other_promise, actor=None, roles=ADMIN)
    assert draft.municipality == other_promise.municipality
    assert not Activity.objects.filter(commitment__promise=draft).exists()

"""The follow-up's services: history rows, who may change what, saving once."""

import datetime
import uuid

import pytest

from tryggve.followup.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    ActivityUpdate,
    Dialogue,
    ManualIndicatorEntry,
    Party,
)
from tryggve.followup.services import (
    FollowupRefused,
    activity_create,
    activity_edit,
    activity_set_status,
    activity_update_create,
    activity_update_publish,
    dialogue_create,
    manual_indicator_create,
    manual_indicator_entry_add,
)

pytestmark = pytest.mark.django_db
POLICE, HANDLER, ADMIN, READER = (
    {"police_officer"},
    {"case_handler"},
    {"administrator"},
    {"council_reader"},
)


def test_create_writes_the_first_history_row(promise):
    activity = activity_create(
        commitment=promise.commitments.first(),
        title="Patrull",
        actor=None,
        responsible_party=Party.POLICE,
        roles=POLICE,
    )
    events = list(activity.events.values_list("kind", "to_status"))
    assert events == [(ActivityEvent.Kind.CREATED, ActivityStatus.PLANNED)]


@pytest.mark.parametrize(
    ("roles", "party", "allowed"),
    [
        (POLICE, Party.POLICE, True),
        (POLICE, Party.BOTH, True),
        (POLICE, Party.MUNICIPALITY, False),
        (HANDLER, Party.MUNICIPALITY, True),
        (HANDLER, Party.BOTH, True),
        (HANDLER, Party.POLICE, False),
        (ADMIN, Party.POLICE, True),
        (ADMIN, Party.MUNICIPALITY, True),
        (READER, Party.BOTH, False),
    ],
)
def test_who_may_change_an_activity_follows_its_party(make_activity, roles, party, allowed):
    activity = make_activity(party)
    change = lambda: activity_set_status(  # noqa: E731
        activity=activity, status=ActivityStatus.ONGOING, actor=None, roles=roles
    )
    if allowed:
        change()
        assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.ONGOING
    else:
        with pytest.raises(FollowupRefused):
            change()
        assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PLANNED
        with pytest.raises(FollowupRefused):
            activity_update_create(
                activity=activity,
                date=datetime.date(2026, 3, 1),
                text="x",
                actor=None,
                roles=roles,
            )
        assert not activity.updates.exists()


def test_nobody_creates_an_activity_for_a_party_they_may_not_edit(promise):
    with pytest.raises(FollowupRefused):
        activity_create(
            commitment=promise.commitments.first(),
            title="Lampor",
            actor=None,
            responsible_party=Party.MUNICIPALITY,
            roles=POLICE,
        )
    assert not Activity.objects.exists()


def test_police_cannot_hand_their_activity_to_the_municipality(make_activity):
    activity = make_activity(Party.POLICE)
    with pytest.raises(FollowupRefused):
        activity_edit(
            activity=activity, actor=None, roles=POLICE, responsible_party=Party.MUNICIPALITY
        )
    assert Activity.objects.get(pk=activity.pk).responsible_party == Party.POLICE


def test_edit_names_the_changed_fields_and_nothing_changed_writes_nothing(activity):
    activity_edit(activity=activity, actor=None, roles=ADMIN, title=activity.title)
    assert not activity.events.filter(kind=ActivityEvent.Kind.EDITED).exists()
    activity_edit(activity=activity, actor=None, roles=ADMIN, responsible_name="Per Polis")
    event = activity.events.get(kind=ActivityEvent.Kind.EDITED)
    assert "ansvarig person" in event.text


@pytest.mark.parametrize("status", [ActivityStatus.POSTPONED, ActivityStatus.CANCELLED])
def test_postponed_or_cancelled_needs_a_reason(activity, status):
    with pytest.raises(FollowupRefused):
        activity_set_status(activity=activity, status=status, reason="  ", actor=None, roles=ADMIN)
    activity_set_status(
        activity=activity, status=status, reason="Snöstorm", actor=None, roles=ADMIN
    )
    activity.refresh_from_db()
    assert (activity.status, activity.status_reason) == (status, "Snöstorm")
    event = activity.events.get(kind=ActivityEvent.Kind.STATUS)
    assert (event.from_status, event.to_status, event.text) == ("planned", status, "Snöstorm")


def test_the_reason_goes_when_the_activity_resumes(activity):
    activity_set_status(
        activity=activity, status="postponed", reason="Snö", actor=None, roles=ADMIN
    )
    activity_set_status(activity=activity, status="ongoing", actor=None, roles=ADMIN)
    activity.refresh_from_db()
    assert activity.status_reason == ""
    assert activity.events.filter(kind=ActivityEvent.Kind.STATUS).count() == 2


def test_an_update_is_internal_until_published_and_each_step_is_history(activity):
    update = activity_update_create(
        activity=activity,
        date=datetime.date(2026, 3, 1),
        text="Tre områden erbjudna.",
        percent=30,
        actor=None,
        roles=ADMIN,
    )
    assert not update.public
    assert not ActivityUpdate.objects.published().exists()
    activity_update_publish(update=update, public=True, actor=None, roles=ADMIN)
    activity_update_publish(update=update, public=True, actor=None, roles=ADMIN)
    assert list(ActivityUpdate.objects.published()) == [update]
    kinds = list(activity.events.values_list("kind", flat=True))
    assert kinds == ["created", "update", "published"]
    activity_update_publish(update=update, public=False, actor=None, roles=ADMIN)
    assert not ActivityUpdate.objects.published().exists()


def test_percent_outside_0_to_100_is_refused(activity):
    with pytest.raises(FollowupRefused):
        activity_update_create(
            activity=activity,
            date=datetime.date(2026, 3, 1),
            text="x",
            percent=101,
            actor=None,
            roles=ADMIN,
        )


def test_the_same_form_twice_saves_once(activity, municipality):
    key = uuid.uuid4()
    for _ in range(2):
        activity_update_create(
            activity=activity,
            date=datetime.date(2026, 3, 1),
            text="x",
            actor=None,
            roles=ADMIN,
            submission_key=key,
        )
    assert activity.updates.count() == 1
    assert activity.events.filter(kind="update").count() == 1
    indicator = manual_indicator_create(
        municipality=municipality, name="Lampor", definition="Lagade lampor"
    )
    for _ in range(2):
        manual_indicator_entry_add(
            indicator=indicator,
            date=datetime.date(2026, 3, 1),
            value=3,
            source="Arbetsorder",
            actor=None,
            submission_key=key,
        )
    assert ManualIndicatorEntry.objects.count() == 1
    for _ in range(2):
        dialogue_create(
            municipality=municipality,
            kind="staff",
            date=datetime.date(2026, 3, 1),
            title="Dialog",
            participant_count=5,
            participant_groups="polisen",
            concerns="Inbrott",
            actor=None,
            submission_key=key,
        )
    assert Dialogue.objects.count() == 1


def test_a_second_indicator_of_the_same_name_is_refused(municipality):
    manual_indicator_create(municipality=municipality, name="Lampor", definition="x")
    with pytest.raises(FollowupRefused):
        manual_indicator_create(municipality=municipality, name="Lampor", definition="y")


def test_an_indicator_cannot_point_at_another_municipalitys_commitment(municipality, other_promise):
    with pytest.raises(FollowupRefused):
        manual_indicator_create(
            municipality=municipality,
            name="Lampor",
            definition="x",
            commitment=other_promise.commitments.first(),
        )

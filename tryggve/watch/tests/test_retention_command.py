"""watch_retention_apply and the apply_watch_retention command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tryggve.watch.models import AreaEvent, Household, WatchArea, WatchState
from tryggve.watch.services import watch_area_change_state, watch_retention_apply


def test_unconfirmed_sign_ups_go_after_a_week(area, sign_up, join):
    old = sign_up(area)
    fresh = sign_up(area)
    kept = join(area)
    Household.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created=timezone.now() - timedelta(days=8)
    )
    result = watch_retention_apply()
    assert result == {"unconfirmed": 1, "never_started": 0, "ended": 0}
    assert set(Household.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}


def test_sign_ups_in_areas_that_never_started_go_after_the_retention_time(
    settings, make_area, join, active_area
):
    settings.WATCH_SIGNUP_RETENTION_MONTHS = 18
    stale = make_area(name="Aldrig")
    join(stale)
    join(stale)
    young = make_area(name="Ung")
    join(young)
    long_ago = timezone.now() - timedelta(days=19 * 31)
    WatchArea.objects.filter(pk__in=[stale.pk, active_area.pk]).update(offered=long_ago)
    before = Household.objects.filter(area=active_area).count()

    assert watch_retention_apply(dry_run=True)["never_started"] == 2
    assert Household.objects.filter(area=stale).count() == 2

    assert watch_retention_apply()["never_started"] == 2
    assert not Household.objects.filter(area=stale).exists()
    assert Household.objects.filter(area=young).count() == 1
    assert Household.objects.filter(area=active_area).count() == before  # it started
    assert WatchArea.objects.filter(pk=stale.pk).exists()  # the area itself stays
    assert watch_retention_apply() == {
        "unconfirmed": 0, "never_started": 0, "ended": 0
    }  # safe to repeat


def test_households_of_an_area_that_ended_go_after_the_retention_time(
    settings, active_area, staff_user
):
    """An ended group keeps no households' names, addresses and contact details for ever:
    they go WATCH_ENDED_RETENTION_MONTHS after the end; the area and its history stay."""
    settings.WATCH_ENDED_RETENTION_MONTHS = 3
    assert Household.objects.filter(area=active_area).exists()
    watch_area_change_state(area=active_area, to_state=WatchState.ENDED, actor=staff_user)
    assert watch_retention_apply()["ended"] == 0  # just ended: kept for now
    now = timezone.now() + timedelta(days=2 * 31)
    assert watch_retention_apply(now=now)["ended"] == 0
    now = timezone.now() + timedelta(days=4 * 31)
    n = Household.objects.filter(area=active_area).count()
    assert watch_retention_apply(now=now, dry_run=True)["ended"] == n
    assert watch_retention_apply(now=now)["ended"] == n
    assert not Household.objects.filter(area=active_area).exists()
    assert WatchArea.objects.filter(pk=active_area.pk).exists()
    assert AreaEvent.objects.filter(area=active_area, to_value=WatchState.ENDED).exists()


def test_an_active_or_paused_area_keeps_its_households(active_area, staff_user):
    n = Household.objects.filter(area=active_area).count()
    later = timezone.now() + timedelta(days=5 * 365)
    assert watch_retention_apply(now=later)["ended"] == 0
    watch_area_change_state(area=active_area, to_state=WatchState.PAUSED, actor=staff_user)
    assert watch_retention_apply(now=later)["ended"] == 0
    assert Household.objects.filter(area=active_area).count() == n


def test_command_reports_and_dry_run_deletes_nothing(area, sign_up):
    household = sign_up(area)
    Household.objects.filter(pk=household.pk).update(created=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("apply_watch_retention", "--dry-run", stdout=out)
    assert "would delete: 1 unconfirmed" in out.getvalue()
    assert Household.objects.exists()
    out = StringIO()
    call_command("apply_watch_retention", stdout=out)
    assert "deleted: 1 unconfirmed" in out.getvalue()
    assert "18 months" in out.getvalue()
    assert not Household.objects.exists()

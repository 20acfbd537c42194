"""The follow-up's constraints and scoping: what the database itself refuses, and that
every queryset keeps to one municipality."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tryggve.followup.models import (
    Activity,
    ActivityEvent,
    ActivityUpdate,
    Commitment,
    Dialogue,
    EvidenceLink,
    ManualIndicator,
    ManualIndicatorEntry,
    Promise,
    Signatory,
    status_legend,
)

pytestmark = pytest.mark.django_db


def test_a_promise_period_must_not_end_before_it_starts(municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        Promise.objects.create(
            municipality=municipality,
            police_area="LPO",
            title="X",
            text="x",
            period_start=datetime.date(2026, 12, 31),
            period_end=datetime.date(2026, 1, 1),
        )


def test_commitment_positions_are_unique_within_a_promise(promise):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(promise=promise, position=1, title="Dubbel")


def test_a_stopped_activity_must_have_a_reason(activity):
    for status in ("postponed", "cancelled"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Activity.objects.filter(pk=activity.pk).update(status=status, status_reason="")
    Activity.objects.filter(pk=activity.pk).update(status="done", status_reason="")


def test_an_activity_period_must_be_ordered(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(
            planned_start=datetime.date(2026, 5, 1), planned_end=datetime.date(2026, 4, 1)
        )


def test_percent_and_indicator_values_are_in_range(activity, municipality):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityUpdate.objects.create(
            activity=activity, date=datetime.date(2026, 3, 1), text="x", percent=101
        )
    indicator = ManualIndicator.objects.create(
        municipality=municipality, name="Lampor", definition="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ManualIndicatorEntry.objects.create(
            indicator=indicator, date=datetime.date(2026, 3, 1), value=-1, source="x"
        )


def test_every_queryset_keeps_to_its_municipality(activity, other_activity, municipality):
    for model in (Promise, Commitment, Activity, Signatory, ActivityEvent):
        mine = model.objects.for_municipality(municipality)
        assert mine.exists(), model
        assert mine.count() < model.objects.count(), model
    for model in (ActivityUpdate, EvidenceLink, ManualIndicator, ManualIndicatorEntry, Dialogue):
        assert not model.objects.for_municipality(municipality).exists()


def test_the_current_promise_covers_today(promise, today):
    assert Promise.objects.for_municipality(promise.municipality).current(today) == promise
    assert Promise.objects.current(datetime.date(today.year + 5, 1, 1)) is None


def test_each_status_has_a_colour_and_the_stylesheet_draws_it():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "followup.css").read_text()
    for item in status_legend():
        assert f".activity-status-{item['status']} {{ border-left-color: {item['colour']};" in css

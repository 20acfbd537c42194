"""Follow-up fixtures: this year's promise with its four commitments, an activity of each
party, and another municipality with a promise of its own (for the wrong-municipality tests)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tryggve.areas.models import Municipality
from tryggve.followup.demo import COMMITMENTS
from tryggve.followup.models import Activity, Party, Promise
from tryggve.followup.services import activity_create, promise_create

ADMIN = {"administrator"}


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


def make_promise(municipality: Municipality, year: int, **kwargs) -> Promise:
    kwargs.setdefault("published", True)
    return promise_create(
        municipality=municipality,
        police_area="LPO Piteå Älvdal",
        title=f"Medborgarlöften {year}",
        text="Kommunen och polisen lovar att arbeta tillsammans.",
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        signatories=[("Karin Öberg", "Kommunalråd")],
        commitments=COMMITMENTS,
        **kwargs,
    )


@pytest.fixture
def promise(municipality, today) -> Promise:
    return make_promise(municipality, today.year)


@pytest.fixture
def make_activity(promise):
    def make(party: str = Party.BOTH, position: int = 1, **kwargs) -> Activity:
        kwargs.setdefault("title", f"Aktivitet för {party}")
        return activity_create(
            commitment=promise.commitments.get(position=position),
            responsible_party=party,
            actor=None,
            roles=ADMIN,
            **kwargs,
        )

    return make


@pytest.fixture
def activity(make_activity) -> Activity:
    """An activity of both parties: every editing role may change it."""
    return make_activity(Party.BOTH)


@pytest.fixture
def other_municipality(db) -> Municipality:
    """Another municipality (Luleå) with a small square boundary far from Arvidsjaur."""
    from shapely.geometry import box

    other = Municipality(code="2580", name="Luleå kommun", police_area="LPO Luleå")
    other.set_geometry(box(22.0, 65.5, 22.3, 65.7))
    other.save()
    return other


@pytest.fixture
def other_promise(other_municipality, today) -> Promise:
    return make_promise(other_municipality, today.year)


@pytest.fixture
def other_activity(other_promise) -> Activity:
    return activity_create(
        commitment=other_promise.commitments.get(position=1),
        title="Luleås aktivitet",
        responsible_party=Party.BOTH,
        actor=None,
        roles=ADMIN,
    )

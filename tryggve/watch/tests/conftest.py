"""Fixtures for neighbourhood watch: an offered area, households that sign up through the
service and confirm through the link in their mail or SMS, contact persons and alerts."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

STREETS = "Storgatan\nLärkvägen\nÖstra Skolgatan"
CONFIRM_RE = re.compile(r"/grannsamverkan/bekrafta/([^/\s]+)/")
MANAGE_RE = re.compile(r"/grannsamverkan/mitt-hushall/([^/\s]+)/")


def token_from_outbox(recipient: str, pattern: re.Pattern = CONFIRM_RE) -> str:
    """The token in the newest outbox row (mail or SMS) sent to `recipient`."""
    from tryggve.lib.models import OutgoingMail
    from tryggve.lib.sms import swedish_mobile

    # Text messages go to the number as +467…, however it was typed.
    recipients = [recipient, swedish_mobile(recipient) or recipient]
    for row in OutgoingMail.objects.filter(to__in=recipients).order_by("-pk"):
        found = pattern.search(row.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no link for {recipient} in the outbox")


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user(username="polisen", password="x" * 20)


@pytest.fixture
def make_area(municipality, staff_user):
    """Offer an area through the service; `households` is the count the threshold uses."""
    from tryggve.areas.models import ResidentialArea
    from tryggve.watch.services import watch_area_offer

    names = itertools.count(1)

    def make(
        *,
        households: int = 61,
        name: str | None = None,
        residential: str = "Centrum",
        streets: str = STREETS,
        threshold: int | None = None,
    ):
        area = watch_area_offer(
            name=name or f"Område {next(names)}",
            households=households,
            streets=streets,
            actor=staff_user,
            residential_area=ResidentialArea.objects.get(name=residential),
        )
        if threshold is not None:
            area.threshold_percent = threshold
            area.save(update_fields=["threshold_percent"])
        return area

    return make


@pytest.fixture
def area(make_area):
    return make_area(households=61, name="Lärkan")


@pytest.fixture
def sign_up(db):
    """Sign up a household and return it with its confirm token (read from the outbox)."""
    from tryggve.watch.services import household_sign_up

    numbers = itertools.count(1)

    def make(area, *, number: str | None = None, street: str = "Storgatan", **kwargs):
        n = next(numbers)
        kwargs.setdefault("name", f"Hushåll {n}")
        if "email" not in kwargs and "phone" not in kwargs:
            kwargs["email"] = f"hushall{n}@example.se"
        household = household_sign_up(area=area, street=street, number=number or str(n), **kwargs)
        household.confirm_token = token_from_outbox(household.email or household.phone)
        return household

    return make


@pytest.fixture
def join(sign_up):
    """Sign up and confirm; returns the household with its manage token."""
    from tryggve.watch.services import household_confirm

    def make(area, **kwargs):
        household = sign_up(area, **kwargs)
        token = household.confirm_token
        household = household_confirm(token=token)
        household.confirm_token = token
        household.manage_token = token_from_outbox(
            household.email or household.phone, pattern=MANAGE_RE
        )
        area.refresh_from_db()
        return household

    return make


@pytest.fixture
def fill(join):
    """Confirm `n` households in the area."""

    def make(area, n: int):
        return [join(area) for _ in range(n)]

    return make


@pytest.fixture
def approve(staff_user):
    from tryggve.watch.models import ContactRole
    from tryggve.watch.services import contact_person_set

    def make(household, role=ContactRole.APPROVED):
        contact_person_set(household=household, role=role, actor=staff_user)
        household.refresh_from_db()
        household.area.refresh_from_db()
        return household

    return make


@pytest.fixture
def ready_area(area, fill, join, approve):
    """43 of 61 households confirmed, one of them an approved contact person."""
    contact = join(area, name="Kim Kontakt", email="kim@example.se", volunteer=True)
    approve(contact)
    fill(area, 42)
    area.refresh_from_db()
    area.contact = contact
    return area


@pytest.fixture
def active_area(ready_area, staff_user):
    from tryggve.watch.services import meeting_record, meeting_schedule, watch_area_change_state

    meeting = meeting_schedule(
        area=ready_area, when=timezone.now() - timedelta(days=1), place="Skolan", actor=staff_user
    )
    meeting_record(meeting=meeting, attended=[ready_area.contact], actor=staff_user)
    area = watch_area_change_state(area=ready_area, to_state="active", actor=staff_user)
    area.contact = ready_area.contact
    return area


@pytest.fixture
def alert(municipality):
    """A prepared near-repeat alert for Centrum (the residential area of `area`)."""
    from tryggve.analytics.models import Incident, IncidentSource, NearRepeatAlert, OffenceGroup
    from tryggve.areas.models import ResidentialArea

    centrum = ResidentialArea.objects.get(name="Centrum")
    incident = Incident.objects.create(
        source=IncidentSource.CSV,
        external_id="watch-1",
        occurred_at=timezone.now() - timedelta(hours=5),
        lat=65.59,
        lon=19.18,
        precise=True,
        municipality_code="2505",
        area=centrum,
        offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
    )
    return NearRepeatAlert.objects.create(incident=incident, area=centrum, distance_m=0)

"""Random form posts to /rapportera/: never a 500, never a half report."""

import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggve.conftest import CENTRUM, OUTSIDE
from tryggve.reports.models import (
    Category,
    Report,
    ReportEvent,
    Severity,
    TimeOfDay,
    stored_submission_key,
)

# Text a browser can send: any character but lone surrogates (which cannot be UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(65.0, 66.2).map(str),
    st.floats(18.0, 20.1).map(str),
    st.integers().map(str),
    st.sampled_from(["", "nan", "inf", "-Infinity", "1e400", "65,59", " 65.59 ", "0x41"]),
    TEXT,
)


def choice(values):
    return st.one_of(st.sampled_from([str(v) for v in values]), TEXT, NUMBER)


@st.composite
def form_posts(draw):
    category_ids = list(Category.objects.values_list("pk", flat=True))
    fields = {
        "submission_key": st.one_of(st.uuids().map(str), TEXT),
        "lat": st.one_of(st.just(str(CENTRUM[0])), st.just(str(OUTSIDE[0])), NUMBER),
        "lon": st.one_of(st.just(str(CENTRUM[1])), st.just(str(OUTSIDE[1])), NUMBER),
        "place_description": TEXT,
        "category": choice([*category_ids, "belysning", 0, -1, 10**30]),
        "time_of_day": choice(TimeOfDay.values),
        "severity": choice(Severity.values),
        "description": TEXT,
        "contact_name": TEXT,
        "contact_email": st.one_of(st.emails(), TEXT),
        "contact_phone": st.one_of(st.just("070-123 45 67"), TEXT),
        "confirm_new": st.sampled_from(["", "1", "on", "false"]),
        "agree_with": st.one_of(st.just(""), TEXT, st.just("OTR-2026-00001")),
        "remove_photos": st.lists(TEXT, max_size=2),
    }
    data = {}
    for name, strategy in fields.items():
        if draw(st.booleans()) or draw(st.booleans()):
            data[name] = draw(strategy)
    return data


@pytest.fixture(autouse=True)
def _unlimited(settings):
    """Hundreds of posts from one address: the guard's limits are tested in test_guard_views."""
    unlimited = {"report": (10**6, 3600), "voice": (10**6, 3600)}
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, **unlimited}


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=form_posts())
def test_random_posts_never_500_and_never_half_a_report(citizen, municipality, data):
    with transaction.atomic():
        before = Report.objects.count()
        response = citizen.post("/rapportera/", data)
        assert response.status_code in (200, 302), response.status_code
        after = Report.objects.count()
        if response.status_code == 200:
            assert after == before
        else:
            assert after <= before + 1
        for report in Report.objects.all():
            assert report.reference.startswith("OTR-")
            assert report.has_position or report.place_description.strip()
            assert report.lat is None or (-90 <= report.lat <= 90 and -180 <= report.lon <= 180)
            assert 1 <= report.severity <= 4
            assert report.time_of_day in TimeOfDay.values
            assert report.description.strip()
            assert ReportEvent.objects.filter(report=report, kind="created").count() == 1
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    description=TEXT.filter(lambda s: s.strip() and "\x00" not in s),
    place=TEXT.filter(lambda s: "\x00" not in s),
)
def test_any_real_text_is_saved_exactly_as_trimmed(citizen, municipality, description, place):
    data = {
        "submission_key": str(uuid.uuid4()),
        "lat": CENTRUM[0],
        "lon": CENTRUM[1],
        "place_description": place,
        "category": Category.objects.for_code("2505").get(slug="annat").pk,
        "time_of_day": "day",
        "severity": "1",
        "description": description,
        "confirm_new": "1",
    }
    with transaction.atomic():
        response = citizen.post("/rapportera/", data)
        if response.status_code == 302:
            key = stored_submission_key(data["submission_key"])
            report = Report.objects.get(submission_key=key)
            assert report.description == description.strip()
            assert report.place_description == place.strip()
        else:
            # Only a length limit may refuse real text.
            errors = response.context["form"].errors
            assert set(errors) <= {"description", "place_description"}, errors
        transaction.set_rollback(True)

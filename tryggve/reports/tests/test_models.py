"""Report querysets and the database constraints that keep a report whole."""

import pytest
from django.db import IntegrityError, transaction

from tryggve.areas.models import ResidentialArea
from tryggve.conftest import CENTRUM
from tryggve.lib.geo import distance_m
from tryggve.reports.models import Category, Report, Status, hash_token

pytestmark = pytest.mark.django_db


def offset(point, north_m=0.0, east_m=0.0):
    """A point north_m and east_m away (small distances)."""
    import math

    lat, lon = point
    return (
        lat + math.degrees(north_m / 6_371_008.8),
        lon + math.degrees(east_m / (6_371_008.8 * math.cos(math.radians(lat)))),
    )


def test_published_only_returns_published(make_report, municipality):
    shown = make_report(published=True)
    make_report()
    assert list(Report.objects.published()) == [shown]


def test_in_area(make_report, municipality):
    centrum = ResidentialArea.objects.get(name="Centrum")
    here = make_report(published=True)
    make_report(at=(65.5950, 19.1800), published=True)  # Norrbyn
    make_report()  # in Centrum but not published
    assert list(Report.objects.published().in_area(centrum)) == [here]
    assert Report.objects.in_area(centrum).count() == 2


def test_open_excludes_closed_statuses(make_report, municipality):
    for status in Status.values:
        make_report(status=status)
    assert sorted(Report.objects.open().values_list("status", flat=True)) == sorted(
        ["received", "under_review", "forwarded", "planned"]
    )


def test_near_is_exact_and_nearest_first(make_report, municipality):
    far = make_report(at=offset(CENTRUM, north_m=60))
    corner = make_report(at=offset(CENTRUM, north_m=38, east_m=38))  # ~54 m: in the box only
    close = make_report(at=offset(CENTRUM, east_m=10))
    closer = make_report(at=offset(CENTRUM, north_m=-3))
    make_report(at=None)  # no position at all
    found = Report.objects.near(CENTRUM[0], CENTRUM[1], 50)
    assert found == [closer, close]
    assert found[0].distance_m == pytest.approx(3, abs=0.1)
    assert found[1].distance_m == pytest.approx(10, abs=0.1)
    assert distance_m(*CENTRUM, corner.lat, corner.lon) > 50
    assert far not in found and corner not in found


def test_near_combines_with_other_filters(make_report, municipality):
    make_report(category="vegetation")
    same = make_report(category="belysning")
    qs = Report.objects.filter(category__slug="belysning")
    assert qs.near(*CENTRUM, 50) == [same]


def test_by_tracking_token(make_report, municipality):
    report = make_report()
    assert Report.objects.by_tracking_token(report.tracking_token) == report
    assert report.tracking_token_hash == hash_token(report.tracking_token)
    assert report.tracking_token not in report.tracking_token_hash
    assert Report.objects.by_tracking_token(report.tracking_token + "x") is None
    assert Report.objects.by_tracking_token("") is None


def base_report(**fields):
    values = {
        "reference": "OTR-2026-99999",
        "tracking_token_hash": "a" * 64,
        "category": Category.objects.for_code("2505").get(slug="belysning"),
        "time_of_day": "night",
        "severity": 2,
        "description": "Mörkt",
    }
    values.update(fields)
    return Report(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": None, "lon": None, "place_description": ""},  # neither position nor words
        {"lat": 91.0, "lon": 19.0},
        {"lat": 65.0, "lon": 181.0},
        {"lat": 65.0, "lon": None, "place_description": "Vid kyrkan"},  # half a position
        {"lat": 65.0, "lon": 19.0, "severity": 0},
        {"lat": 65.0, "lon": 19.0, "severity": 5},
    ],
)
def test_constraints_refuse_a_broken_report(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        base_report(**fields).save()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": 65.59, "lon": 19.18, "place_description": ""},
        {"lat": None, "lon": None, "place_description": "Gångtunneln vid stationen"},
    ],
)
def test_constraints_allow_position_or_description(fields):
    base_report(**fields).save()
    assert Report.objects.count() == 1


def test_reference_token_and_submission_key_are_unique():
    first = base_report(lat=65.59, lon=19.18)
    first.save()
    for fields in (
        {"tracking_token_hash": "b" * 64},  # same reference
        {"reference": "OTR-2026-99998"},  # same token hash
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            base_report(lat=65.59, lon=19.18, **fields).save()


def test_category_name_follows_the_language():
    from django.utils import translation

    category = Category.objects.for_code("2505").get(slug="belysning")
    with translation.override("en"):
        assert str(category) == "Lighting"
    with translation.override("sv"):
        assert str(category) == "Belysning"

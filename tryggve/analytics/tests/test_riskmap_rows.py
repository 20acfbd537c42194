"""Loading the risk map's incidents as numbers: the query, and PostgreSQL's binary COPY."""

import struct
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tryggve.analytics.models import Incident
from tryggve.analytics.riskmap import (
    COPY_SIGNATURE,
    incident_points,
    local_days,
    parse_binary_copy,
)
from tryggve.lib.geo import to_sweref


def _stream(rows, *, extension: bytes = b"") -> bytes:
    """A binary COPY stream as PostgreSQL writes it, each value a float8 or None (null)."""
    out = COPY_SIGNATURE + struct.pack(">ii", 0, len(extension)) + extension
    for row in rows:
        out += struct.pack(">h", len(row))
        for value in row:
            out += struct.pack(">i", -1) if value is None else struct.pack(">id", 8, value)
    return out + struct.pack(">h", -1)


def test_a_stream_is_read_as_its_rows():
    rows = [(65.59, 19.17, 1.7e9), (-0.5, 180.0, 0.0)]
    assert parse_binary_copy(_stream(rows), columns=3).tolist() == [list(r) for r in rows]


def test_a_header_extension_is_skipped():
    assert parse_binary_copy(_stream([(1.0, 2.0)], extension=b"abcd"), columns=2).tolist() == [
        [1.0, 2.0]
    ]


def test_no_rows_is_an_empty_array():
    assert parse_binary_copy(_stream([]), columns=3).shape == (0, 3)


@pytest.mark.parametrize(
    "data",
    [
        _stream([(1.0, None, 3.0)]),  # a null has no eight bytes: never read as a number
        _stream([(1.0, 2.0)]),  # another number of fields
        _stream([(1.0, 2.0, 3.0)])[:-2],  # cut short
        b"COPY" + _stream([(1.0, 2.0, 3.0)])[4:],  # not the format
        b"",
    ],
)
def test_anything_else_is_refused(data):
    with pytest.raises(ValueError):
        parse_binary_copy(data, columns=3)


@pytest.mark.django_db
def test_incident_points_are_the_incidents_in_sweref_and_local_days(make_incident, area_points):
    when = [datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC)]
    for at, moment in zip(area_points.values(), when, strict=False):
        make_incident(at=at, when=moment)
    make_incident(at=None)
    with CaptureQueriesContext(connection) as queries:
        points = incident_points(Incident.objects.all())
    assert len(queries) == 1
    expected = []
    for (lat, lon), moment in zip(area_points.values(), when, strict=False):
        x, y = to_sweref(lon, lat)
        expected.append((x, y, local_days(np.array([moment.timestamp()]))[0]))
    got = np.array(sorted(map(tuple, points.tolist())))
    assert got == pytest.approx(np.array(sorted(expected)))


@pytest.mark.django_db
def test_a_million_rows_do_not_sort(make_incident, area_points):
    """The model's default order is dropped: the forecast reads the rows in any order."""
    make_incident(at=next(iter(area_points.values())), when=timezone.now() - timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        incident_points(Incident.objects.all())
    assert "ORDER BY" not in queries[0]["sql"].upper()

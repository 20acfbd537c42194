"""Reports with routing off (issue 14): only the default municipality (Arvidsjaur, 2505) is
served, but a neighbour's reports (Arjeplog, 2506) may be kept beside it in the database,
set up before routing is turned on. They must not show or count on any page, and a report
without a municipality (described in words, from before reports had one) is still the
default municipality's (`reports.selectors.reports_here`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tryggve.accounts.tests.test_home_view import figures
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.serving import serves_several
from tryggve.conftest import ARJEPLOG
from tryggve.reports.models import Report, Status
from tryggve.reports.selectors import new_case_count, overdue_case_count, reports_here

SECRET = "Hemlig-Arjeplog-uppgift"
INBOX = "/personal/arenden/"


@pytest.fixture
def neighbours_report(municipality, make_report):
    """A published, overdue report of Arjeplog (not served), with personal data."""
    report = make_report(published=True, public_text=f"{SECRET} offentlig", contact_name=SECRET)
    Report.objects.filter(pk=report.pk).update(
        municipality=Municipality.objects.get(code="2506"),
        area=ResidentialArea.objects.get(municipality__code="2506", name="Laisvall"),
        lat=ARJEPLOG[0],
        lon=ARJEPLOG[1],
        description=SECRET,
        due=timezone.now() - timedelta(days=1),
    )
    assert not serves_several()
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def described_in_words(municipality, make_report):
    """A report without position and without municipality (from before reports had one)."""
    report = make_report(at=None, description="Mörkt bakom skolan")
    Report.objects.filter(pk=report.pk).update(
        municipality=None, due=timezone.now() - timedelta(days=1)
    )
    return Report.objects.get(pk=report.pk)


def test_reports_here_leaves_out_the_neighbours_and_keeps_those_without_one(
    neighbours_report, described_in_words, make_report
):
    own = make_report()
    assert set(reports_here()) == {own, described_in_words}


def test_the_counts_leave_out_the_neighbours(neighbours_report, described_in_words):
    assert new_case_count() == 1
    assert overdue_case_count() == 1
    Report.objects.filter(pk=described_in_words.pk).update(status=Status.UNDER_REVIEW)
    assert new_case_count() == 0
    assert overdue_case_count() == 1


def test_the_inbox_and_case_page_leave_out_the_neighbours(
    case_handler, neighbours_report, described_in_words
):
    body = case_handler.get(INBOX).content.decode()
    assert described_in_words.reference in body
    assert neighbours_report.reference not in body
    assert SECRET not in body
    case = f"{INBOX}{neighbours_report.reference}/"
    assert case_handler.get(case).status_code == 404
    assert case_handler.get(f"{INBOX}{described_in_words.reference}/").status_code == 200
    export = case_handler.get(f"{INBOX}export.csv").content.decode()
    assert described_in_words.reference in export
    assert neighbours_report.reference not in export


def test_the_staff_home_counts_leave_out_the_neighbours(
    case_handler, neighbours_report, described_in_words
):
    # Both are new and overdue; only the one without a municipality is Arvidsjaur's.
    found = figures(case_handler.get("/personal/"))
    assert (found["new_cases"], found["overdue_cases"]) == ("1", "1")


def test_the_public_pages_leave_out_the_neighbours(citizen, neighbours_report):
    assert citizen.get(f"/karta/{neighbours_report.reference}/").status_code == 404
    for path in ["/", "/karta/"]:
        assert neighbours_report.reference not in citizen.get(path).content.decode(), path


def test_the_public_geojson_leaves_out_the_neighbours(citizen, make_report, neighbours_report):
    ours = make_report(published=True)
    data = citizen.get("/api/reports.geojson").json()
    assert [f["id"] for f in data["features"]] == [ours.reference]
    # Also in a bbox around both (the grid's path on PostgreSQL).
    box = f"{ARJEPLOG[1] - 0.01},{ARJEPLOG[0] - 0.01},{ARJEPLOG[1] + 0.01},{ARJEPLOG[0] + 0.01}"
    assert citizen.get("/api/reports.geojson", {"bbox": box}).json()["features"] == []


def test_the_inbox_asks_no_more_queries_for_the_neighbours(
    case_handler, neighbours_report, described_in_words, make_report
):
    case_handler.get(INBOX)
    with CaptureQueriesContext(connection) as before:
        case_handler.get(INBOX)
    for _ in range(3):
        make_report()
    with CaptureQueriesContext(connection) as after:
        case_handler.get(INBOX)
    assert len(after.captured_queries) == len(before.captured_queries)

"""The e-service's figures for the follow-up, against numbers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tryggve.reports.figures import feedback_figures, report_figures
from tryggve.reports.models import Report, SafetyFeedback, Status

STOCKHOLM = ZoneInfo("Europe/Stockholm")
YEAR_2025 = {"municipality_code": "2505", "start": date(2025, 1, 1), "end": date(2026, 1, 1)}
TODAY = date(2026, 3, 1)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=STOCKHOLM)


@pytest.fixture
def case(make_report, municipality):
    """A report received at `created`, with its status, closing and due date set; in
    Centrum unless described in words (`at=None`)."""
    centrum = municipality.areas.get(name="Centrum")

    def make(created, *, status=Status.RECEIVED, closed=None, due_days=30, **kwargs):
        report = make_report(**kwargs)
        Report.objects.filter(pk=report.pk).update(
            created=created,
            status=status,
            closed=closed,
            due=created + timedelta(days=due_days),
            area=None if kwargs.get("at", True) is None else centrum,
        )
        return report

    return make


@pytest.fixture
def year_of_cases(case):
    """2025's cases, worked through by hand in the tests below.

    received 6 (A B C E F G); handled 5 (all but the duplicate E); resolved 2 (A, B);
    decided 4 (A B F closed, C open past its due date), on time 2 (A, F); G is open and not
    yet due on 1 March 2026. Days to resolve: A 10, B 40, median 25."""
    case(local(2025, 3, 10, 10), status=Status.RESOLVED, closed=local(2025, 3, 20, 10))  # A
    case(  # B: resolved 10 days late
        local(2025, 5, 1, 12),
        status=Status.RESOLVED,
        closed=local(2025, 6, 10, 12),
        category="vegetation",
    )
    case(local(2025, 12, 31, 23, 59), at=None)  # C: the year's last minute, Swedish time
    case(local(2026, 1, 1, 0, 0))  # D: the next year's first minute
    case(  # E: a duplicate
        local(2025, 6, 1),
        status=Status.DUPLICATE,
        closed=local(2025, 6, 2),
        category="vegetation",
    )
    case(  # F: no action needed, closed in time
        local(2025, 7, 1),
        status=Status.NOT_ACTIONABLE,
        closed=local(2025, 7, 3),
        category="skadegorelse",
    )
    case(local(2025, 11, 20), status=Status.PLANNED, due_days=120)  # G


def test_a_year_of_cases_by_hand(year_of_cases, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        figures = report_figures(**YEAR_2025, today=TODAY)
    assert figures.received == 6
    assert (figures.handled, figures.resolved) == (5, 2)
    assert figures.resolved_share == pytest.approx(0.4)
    assert (figures.decided, figures.within_target) == (4, 2)
    assert figures.within_target_share == pytest.approx(0.5)
    assert figures.median_days == 25.0
    assert [(c.label, c.count) for c in figures.top_categories] == [
        ("Belysning", 3),
        ("Vegetation och sly", 2),
        ("Skadegörelse och klotter", 1),
    ]
    # C was described in words and has no area; the five others lie in Centrum.
    assert [(a.label, a.count) for a in figures.top_areas] == [("Centrum", 5)]
    per_month = dict(figures.per_month)
    assert len(per_month) == 12
    assert [per_month[(2025, m)] for m in (3, 5, 6, 7, 11, 12)] == [1, 1, 1, 1, 1, 1]
    assert sum(per_month.values()) == 6


def test_category_names_follow_the_language(year_of_cases):
    from django.utils import translation

    with translation.override("en"):
        figures = report_figures(**YEAR_2025, today=TODAY)
    assert [c.label for c in figures.top_categories] == [
        "Lighting",
        "Vegetation",
        "Vandalism and graffiti",
    ]


def test_the_year_boundary_is_swedish_midnight(year_of_cases):
    """23:59 on 31 December Swedish time is 22:59 UTC, still that year; 00:00 on 1 January
    is the next year's."""
    next_year = report_figures(
        municipality_code="2505", start=date(2026, 1, 1), end=date(2027, 1, 1), today=TODAY
    )
    assert next_year.received == 1
    last_day = report_figures(
        municipality_code="2505", start=date(2025, 12, 31), end=date(2026, 1, 1), today=TODAY
    )
    assert last_day.received == 1
    assert last_day.per_month == [((2025, 12), 1)]


def test_a_case_is_late_only_after_its_due_day(case):
    case(local(2025, 1, 10), due_days=30)  # due 9 February
    on_the_day = report_figures(**YEAR_2025, today=date(2025, 2, 9))
    assert on_the_day.decided == 0 and on_the_day.within_target_share is None
    day_after = report_figures(**YEAR_2025, today=date(2025, 2, 10))
    assert (day_after.decided, day_after.within_target) == (1, 0)
    assert day_after.within_target_share == 0


def test_an_empty_period_has_no_shares(municipality, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        figures = report_figures(**YEAR_2025, today=TODAY)
    assert figures.received == 0
    assert figures.within_target_share is None
    assert figures.resolved_share is None
    assert figures.median_days is None
    assert figures.top_categories == [] and figures.top_areas == []
    assert sum(n for _m, n in figures.per_month) == 0


def test_another_municipality_is_never_counted(case, other_area):
    case(local(2025, 4, 1))
    theirs = case(local(2025, 4, 2))
    # A report counts for its own municipality (`Report.municipality`), as the staff pages
    # read it, not for the municipality of an area it might lie in.
    Report.objects.filter(pk=theirs.pk).update(
        area=other_area, municipality=other_area.municipality
    )
    assert report_figures(**YEAR_2025, today=TODAY).received == 1
    other = report_figures(**{**YEAR_2025, "municipality_code": "2510"}, today=TODAY)
    assert other.received == 1
    assert [a.label for a in other.top_areas] == ["Porjus"]


def test_a_report_counts_for_its_own_municipality_not_its_areas(case, other_area, municipality):
    """Filed for Jokkmokk (routed there by its position) though placed in no area of it, a
    report is Jokkmokk's: the figures read the report's municipality, like the staff pages."""
    theirs = case(local(2025, 4, 2))
    Report.objects.filter(pk=theirs.pk).update(area=None, municipality=other_area.municipality)
    ours = case(local(2025, 4, 3))
    Report.objects.filter(pk=ours.pk).update(area=None)
    assert report_figures(**YEAR_2025, today=TODAY).received == 1
    other = report_figures(**{**YEAR_2025, "municipality_code": "2510"}, today=TODAY)
    assert other.received == 1


def _feedback(report, answer: str, answered: datetime | None) -> None:
    SafetyFeedback.objects.create(
        report=report,
        token_hash=f"{report.pk:064d}",
        asked=local(2025, 1, 1),
        answer=answer,
        answered=answered,
    )


def test_feels_safer_counts_answers_given_in_the_period(
    case, other_area, django_assert_max_num_queries
):
    answers = [
        ("yes", local(2025, 3, 1)),
        ("yes", local(2025, 12, 31, 23, 59)),
        ("partly", local(2025, 5, 1)),
        ("no", local(2025, 6, 1)),
        ("", None),  # asked, never answered
        ("yes", local(2026, 1, 1, 0, 0)),  # next year's
    ]
    for answer, answered in answers:
        _feedback(case(local(2025, 1, 5), status=Status.RESOLVED), answer, answered)
    theirs = case(local(2025, 1, 5), status=Status.RESOLVED)
    Report.objects.filter(pk=theirs.pk).update(
        area=other_area, municipality=other_area.municipality
    )
    _feedback(theirs, "yes", local(2025, 3, 1))
    with django_assert_max_num_queries(1):
        figures = feedback_figures(**YEAR_2025)
    assert (figures.answered, figures.yes, figures.partly) == (4, 2, 1)
    assert figures.yes_share == pytest.approx(0.5)


def test_no_answers_no_share(municipality):
    assert feedback_figures(**YEAR_2025).yes_share is None


def test_months_are_swedish_calendar_months(case):
    """The last minute of March and the first of April in Swedish time (both 31 March in
    UTC) fall in their own local months; a period that starts mid-month counts its first
    month from the start."""
    case(local(2025, 3, 31, 23, 59))
    case(local(2025, 4, 1, 0, 0))
    case(local(2025, 4, 30, 23, 59))
    case(local(2025, 5, 1, 0, 30))
    figures = report_figures(
        municipality_code="2505", start=date(2025, 3, 15), end=date(2025, 5, 2), today=TODAY
    )
    assert figures.per_month == [((2025, 3), 1), ((2025, 4), 2), ((2025, 5), 1)]

"""The follow-up's live indicators: every one against numbers worked out by hand.

The year is 2026 and today 15 June, so the period is 1 January to 15 June inclusive and the
comparison 1 January to 15 June 2025. No follow-up model is used: the indicators read the
other apps' figure functions only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup, PolicePresence
from tryggve.areas.models import ResidentialArea
from tryggve.followup.indicators import (
    BY_CODE,
    INDICATORS,
    SHARE,
    IndicatorValue,
    format_decimal,
    format_value,
    indicator_values,
    period_for,
    trend_chart,
)
from tryggve.reports.models import Report, Status
from tryggve.surveys.importers import survey_for_year
from tryggve.surveys.models import Channel
from tryggve.surveys.services import AnswerData, response_submit
from tryggve.watch.models import ContactRole, Household, WatchArea, WatchState
from tryggve.watch.services import watch_area_offer

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2026, 6, 15)
ALL_HOUSEHOLDS = 2475


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=STOCKHOLM)


@pytest.fixture
def centrum(municipality) -> ResidentialArea:
    return municipality.areas.get(name="Centrum")


@pytest.fixture
def reports(make_report, centrum, other_area):
    """2026: R1 received 1 February, resolved in 4 days; R2 received 1 March, open and past
    its due date (31 March); R3 received 23:59 today, not yet due. 2025: R4 received 15 June
    at noon (inside last year's comparison period), R5 at 00:00 on 16 June (outside it).
    And a report in another municipality, never counted."""

    def case(created, *, status=Status.RECEIVED, closed=None, area=centrum):
        report = make_report()
        Report.objects.filter(pk=report.pk).update(
            created=created,
            status=status,
            closed=closed,
            due=created + timedelta(days=30),
            area=area,
            # A report is its municipality's (`Report.municipality`, set from its position).
            municipality=area.municipality,
        )

    case(local(2026, 2, 1, 9), status=Status.RESOLVED, closed=local(2026, 2, 5, 9))
    case(local(2026, 3, 1, 9))
    case(local(2026, 6, 15, 23, 59))
    case(local(2025, 6, 15, 12))
    case(local(2025, 6, 16, 0, 0))
    case(local(2026, 3, 1, 9), area=other_area)


@pytest.fixture
def watch(centrum, django_user_model):
    """Lärkan in Centrum (61 households): offered March 2025, started 1 April 2026; one
    household confirmed May 2025, one (a contact person) February 2026."""
    staff = django_user_model.objects.create_user(username="samordnare", password="x" * 20)
    area = watch_area_offer(
        name="Lärkan", households=61, streets="Storgatan", actor=staff, residential_area=centrum
    )
    WatchArea.objects.filter(pk=area.pk).update(
        offered=local(2025, 3, 1), started=local(2026, 4, 1), state=WatchState.ACTIVE
    )
    for number, confirmed, role in [
        (1, local(2025, 5, 1), ContactRole.NONE),
        (2, local(2026, 2, 1), ContactRole.APPROVED),
    ]:
        Household.objects.create(
            area=area,
            street="Storgatan",
            number=str(number),
            address_key=f"storgatan {number}",
            name=f"Hushåll {number}",
            email=f"h{number}@example.se",
            confirm_token_hash=f"c{number}".ljust(64, "0"),
            manage_token_hash=f"m{number}".ljust(64, "0"),
            confirmed=confirmed,
            contact_role=role,
        )


@pytest.fixture
def situation(municipality, centrum, django_user_model):
    """Burglaries: 2026 one (1 March 21:00, Centrum); 2025 two inside the comparison period
    (10 January, 23:59 on 15 June) and one just after it (00:30 on 16 June). Presence: two
    hours at Centrum's point at 22:00 on 10 March 2026. The year before it holds three
    burglaries there (1 March 21:00, 15 June 23:59, 16 June 00:30; 10 January 2025 is more
    than a year earlier), busiest 21-01, so 22:00 is where and when they pointed."""
    point = centrum.shape.representative_point()
    lat, lon = point.y, point.x
    for n, when in enumerate(
        [
            local(2026, 3, 1, 21),
            local(2025, 1, 10),
            local(2025, 6, 15, 23, 59),
            local(2025, 6, 16, 0, 30),
        ]
    ):
        Incident.objects.create(
            source=IncidentSource.CSV,
            external_id=f"i{n}",
            occurred_at=when,
            lat=lat,
            lon=lon,
            precise=True,
            municipality_code="2505",
            area=centrum,
            offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
        )
    officer = django_user_model.objects.create_user(username="polis", password="x" * 20)
    PolicePresence.objects.create(
        officer=officer,
        started=local(2026, 3, 10, 22),
        minutes=120,
        kind="foot",
        area=centrum,
        lat=lat,
        lon=lon,
    )


@pytest.fixture
def surveys(municipality):
    """2025: twelve answers, six unsafe, three worried about burglary (too few to show);
    2026: twenty answers, five unsafe, ten worried."""

    def answers(year: int, n: int, unsafe: int, worried: int) -> None:
        survey = survey_for_year(municipality=municipality, year=year)
        qs = {q.code: q for q in survey.questions.all()}
        for i in range(n):
            response_submit(
                survey=survey,
                channel=Channel.PAPER,
                answers=[
                    AnswerData(
                        question=qs["unsafe_evening"],
                        option=qs["unsafe_evening"].options.get(
                            code="ganska_otrygg" if i < unsafe else "ganska_trygg"
                        ),
                    ),
                    AnswerData(
                        question=qs["burglary_worry"],
                        option=qs["burglary_worry"].options.get(
                            code="ganska_ofta" if i < worried else "nej"
                        ),
                    ),
                ],
            )

    answers(2025, 12, 6, 3)
    answers(2026, 20, 5, 10)


@pytest.fixture
def values(reports, watch, situation, surveys):
    found = indicator_values(
        municipality_code="2505",
        year=2026,
        today=TODAY,
        baseline_years={"reports_received": 2025, "burglaries": 2025},
        targets={"reports_within_target": 0.9},
    )
    return {v.indicator.code: v for v in found}


def test_the_period_is_the_year_so_far():
    assert period_for(2026, TODAY) == (date(2026, 1, 1), date(2026, 6, 16))
    assert period_for(2025, TODAY) == (date(2025, 1, 1), date(2026, 1, 1))
    assert period_for(2027, TODAY) == (date(2027, 1, 1), date(2027, 1, 1))


def test_every_indicator_is_computed(values):
    assert list(values) == [i.code for i in INDICATORS]
    assert all(v.start == date(2026, 1, 1) and v.end == date(2026, 6, 16) for v in values.values())


def test_e_service_indicators(values):
    received = values["reports_received"]
    assert (received.value, received.previous) == (3, 1)
    assert (received.baseline_year, received.baseline) == (2025, 2)
    assert [n for _label, n in received.trend] == [0, 1, 1, 0, 0, 1]
    assert [label for label, _n in received.trend][:3] == ["jan", "feb", "mar"]
    assert received.breakdowns == [
        ("Vanligaste kategorierna", [("Belysning", 3)]),
        ("Vanligaste områdena", [("Centrum", 3)]),
    ]
    within = values["reports_within_target"]
    # R1 closed in time, R2 late; R3 not yet due. Last year R4 is open, due 15 July 2025,
    # which has passed by today: late.
    assert (within.value, within.previous, within.target) == (0.5, 0.0, 0.9)
    assert "Litet underlag (2 ärenden)" in within.caution
    assert values["reports_resolved"].value == pytest.approx(1 / 3)
    assert values["reports_median_days"].value == 4.0
    assert values["reports_median_days"].previous is None
    feels_safer = values["reports_feels_safer"]
    assert feels_safer.value is None and not feels_safer.has_value and feels_safer.caution == ""


def test_watch_indicators(values):
    def pair(code):
        return values[code].value, values[code].previous

    assert pair("watch_offered") == (1, 1)
    assert pair("watch_gathering") == (0, 1)
    assert pair("watch_started") == (1, 0)
    assert pair("watch_households") == (2, 1)
    assert pair("watch_contact_persons") == (1, 0)
    assert values["watch_coverage"].value == pytest.approx(61 / ALL_HOUSEHOLDS)
    assert values["watch_coverage"].previous == 0
    assert [n for _l, n in values["watch_households"].trend] == [0, 1, 0, 0, 0, 0]


def test_visibility_and_burglary_indicators(values):
    hours = values["presence_hours"]
    assert (hours.value, hours.previous) == (2.0, 0.0)
    assert hours.breakdowns == [("Per område", [("Centrum", 2.0)])]
    pointed = values["presence_pointed"]
    assert (pointed.value, pointed.previous) == (1.0, None)
    assert "2,0 timmar" in pointed.caution
    burglaries = values["burglaries"]
    assert (burglaries.value, burglaries.previous) == (1, 2)
    assert (burglaries.baseline_year, burglaries.baseline) == (2025, 3)
    rate = values["burglary_rate"]
    assert rate.value == pytest.approx(1000 / ALL_HOUSEHOLDS)
    assert rate.previous == pytest.approx(2000 / ALL_HOUSEHOLDS)
    # Exact 95 % Poisson interval for one event: 0.0253-5.5716.
    assert (rate.low, rate.high) == pytest.approx(
        (25.3 / ALL_HOUSEHOLDS, 5571.6 / ALL_HOUSEHOLDS), abs=1e-4
    )
    assert rate.caution.startswith("För få inbrott")


def test_survey_indicators(values):
    respondents = values["survey_respondents"]
    assert (respondents.value, respondents.previous) == (20, 12)
    assert respondents.trend == [("2025", 12), ("2026", 20)]
    unsafe = values["survey_unsafe_evening"]
    assert (unsafe.value, unsafe.previous) == (0.25, 0.5)
    assert unsafe.low is not None and unsafe.low < 0.25 < unsafe.high
    worry = values["survey_burglary_worry"]
    assert (worry.value, worry.previous) == (0.5, None)  # 3 of 12 last year: suppressed
    assert worry.trend == [("2025", None), ("2026", 0.5)]


def test_an_empty_municipality_has_no_figures_and_no_errors(municipality):
    found = {
        v.indicator.code: v
        for v in indicator_values(municipality_code="2505", year=2026, today=TODAY)
    }
    for code in (
        "reports_within_target",
        "reports_resolved",
        "reports_median_days",
        "reports_feels_safer",
        "presence_pointed",
        "survey_respondents",
        "survey_unsafe_evening",
        "survey_burglary_worry",
    ):
        assert found[code].value is None, code
        assert format_value(found[code].value, found[code].indicator.unit) == "inga uppgifter"
    assert found["reports_received"].value == 0
    assert found["burglary_rate"].value == 0  # households known, no burglary: a real zero
    assert found["burglary_rate"].caution.startswith("För få inbrott")
    assert found["watch_coverage"].value == 0


def test_another_municipality_sees_only_its_own(reports, watch, situation, surveys, other_area):
    found = {
        v.indicator.code: v
        for v in indicator_values(municipality_code="2510", year=2026, today=TODAY)
    }
    assert found["reports_received"].value == 1
    assert found["watch_offered"].value == 0
    assert found["presence_hours"].value == 0
    assert found["burglaries"].value == 0
    assert found["survey_respondents"].value is None


def test_a_fixed_number_of_queries(
    reports, watch, situation, surveys, django_assert_max_num_queries
):
    # Each source is read once per period, whatever the number of rows or indicators:
    # 24 for this year, last year and the two baselines' year (watch reads its areas drawn
    # anew, and they and presence logged without an area are placed by the municipalities'
    # boundaries: one query more each where there are such rows), the rest for the survey
    # series: each year's questions, options and areas, and its stored counts read and, when
    # out of date, written again (`surveys.results`, TallySnapshot). They grow with the number
    # of survey years, not with the answers.
    with django_assert_max_num_queries(93):
        indicator_values(municipality_code="2505", year=2026, today=TODAY)


def test_every_definition_is_plain_swedish_and_translated(settings):
    from django.utils import translation

    for indicator in INDICATORS:
        assert str(indicator.name) and str(indicator.definition).endswith(".")
        assert indicator.code in BY_CODE
    with translation.override("en"):
        assert str(BY_CODE["reports_received"].name) == "Reports received"


def test_values_read_in_swedish():
    assert format_value(0.425, SHARE) == "42 %"
    assert format_value(1234, "count") == "1\u00a0234"
    assert format_value(4.25, "days") == "4,2 dagar"
    assert format_value(0.404, "rate") == "0,4 per 1 000 hushåll"
    assert format_value(3.46, "hours") == "3,5 timmar"
    assert format_decimal(3.5) == "3,5"


def test_values_read_in_english_with_a_decimal_point():
    from django.utils import translation

    with translation.override("en"):
        assert format_value(3.46, "hours") == "3.5 hours"
        assert format_value(4.25, "days") == "4.2 days"
        assert format_value(1234, "count") == "1,234"
        assert format_value(0.425, SHARE) == "42 %"
        assert format_decimal(3.5) == "3.5"
        assert format_decimal(12345.04) == "12345.0"


def test_a_trend_chart_writes_its_numbers_in_the_active_language():
    from django.utils import translation

    value = IndicatorValue(
        indicator=BY_CODE["presence_hours"],
        start=date(2026, 1, 1),
        end=date(2026, 3, 1),
        value=3.5,
        low=None,
        high=None,
        previous=None,
        baseline_year=None,
        baseline=None,
        target=None,
        trend=[("jan", 3.5), ("feb", None)],
        breakdowns=[],
        caution="",
    )
    swedish = trend_chart(value)
    assert "<td>3,5</td>" in swedish.table and "jan 3,5" in swedish.svg
    with translation.override("en"):
        english = trend_chart(value)
    assert "<td>3.5</td>" in english.table and "jan 3.5" in english.svg
    assert "3,5" not in english.table + english.svg


def test_trend_charts_are_drawn_once_with_their_table(values):
    chart = trend_chart(values["reports_received"])
    assert '<title id="chart-reports_received-title">Inkomna synpunkter, per månad</title>' in (
        chart.svg
    )
    assert "Antal: jan 0, feb 1, mar 1, apr 0, maj 0, jun 1" in chart.svg
    assert chart.table.count("<tr>") == 7  # the header and six months
    worry = trend_chart(values["survey_burglary_worry"])
    # Shares as percentages; last year's suppressed share is a gap and "dold", as the
    # survey's own pages write a share hidden below five answers (not "inga uppgifter").
    assert "Procent: 2025 dold, 2026 50" in worry.svg
    assert worry.svg.count("<rect") == 1
    assert "<td>dold</td>" in worry.table and "<td>50</td>" in worry.table
    assert trend_chart(values["reports_feels_safer"]) is None


def test_the_not_yet_started_areas_are_not_named_after_one_of_the_watch_pages_states():
    """The indicator counts every offered area not started (Erbjudet, Samlar hushåll, Redo
    att starta): named after one of those states, its number would not match the figure the
    watch page shows under that state's name."""
    name = str(BY_CODE["watch_gathering"].name)
    assert name not in {str(state.label) for state in WatchState}
    assert "inte startat" in name

"""The demo council: this year's meetings ending on 10 December, the past ones with a
generated report and decisions, and nothing twice."""

import datetime

import pytest

from tryggve.followup.council import council_report, last_meeting_of_year
from tryggve.followup.council_demo import load_demo_council
from tryggve.followup.demo import load_demo_followup
from tryggve.followup.models import CouncilDecision, CouncilMeeting, ReportRecipient

pytestmark = pytest.mark.django_db


def test_demo_council(municipality):
    today = datetime.date(2026, 11, 28)
    load_demo_followup(municipality=municipality, today=today)
    assert load_demo_council(municipality=municipality, today=today) == (
        "5 council meetings (4 held)"
    )
    assert last_meeting_of_year(municipality, 2026).date == datetime.date(2026, 12, 10)
    held = CouncilMeeting.objects.filter(date__lte=today)
    assert all(m.report_generated and m.decisions.count() == 2 for m in held)
    assert not CouncilMeeting.objects.get(date="2026-12-10").report_generated
    assert ReportRecipient.objects.count() == 4
    # The next meeting's report shows the decisions of the one before.
    report = council_report(meeting=CouncilMeeting.objects.get(date="2026-12-10"), today=today)
    assert len(report.previous_decisions) == 2 and report.compared
    assert load_demo_council(municipality=municipality, today=today) == "council already loaded"
    assert CouncilDecision.objects.count() == 8
